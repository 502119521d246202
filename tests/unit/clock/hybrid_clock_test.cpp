#include "common/clock/hybrid_clock.hpp"

#include <catch2/catch.hpp>

using dspt::HlcTime;
using dspt::HybridClock;

namespace {

// A wall clock the test moves by hand.
struct FakeWall {
    std::uint64_t millis = 1'700'000'000'000;
    HybridClock::WallClock source() {
        return [this] { return millis; };
    }
};

}  // namespace

TEST_CASE("HLC packs 48-bit milliseconds and a 16-bit counter", "[unit][clock]") {
    const HlcTime t(1'700'000'000'123, 7);
    CHECK(t.millis() == 1'700'000'000'123);
    CHECK(t.counter() == 7);
    CHECK(HlcTime::from_raw(t.raw()) == t);
    CHECK(HlcTime(5, 0) > HlcTime(4, 0xFFFF));
    CHECK(t.to_string() == "2023-11-14T22:13:20.123Z+7");
}

TEST_CASE("HLC follows the wall clock when it moves forward", "[unit][clock]") {
    FakeWall wall;
    HybridClock clock(wall.source());
    const auto a = clock.now();
    CHECK(a == HlcTime(wall.millis, 0));
    wall.millis += 10;
    const auto b = clock.now();
    CHECK(b == HlcTime(wall.millis, 0));
}

TEST_CASE("HLC counts within one millisecond", "[unit][clock]") {
    FakeWall wall;
    HybridClock clock(wall.source());
    const auto a = clock.now();
    const auto b = clock.now();
    CHECK(b.millis() == a.millis());
    CHECK(b.counter() == a.counter() + 1);
}

TEST_CASE("HLC never goes backwards when the wall clock steps back", "[unit][clock]") {
    FakeWall wall;
    HybridClock clock(wall.source());
    HlcTime previous = clock.now();
    wall.millis -= 60'000;  // the wall clock is corrected a minute back
    for (int i = 0; i < 1000; ++i) {
        const auto next = clock.now();
        REQUIRE(next > previous);
        previous = next;
        if (i % 100 == 0) {
            wall.millis -= 5;
        }
    }
    // Once the wall clock passes the HLC again, the HLC rejoins it.
    wall.millis += 120'000;
    CHECK(clock.now() == HlcTime(wall.millis, 0));
}

TEST_CASE("HLC moves to the next millisecond when a counter is exhausted", "[unit][clock]") {
    FakeWall wall;
    HybridClock clock(wall.source(), HlcTime(wall.millis, HlcTime::kMaxCounter - 1));
    const auto a = clock.now();
    CHECK(a == HlcTime(wall.millis, HlcTime::kMaxCounter));
    const auto b = clock.now();
    CHECK(b == HlcTime(wall.millis + 1, 0));
    CHECK(b > a);
}

TEST_CASE("HLC update orders local changes after a remote one", "[unit][clock]") {
    FakeWall wall;
    HybridClock clock(wall.source());
    const auto local = clock.now();
    const HlcTime remote(wall.millis + 5'000, 3);  // another replica's clock runs ahead
    const auto merged = clock.update(remote);
    CHECK(merged > remote);
    CHECK(merged > local);
    CHECK(clock.now() > merged);

    // A remote time from the past does not drag the clock back.
    const auto before = clock.last();
    CHECK(clock.update(HlcTime(1, 0)) > before);
}

TEST_CASE("HLC restarts monotonic from a persisted last time", "[unit][clock]") {
    FakeWall wall;
    const HlcTime persisted(wall.millis + 1'000, 2);  // saved before a restart
    HybridClock clock(wall.source(), persisted);
    CHECK(clock.now() > persisted);
}
