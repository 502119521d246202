#include "client/sync/arrivals.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/date.hpp"

namespace dspt::client {

std::string uk_date_time(std::int64_t unix_ms) {
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

std::string arrival_author(const ArrivedChange& change) {
    return change.author.empty() ? "device " + change.replica_id.substr(0, 8) : change.author;
}

std::string arrival_subject(const ArrivedChange& change) {
    const auto slash = change.register_key.find('/');
    const auto kind = change.register_key.substr(0, slash);
    if (change.item_id.empty()) {
        return kind + ": " + change.register_key.substr(slash + 1);
    }
    auto text = change.item_id + (change.title.empty() ? "" : " " + change.title);
    if (kind == "plan") {
        text += " (action plan)";
    } else if (kind == "evidence") {
        text += " (evidence file)";
    }
    return text;
}

}  // namespace dspt::client
