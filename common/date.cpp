#include "common/date.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace dspt {

namespace {

// Reads `count` decimal digits at text[pos]; -1 when any is not a digit.
int read_digits(std::string_view text, std::size_t pos, std::size_t count) {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return -1;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view text) noexcept {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const int y = read_digits(text, 0, 4);
    const int m = read_digits(text, 5, 2);
    const int d = read_digits(text, 8, 2);
    if (y < 0 || m < 0 || d < 0) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y},
                                          std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return Date(std::chrono::sys_days{ymd});
}

Date Date::today() noexcept {
    return Date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

int Date::year() const noexcept {
    return static_cast<int>(std::chrono::year_month_day{days_}.year());
}

std::string Date::to_string() const {
    const std::chrono::year_month_day ymd{days_};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string utc_minute_text(std::int64_t unix_ms) {
    const auto secs = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string long_date(Date date) {
    static constexpr std::array<std::string_view, 12> kMonths{
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    const std::chrono::year_month_day day{date.days()};
    return std::to_string(static_cast<unsigned>(day.day())) + " " +
           std::string(kMonths[static_cast<unsigned>(day.month()) - 1]) + " " +
           std::to_string(static_cast<int>(day.year()));
}

std::string long_moment_text(std::int64_t unix_ms) {
    return long_date(Date::from_unix_ms(unix_ms)) + " at " + utc_minute_text(unix_ms).substr(11) +
           " UTC";
}

std::string short_uk_date(Date date) {
    const std::chrono::year_month_day day{date.days()};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(day.day()),
                  static_cast<unsigned>(day.month()), static_cast<int>(day.year()));
    return buf;
}

std::optional<Date> parse_uk_date(std::string_view text) noexcept {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    if (auto iso = Date::parse(text)) {
        return iso;
    }
    // Day and month of one or two digits, then a four-digit year.
    std::array<int, 3> parts{};
    std::size_t at = 0;
    for (std::size_t part = 0; part < parts.size(); ++part) {
        const std::size_t start = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            ++at;
        }
        const std::size_t digits = at - start;
        if (digits == 0 || digits > (part == 2 ? 4U : 2U) || (part == 2 && digits != 4)) {
            return std::nullopt;
        }
        parts[part] = read_digits(text, start, digits);
        if (part < 2) {
            if (at >= text.size() || (text[at] != '/' && text[at] != '.' && text[at] != '-') ||
                (part == 1 && text[at] != text[at - digits - 1])) {
                return std::nullopt;
            }
            ++at;
        }
    }
    if (at != text.size()) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{parts[2]},
                                          std::chrono::month{static_cast<unsigned>(parts[1])},
                                          std::chrono::day{static_cast<unsigned>(parts[0])}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return Date::from_days(std::chrono::sys_days{ymd});
}

}  // namespace dspt
