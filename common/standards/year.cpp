#include "common/standards/year.hpp"

#include <cstdio>

#include "common/standards/validation.hpp"

namespace dspt::standards {

namespace {

int two_digits(std::string_view text) noexcept {
    return (text[0] - '0') * 10 + (text[1] - '0');
}

std::string year_starting(int first) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d", first, (first + 1) % 100);
    return text;
}

}  // namespace

bool is_valid_year(std::string_view year) noexcept {
    return detail::is_valid_year(year);
}

std::string year_on(Date date) {
    const std::chrono::year_month_day ymd{date.days()};
    const int calendar_year = static_cast<int>(ymd.year());
    return year_starting(ymd.month() >= std::chrono::July ? calendar_year : calendar_year - 1);
}

std::optional<std::string> previous_year(std::string_view year) {
    if (!is_valid_year(year)) {
        return std::nullopt;
    }
    const int first = (year[0] - '0') * 1000 + (year[1] - '0') * 100 + two_digits(year.substr(2));
    if (first == 0) {
        return std::nullopt;
    }
    return year_starting(first - 1);
}

Date lapses_on(Date published) noexcept {
    using namespace std::chrono;
    const year_month_day ymd{published.days()};
    year_month_day anniversary = ymd + years(1);
    if (!anniversary.ok()) {  // 29 February: the year after has no such day
        anniversary = anniversary.year() / anniversary.month() / last;
    }
    return Date::from_days(sys_days(anniversary) + days(1));
}

bool lapses_within(Date published, Date today, int days) noexcept {
    const auto lapses = lapses_on(published);
    return today < lapses && lapses.days() <= today.days() + std::chrono::days(days);
}

Date deadline_of(std::string_view year) {
    const int first = (year[0] - '0') * 1000 + (year[1] - '0') * 100 + two_digits(year.substr(2));
    return Date::from_days(
        std::chrono::sys_days{std::chrono::year{first + 1} / std::chrono::June / 30});
}

long days_to_deadline(std::string_view year, Date today) {
    return static_cast<long>((deadline_of(year).days() - today.days()).count());
}

std::string deadline_words(std::string_view year, Date today) {
    const auto deadline = "the 30 June " + std::to_string(deadline_of(year).year()) + " deadline";
    const auto days = days_to_deadline(year, today);
    if (days == 0) {
        return deadline + " is today";
    }
    if (days > 0) {
        return std::to_string(days) + (days == 1 ? " day" : " days") + " left to " + deadline;
    }
    return deadline + " passed " + std::to_string(-days) + (days == -1 ? " day" : " days") +
           " ago: publishing late stays open until a newer version opens";
}

bool publication_lapsed(Date published, Date today) noexcept {
    return today >= lapses_on(published);
}

}  // namespace dspt::standards
