// Retrying a sync: which failures are tried again, how long the pauses grow,
// and that the count and the total time bound it.

#include "client/sync/retry.hpp"

#include <vector>

#include <catch2/catch.hpp>

using namespace dspt;
using namespace dspt::client;
using std::chrono::milliseconds;

TEST_CASE("pauses grow exponentially with full jitter, up to the ceiling", "[unit][client_sync]") {
    RetryPolicy policy;
    policy.first_delay = milliseconds(100);
    policy.max_delay = milliseconds(1000);
    std::mt19937_64 random(42);
    for (std::size_t retry = 0; retry < 8; ++retry) {
        const auto ceiling = std::min<std::int64_t>(100 << retry, 1000);
        std::int64_t largest = 0;
        std::int64_t smallest = ceiling;
        for (int i = 0; i < 200; ++i) {
            const auto pause = backoff_delay(policy, retry, random).count();
            REQUIRE(pause >= 0);
            REQUIRE(pause <= ceiling);
            largest = std::max(largest, pause);
            smallest = std::min(smallest, pause);
        }
        // Spread over the whole range, so devices cut off together do not return together.
        CHECK(largest > ceiling * 3 / 4);
        CHECK(smallest < ceiling / 4);
    }
    CHECK(backoff_delay(policy, 1000, random).count() <= 1000);  // no overflow
    policy.first_delay = milliseconds(std::int64_t{1} << 60);
    CHECK(backoff_delay(policy, 5, random).count() <= 1000);
}

TEST_CASE("only failures of the network or an overloaded server are tried again",
          "[unit][client_sync]") {
    CHECK(is_transient(ErrorCode::network));
    CHECK(is_transient(ErrorCode::timeout));
    CHECK(is_transient(ErrorCode::unavailable));
    CHECK_FALSE(is_transient(ErrorCode::unauthenticated));
    CHECK_FALSE(is_transient(ErrorCode::forbidden));
    CHECK_FALSE(is_transient(ErrorCode::protocol));
    CHECK_FALSE(is_transient(ErrorCode::corrupt));
    CHECK_FALSE(is_transient(ErrorCode::wrong_passphrase));

    RetryPolicy policy;
    policy.attempts = 5;
    policy.first_delay = milliseconds(10);
    std::vector<milliseconds> pauses;
    const auto sleep = [&](milliseconds pause) { pauses.push_back(pause); };

    int calls = 0;
    const auto result = with_retry(
        policy,
        [&] {
            if (++calls < 3) {
                fail(ErrorCode::network, "cut");
            }
            return 7;
        },
        {}, sleep);
    CHECK(result == 7);
    CHECK(calls == 3);
    CHECK(pauses.size() == 2);

    calls = 0;
    CHECK_THROWS_WITH(
        with_retry(
            policy, [&]() -> int { ++calls, fail(ErrorCode::timeout, "slow"); }, {}, sleep),
        "slow");
    CHECK(calls == 5);  // the count bounds it

    calls = 0;
    CHECK_THROWS_WITH(
        with_retry(
            policy, [&]() -> int { ++calls, fail(ErrorCode::unauthenticated, "revoked"); }, {},
            sleep),
        "revoked");
    CHECK(calls == 1);  // a refusal is final at once

    // The total time bounds it too: a pause that would pass it is not taken.
    policy.attempts = 100;
    policy.first_delay = milliseconds(1000);
    policy.give_up_after = milliseconds(1);
    calls = 0;
    std::size_t notices = 0;
    CHECK_THROWS(with_retry(
        policy, [&]() -> int { ++calls, fail(ErrorCode::network, "down"); },
        [&](const Error&, milliseconds) { ++notices; }, sleep));
    CHECK(calls <= 3);
    CHECK(notices == static_cast<std::size_t>(calls - 1));
}

TEST_CASE("an attempt that moved something starts the pauses and the count afresh",
          "[unit][client_sync]") {
    RetryPolicy policy;
    policy.attempts = 3;
    policy.first_delay = milliseconds(10);
    policy.max_delay = milliseconds(100'000);
    std::vector<milliseconds> pauses;
    const auto sleep = [&](milliseconds pause) { pauses.push_back(pause); };

    // A long upload over a line cut again and again: each attempt stores a
    // chunk before the cut, so twelve cuts in all do not end it, and no pause
    // grows beyond the first delay.
    std::uint64_t moved = 0;
    int calls = 0;
    const auto result = with_retry(
        policy,
        [&] {
            ++moved;
            if (++calls <= 12) {
                fail(ErrorCode::network, "cut after a chunk");
            }
            return calls;
        },
        {}, sleep, [&] { return moved; });
    CHECK(result == 13);
    REQUIRE(pauses.size() == 12);
    for (const auto pause : pauses) {
        CHECK(pause <= milliseconds(10));
    }

    // Attempts that move nothing still end it after `attempts` in a row, with
    // growing pauses, also after earlier attempts moved something.
    pauses.clear();
    calls = 0;
    CHECK_THROWS_WITH(with_retry(
                          policy,
                          [&]() -> int {
                              if (++calls <= 2) {
                                  ++moved;
                              }
                              fail(ErrorCode::network, "down");
                          },
                          {}, sleep, [&] { return moved; }),
                      "down");
    CHECK(calls == 2 + 3);
}
