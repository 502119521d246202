#pragma once
// How often one client address may ask for something: a token bucket per
// address. The server uses it for the requests anyone may make without
// signing in (the public register, certificates), whose cost a stranger
// would otherwise set.
//
// Each address starts with `burst` tokens and gains `per_second` a second,
// up to `burst`; a request takes one. At most `max_addresses` buckets are
// kept: past that, the buckets of addresses that have been quiet long enough
// to be full again are dropped (they would start full anyway), and if every
// bucket is in use, the oldest is dropped.
//
// Thread-safety: take() may be called from every thread at once (one mutex,
// held for a map look-up).

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dspt::http {

class RateLimiter {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // `per_second` > 0 and `burst` >= 1, else Error(invalid_argument).
    RateLimiter(double per_second, double burst, std::size_t max_addresses = 100'000,
                Clock clock = std::chrono::steady_clock::now);

    struct Decision {
        bool allowed = true;
        // When refused: whole seconds until a token is there (at least 1).
        std::chrono::seconds retry_after{0};
    };

    // Takes a token of `address`'s bucket if there is one.
    Decision take(std::string_view address);

  private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point updated;
    };
    void make_room(std::chrono::steady_clock::time_point now);

    const double per_second_;
    const double burst_;
    const std::size_t max_addresses_;
    const Clock clock_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

// The client address in a Request::remote_address ("127.0.0.1:53122" ->
// "127.0.0.1", "[::1]:8080" -> "::1"); the text itself when it has no port.
std::string_view address_without_port(std::string_view remote) noexcept;

}  // namespace dspt::http
