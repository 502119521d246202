#include "server/auth/replay_window.hpp"

namespace dspt::server::auth {

bool ReplayWindow::accept(std::uint64_t counter) noexcept {
    if (counter == 0) {
        return false;
    }
    if (counter > highest_) {
        const std::uint64_t shift = counter - highest_;
        seen_ = shift >= kWidth ? 0 : seen_ << shift;
        seen_ |= 1;
        highest_ = counter;
        return true;
    }
    const std::uint64_t offset = highest_ - counter;
    if (offset >= kWidth) {
        return false;  // below the window: too old to tell, so refused
    }
    const std::uint64_t bit = std::uint64_t{1} << offset;
    if ((seen_ & bit) != 0) {
        return false;
    }
    seen_ |= bit;
    return true;
}

}  // namespace dspt::server::auth
