#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/error.hpp"

namespace dspt::http {

RateLimiter::RateLimiter(double per_second, double burst, std::size_t max_addresses, Clock clock)
    : per_second_(per_second),
      burst_(burst),
      max_addresses_(std::max<std::size_t>(max_addresses, 1)),
      clock_(std::move(clock)) {
    if (!(per_second > 0) || !(burst >= 1)) {
        fail(ErrorCode::invalid_argument,
             "a rate limit needs a positive rate and a burst of at least 1");
    }
}

RateLimiter::Decision RateLimiter::take(std::string_view address) {
    const auto now = clock_();
    const std::lock_guard lock(mutex_);
    auto found = buckets_.find(std::string(address));
    if (found == buckets_.end()) {
        if (buckets_.size() >= max_addresses_) {
            make_room(now);
        }
        found = buckets_.emplace(std::string(address), Bucket{burst_, now}).first;
    }
    auto& bucket = found->second;
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed.count()) * per_second_);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return {};
    }
    const auto wait = std::ceil((1 - bucket.tokens) / per_second_);
    return {false, std::chrono::seconds(std::max<long long>(1, static_cast<long long>(wait)))};
}

void RateLimiter::make_room(std::chrono::steady_clock::time_point now) {
    const auto refill = std::chrono::duration<double>(burst_ / per_second_);
    std::erase_if(buckets_, [&](const auto& entry) {
        return std::chrono::duration<double>(now - entry.second.updated) >= refill;
    });
    if (buckets_.size() < max_addresses_) {
        return;
    }
    const auto oldest = std::min_element(
        buckets_.begin(), buckets_.end(),
        [](const auto& a, const auto& b) { return a.second.updated < b.second.updated; });
    buckets_.erase(oldest);
}

std::string_view address_without_port(std::string_view remote) noexcept {
    if (remote.starts_with('[')) {
        const auto close = remote.find(']');
        return close == std::string_view::npos ? remote : remote.substr(1, close - 1);
    }
    const auto colon = remote.rfind(':');
    if (colon == std::string_view::npos || remote.find(':') != colon) {
        return remote;  // no port, or a bare IPv6 address
    }
    return remote.substr(0, colon);
}

}  // namespace dspt::http
