#include "client/sync/retry.hpp"

#include <algorithm>

namespace dspt::client {

bool is_transient(ErrorCode code) noexcept {
    return code == ErrorCode::network || code == ErrorCode::timeout ||
           code == ErrorCode::unavailable || code == ErrorCode::database_busy;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, std::size_t retry,
                                        std::mt19937_64& random) {
    const auto first = std::max<std::int64_t>(policy.first_delay.count(), 0);
    const auto most = std::max<std::int64_t>(policy.max_delay.count(), 0);
    const auto shift = std::min<std::size_t>(retry, 40);
    // first * 2^shift, without overflowing past the ceiling.
    const auto ceiling = first > (most >> shift) ? most : first << shift;
    std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
    return std::chrono::milliseconds(pick(random));
}

}  // namespace dspt::client
