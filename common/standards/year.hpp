#pragma once
// Standards years: the DSPT is published against a year's standards, written
// "2025-26". A year's assessment runs from 1 July to the 30 June deadline
// (docs/domain.md, "Standards years").

#include <optional>
#include <string>
#include <string_view>

#include "common/date.hpp"

namespace dspt::standards {

// True for "YYYY-YY" where the second year follows the first ("2025-26", "2099-00").
bool is_valid_year(std::string_view year) noexcept;

// The year whose deadline is the next 30 June on or after `date`:
// 2026-06-30 is in "2025-26", 2026-07-01 in "2026-27".
std::string year_on(Date date);

// The year before a valid year ("2025-26" -> "2024-25"); nullopt for a malformed one.
std::optional<std::string> previous_year(std::string_view year);

// Whether a publication made on `published` has lapsed by `today`: a DSPT is
// republished at least every twelve months (docs/domain.md, "Lapsing"), so one
// published on 2025-03-10 is current up to and including 2026-03-10 and
// lapsed from 2026-03-11. (Published on 29 February: current to 28 February.)
bool publication_lapsed(Date published, Date today) noexcept;

// The first day on which a publication made on `published` counts as lapsed:
// the day after its twelve-month anniversary (2025-03-10 -> 2026-03-11).
Date lapses_on(Date published) noexcept;

// Whether a publication made on `published`, current on `today`, lapses
// within `days` days: lapses_on() is no later than `days` days after `today`.
// Published 2025-12-20: on 2026-11-21 it lapses within 30 days (2026-12-21).
bool lapses_within(Date published, Date today, int days) noexcept;

// The 30 June deadline of a valid year: "2025-26" -> 2026-06-30.
Date deadline_of(std::string_view year);

// Days from `today` to the deadline of `year`: 0 on the day, negative once it
// has passed (publishing late stays open until a newer version opens).
long days_to_deadline(std::string_view year, Date today);

// The deadline in words: "205 days left to the 30 June 2026 deadline",
// "the 30 June 2026 deadline is today", "the 30 June 2026 deadline passed 159
// days ago: publishing late stays open until a newer version opens".
std::string deadline_words(std::string_view year, Date today);

}  // namespace dspt::standards
