#pragma once
// Which counters of one request session have been used (docs/security.md,
// "Request sessions"): a sliding window of 64 above the lowest still tracked.
//
// accept(n) takes a counter once. A counter above every one seen moves the
// window up; one within the 64 below the highest seen is taken when it has not
// been; one below the window, or seen, is refused. So two requests in flight on
// two connections pass whichever arrives first, and a replay never does.
//
// Thread safety: none; the session table guards each window with its lock.

#include <cstdint>

namespace dspt::server::auth {

class ReplayWindow {
  public:
    static constexpr std::uint64_t kWidth = 64;

    // True, and the counter is used, when it was not used and is not below the
    // window. Counter 0 is never taken (counters start at 1).
    bool accept(std::uint64_t counter) noexcept { return take(counter) == Verdict::taken; }

    // accept(), saying why a counter was refused: `seen` when it was taken
    // before, `too_old` when it is below the window (or 0), so nothing can tell
    // whether it was.
    enum class Verdict { taken, seen, too_old };
    Verdict take(std::uint64_t counter) noexcept;

    // The highest counter taken; 0 before any.
    std::uint64_t highest() const noexcept { return highest_; }

  private:
    std::uint64_t highest_ = 0;
    // Bit i: counter highest_ - i has been taken.
    std::uint64_t seen_ = 0;
};

}  // namespace dspt::server::auth
