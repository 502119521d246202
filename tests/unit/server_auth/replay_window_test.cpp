// ReplayWindow: which counters of a request session are taken once, and which
// refused.

#include "server/auth/replay_window.hpp"

#include <catch2/catch.hpp>

namespace dspt::server::auth::test {

TEST_CASE("a session counter is taken once, in order or a little out of it",
          "[unit][server_auth]") {
    ReplayWindow window;
    CHECK_FALSE(window.accept(0));  // counters start at 1
    CHECK(window.accept(1));
    CHECK(window.accept(2));
    CHECK_FALSE(window.accept(2));  // a replay
    CHECK_FALSE(window.accept(1));

    // Two requests in flight on two connections: 4 arrives before 3.
    CHECK(window.accept(4));
    CHECK(window.accept(3));
    CHECK_FALSE(window.accept(3));
    CHECK_FALSE(window.accept(4));
    CHECK(window.highest() == 4);
}

TEST_CASE("a counter 64 or more below the highest is refused, one within is taken once",
          "[unit][server_auth]") {
    ReplayWindow window;
    REQUIRE(window.accept(100));
    CHECK(window.accept(37));        // 63 below: the window's lowest
    CHECK_FALSE(window.accept(37));  // and only once
    CHECK_FALSE(window.accept(36));  // 64 below: too old to tell, refused
    CHECK(window.accept(164));       // moves the window: 100 is now 64 below
    CHECK_FALSE(window.accept(100));
    CHECK(window.accept(101));     // 63 below, never used
    CHECK(window.accept(10'000));  // a long jump forgets everything below
    CHECK_FALSE(window.accept(164));
    CHECK(window.accept(9'999));
    CHECK_FALSE(window.accept(10'000));
}

TEST_CASE("a refused counter is told apart: used before, or below the window",
          "[unit][server_auth]") {
    ReplayWindow window;
    using Verdict = ReplayWindow::Verdict;
    CHECK(window.take(0) == Verdict::too_old);
    CHECK(window.take(100) == Verdict::taken);
    CHECK(window.take(100) == Verdict::seen);
    CHECK(window.take(37) == Verdict::taken);
    CHECK(window.take(37) == Verdict::seen);
    CHECK(window.take(36) == Verdict::too_old);
    CHECK(window.highest() == 100);
}

}  // namespace dspt::server::auth::test
