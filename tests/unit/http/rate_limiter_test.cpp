// The per-address limit on requests anyone may make: a burst, then a steady rate.

#include "http/rate_limiter.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

using dspt::http::address_without_port;
using dspt::http::RateLimiter;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    RateLimiter::Clock fn() {
        return [this] { return now; };
    }
};

}  // namespace

TEST_CASE("RateLimiter lets a burst through, then one request per token", "[unit][http]") {
    FakeClock clock;
    RateLimiter limit(2, 5, 100, clock.fn());
    for (int i = 0; i < 5; ++i) {
        CHECK(limit.take("192.0.2.1").allowed);
    }
    const auto refused = limit.take("192.0.2.1");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 1s);
    // Another address has its own bucket.
    CHECK(limit.take("192.0.2.2").allowed);

    clock.now += 500ms;  // one token back at 2 a second
    CHECK(limit.take("192.0.2.1").allowed);
    CHECK_FALSE(limit.take("192.0.2.1").allowed);
    clock.now += 1h;  // full again, never past the burst
    for (int i = 0; i < 5; ++i) {
        CHECK(limit.take("192.0.2.1").allowed);
    }
    CHECK_FALSE(limit.take("192.0.2.1").allowed);
}

TEST_CASE("RateLimiter says how long to wait at a slow rate", "[unit][http]") {
    FakeClock clock;
    RateLimiter limit(0.1, 1, 100, clock.fn());
    CHECK(limit.take("a").allowed);
    CHECK(limit.take("a").retry_after == 10s);
}

TEST_CASE("RateLimiter keeps a bounded number of addresses", "[unit][http]") {
    FakeClock clock;
    RateLimiter limit(1, 2, 3, clock.fn());
    for (const char* address : {"a", "b", "c"}) {
        CHECK(limit.take(address).allowed);
        CHECK(limit.take(address).allowed);
        CHECK_FALSE(limit.take(address).allowed);
        clock.now += 1ms;
    }
    // A fourth address drops the oldest bucket ("a"); "a" then starts full
    // again in place of the next oldest ("b"), and "c", kept, is still empty.
    CHECK(limit.take("d").allowed);
    CHECK(limit.take("a").allowed);
    CHECK_FALSE(limit.take("c").allowed);
}

TEST_CASE("The client address is the remote address without its port", "[unit][http]") {
    CHECK(address_without_port("127.0.0.1:53122") == "127.0.0.1");
    CHECK(address_without_port("[::1]:8080") == "::1");
    CHECK(address_without_port("::1") == "::1");
    CHECK(address_without_port("-") == "-");
}
