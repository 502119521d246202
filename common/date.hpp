#pragma once
// A calendar date (no time, no zone) as written in answers, plan due dates and
// certificate expiries: "YYYY-MM-DD". Dates are compared by value; an invalid
// date such as 2025-02-30 cannot be constructed through parse().

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dspt {

class Date {
  public:
    // 1970-01-01.
    constexpr Date() = default;

    // Parses exactly "YYYY-MM-DD" (four-digit year, two-digit month and day) and
    // checks the day exists in that month. Returns nullopt otherwise.
    static std::optional<Date> parse(std::string_view text) noexcept;

    // Today in UTC.
    static Date today() noexcept;

    static Date from_days(std::chrono::sys_days days) noexcept { return Date(days); }

    // The UTC date of a Unix time in milliseconds.
    static Date from_unix_ms(std::int64_t ms) noexcept {
        return Date(std::chrono::floor<std::chrono::days>(
            std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms))));
    }

    std::chrono::sys_days days() const noexcept { return days_; }

    // The last millisecond of this day in UTC, as Unix milliseconds: what
    // "until this date" includes.
    std::int64_t end_unix_ms() const noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   (days_ + std::chrono::days(1)).time_since_epoch())
                   .count() -
               1;
    }
    int year() const noexcept;

    // "YYYY-MM-DD".
    std::string to_string() const;

    friend auto operator<=>(const Date&, const Date&) = default;

  private:
    explicit constexpr Date(std::chrono::sys_days days) : days_(days) {}

    std::chrono::sys_days days_{};
};

// "2025-06-30 14:05" (UTC) from Unix milliseconds: a moment as people read it.
std::string utc_minute_text(std::int64_t unix_ms);

// "21 November 2026": a date as people in the UK write it.
std::string long_date(Date date);

// "6 December 2026 at 14:05 UTC" from Unix milliseconds: a moment in messages.
std::string long_moment_text(std::int64_t unix_ms);

// "07/12/2026": a date in a UK table or form field.
std::string short_uk_date(Date date);

// A date typed by a person in the UK: "DD/MM/YYYY" (day and month of one or
// two digits; '/', '.' or '-' between them; spaces around ignored), or
// "YYYY-MM-DD" as stored. Nullopt when it is neither or names no real day
// ("31/02/2027").
std::optional<Date> parse_uk_date(std::string_view text) noexcept;

}  // namespace dspt
