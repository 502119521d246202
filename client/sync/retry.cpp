#include "client/sync/retry.hpp"

#include <algorithm>

namespace dspt::client {

bool is_transient(ErrorCode code) noexcept {
    return code == ErrorCode::network || code == ErrorCode::timeout ||
           code == ErrorCode::unavailable || code == ErrorCode::database_busy;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, std::size_t retry,
                                        std::mt19937_64& random) {
    const auto shift = std::min<std::size_t>(retry, 30);
    const auto grown = policy.first_delay.count() * (std::int64_t{1} << shift);
    const auto ceiling = std::min<std::int64_t>(grown, policy.max_delay.count());
    std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
    return std::chrono::milliseconds(pick(random));
}

}  // namespace dspt::client
