#include "client/format/output.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <ostream>

#include "common/date.hpp"

namespace dspt::client {

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) {
                line.append(widths[i] - row[i].size() + 2, ' ');
            }
        }
        out << line << "\n";
    }
}

std::string human_size(std::uint64_t bytes) {
    char buf[32];
    if (bytes < 1024) {
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    } else if (bytes < (std::uint64_t{1} << 20)) {
        std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    } else if (bytes < (std::uint64_t{1} << 30)) {
        std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / 1048576.0);
    } else {
        std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / 1073741824.0);
    }
    return buf;
}

std::string human_age(std::int64_t ms) {
    constexpr std::int64_t kMinute = 60'000;
    constexpr std::int64_t kHour = 60 * kMinute;
    constexpr std::int64_t kDay = 24 * kHour;
    const auto counted = [](std::int64_t n, const char* unit) {
        std::string text = std::to_string(n);
        text += " ";
        text += unit;
        if (n != 1) {
            text += "s";
        }
        return text;
    };
    if (ms >= kDay) {
        return counted(ms / kDay, "day");
    }
    if (ms >= kHour) {
        return counted(ms / kHour, "hour");
    }
    if (ms >= kMinute) {
        return counted(ms / kMinute, "minute");
    }
    return "under a minute";
}

namespace {

std::tm utc_of(std::int64_t unix_ms) {
    const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return tm;
}

}  // namespace

std::string format_time(std::int64_t unix_ms) {
    return utc_minute_text(unix_ms);
}

std::string local_moment_text(std::int64_t unix_ms) {
    const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    ::localtime_r(&seconds, &tm);
    const std::chrono::year_month_day day{std::chrono::year{tm.tm_year + 1900},
                                          std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)},
                                          std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
    char clock[8];
    std::snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
    return long_date(Date::from_days(std::chrono::sys_days{day})) + " " + clock;
}

std::string format_time_iso(std::int64_t unix_ms) {
    const auto tm = utc_of(unix_ms);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace dspt::client
