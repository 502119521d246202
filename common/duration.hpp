#pragma once
// Durations typed by people on command lines: "90s", "30m", "72h", "7d".
// A bare number means hours.

#include <chrono>
#include <string>
#include <string_view>

namespace dspt {

// Throws Error(ErrorCode::invalid_argument) for anything else, for zero, and
// for more than a year.
std::chrono::seconds parse_duration(std::string_view text);

// "7d", "72h", "30m", "90s": the largest unit that divides the duration.
std::string format_duration(std::chrono::seconds duration);

}  // namespace dspt
