#pragma once
// The real clock the server's commands read and hand to the services. The
// services themselves take the time as a parameter or a Clock, so tests set it.

#include <cstdint>

#include "common/clock/hybrid_clock.hpp"

namespace dspt::server {

// Unix milliseconds now.
inline std::int64_t now_ms() {
    return static_cast<std::int64_t>(HybridClock::system_millis());
}

}  // namespace dspt::server
