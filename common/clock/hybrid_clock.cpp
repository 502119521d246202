#include "common/clock/hybrid_clock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace dspt {

std::string HlcTime::to_string() const {
    const auto ms = millis();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ+%u", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<unsigned>(ms % 1000), counter());
    return buf;
}

std::uint64_t HybridClock::system_millis() {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

HybridClock::HybridClock(WallClock wall, HlcTime last) : wall_(std::move(wall)), last_(last) {}

HlcTime HybridClock::now() {
    std::lock_guard lock(mutex_);
    return advance(wall_(), last_);
}

HlcTime HybridClock::update(HlcTime remote) {
    std::lock_guard lock(mutex_);
    return advance(wall_(), std::max(last_, remote));
}

HlcTime HybridClock::last() const {
    std::lock_guard lock(mutex_);
    return last_;
}

// The next time after `floor_time`, using the wall clock when it is ahead.
// When the counter of a millisecond is exhausted the time moves to the next
// millisecond rather than wrapping, so order is kept at the cost of running
// slightly ahead of the wall clock.
HlcTime HybridClock::advance(std::uint64_t wall_millis, HlcTime floor_time) {
    wall_millis = std::min(wall_millis, HlcTime::kMaxMillis);
    HlcTime next;
    if (wall_millis > floor_time.millis()) {
        next = HlcTime(wall_millis, 0);
    } else if (floor_time.counter() < HlcTime::kMaxCounter) {
        next = HlcTime(floor_time.millis(), floor_time.counter() + 1);
    } else {
        next = HlcTime(floor_time.millis() + 1, 0);
    }
    last_ = next;
    return next;
}

}  // namespace dspt
