#include "server/auth/replay_window.hpp"

namespace dspt::server::auth {

ReplayWindow::Verdict ReplayWindow::take(std::uint64_t counter) noexcept {
    if (counter == 0) {
        return Verdict::too_old;
    }
    if (counter > highest_) {
        const std::uint64_t shift = counter - highest_;
        seen_ = shift >= kWidth ? 0 : seen_ << shift;
        seen_ |= 1;
        highest_ = counter;
        return Verdict::taken;
    }
    const std::uint64_t offset = highest_ - counter;
    if (offset >= kWidth) {
        return Verdict::too_old;  // below the window: too old to tell, so refused
    }
    const std::uint64_t bit = std::uint64_t{1} << offset;
    if ((seen_ & bit) != 0) {
        return Verdict::seen;
    }
    seen_ |= bit;
    return Verdict::taken;
}

}  // namespace dspt::server::auth
