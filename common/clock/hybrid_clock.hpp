#pragma once
// A hybrid logical clock (HLC).
//
// Every change a replica makes is stamped with an HLC time. HLC times are
// totally ordered, stay close to wall-clock time, and never go backwards on one
// replica even when the wall clock steps back (NTP corrections, a laptop with a
// flat CMOS battery). After update(remote) every later now() is greater than the
// remote time, so a change made after seeing another replica's change sorts
// after it. Ties between replicas are broken by replica id (docs/sync.md, "Registers").
//
// Layout of a timestamp (64 bits): the high 48 bits are milliseconds since the
// Unix epoch, the low 16 bits a logical counter within that millisecond.
//
// Thread-safety: a HybridClock may be shared; now() and update() lock.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace dspt {

class HlcTime {
  public:
    static constexpr std::uint64_t kMaxMillis = (std::uint64_t{1} << 48) - 1;
    static constexpr std::uint32_t kMaxCounter = 0xFFFF;

    constexpr HlcTime() = default;
    constexpr HlcTime(std::uint64_t millis, std::uint32_t counter)
        : value_((millis << 16) | (counter & kMaxCounter)) {}
    static constexpr HlcTime from_raw(std::uint64_t raw) {
        HlcTime t;
        t.value_ = raw;
        return t;
    }

    constexpr std::uint64_t raw() const noexcept { return value_; }
    constexpr std::uint64_t millis() const noexcept { return value_ >> 16; }
    constexpr std::uint32_t counter() const noexcept {
        return static_cast<std::uint32_t>(value_ & kMaxCounter);
    }

    // "2025-06-30T12:00:00.123Z+5": the wall time in UTC and the counter.
    std::string to_string() const;

    friend constexpr auto operator<=>(const HlcTime&, const HlcTime&) = default;

  private:
    std::uint64_t value_ = 0;
};

class HybridClock {
  public:
    // Milliseconds since the Unix epoch. Tests inject a fake.
    using WallClock = std::function<std::uint64_t()>;

    // The system clock.
    static std::uint64_t system_millis();

    explicit HybridClock(WallClock wall = &HybridClock::system_millis, HlcTime last = HlcTime{});

    // A new time, greater than every time this clock returned or saw before.
    HlcTime now();

    // Merges a time received from another replica, and returns a time greater
    // than both it and everything this clock returned before.
    HlcTime update(HlcTime remote);

    // The greatest time issued or seen; persisted so a restart stays monotonic.
    HlcTime last() const;

  private:
    HlcTime advance(std::uint64_t wall_millis, HlcTime floor_time);

    WallClock wall_;
    mutable std::mutex mutex_;
    HlcTime last_;
};

}  // namespace dspt
