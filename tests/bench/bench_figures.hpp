#pragma once
// How the benchmark drivers print figures: one a line as `name: value unit`.

#include <chrono>
#include <iomanip>
#include <iostream>
#include <string>
#include <string_view>

namespace dspt::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline void figure(const std::string& name, double value, std::string_view unit,
                   int precision = 1) {
    std::cout << name << ": " << std::fixed << std::setprecision(precision) << value << " " << unit
              << "\n";
    std::cout.flush();
}

}  // namespace dspt::bench
