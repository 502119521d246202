#include "common/duration.hpp"

#include <charconv>

#include "common/error.hpp"

namespace dspt {

std::chrono::seconds parse_duration(std::string_view text) {
    std::int64_t count = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::int64_t scale = 0;
    if (unit == "s") {
        scale = 1;
    } else if (unit == "m") {
        scale = 60;
    } else if (unit == "h" || unit.empty()) {
        scale = 3600;
    } else if (unit == "d") {
        scale = 86400;
    }
    constexpr std::int64_t kYear = 366 * 86400;
    if (ec != std::errc{} || scale == 0 || count <= 0 || count > kYear / scale) {
        fail(ErrorCode::invalid_argument,
             "a duration is a number with s, m, h or d (at most a "
             "year), e.g. 72h or 7d; not \"" +
                 std::string(text) + "\"");
    }
    return std::chrono::seconds(count * scale);
}

std::string format_duration(std::chrono::seconds duration) {
    const auto s = duration.count();
    if (s % 86400 == 0) {
        return std::to_string(s / 86400) + "d";
    }
    if (s % 3600 == 0) {
        return std::to_string(s / 3600) + "h";
    }
    if (s % 60 == 0) {
        return std::to_string(s / 60) + "m";
    }
    return std::to_string(s) + "s";
}

}  // namespace dspt
