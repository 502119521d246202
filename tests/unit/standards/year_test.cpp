// Standards years and when a publication lapses.

#include "common/standards/year.hpp"

#include <catch2/catch.hpp>

using namespace dspt;
using namespace dspt::standards;

namespace {

Date day(const char* text) {
    return *Date::parse(text);
}

}  // namespace

TEST_CASE("a standards year is two consecutive years", "[unit][standards]") {
    CHECK(is_valid_year("2025-26"));
    CHECK(is_valid_year("2099-00"));
    CHECK_FALSE(is_valid_year("2025-27"));
    CHECK_FALSE(is_valid_year("2025/26"));
    CHECK_FALSE(is_valid_year("25-26"));
    CHECK_FALSE(is_valid_year("2025-26 "));
    CHECK_FALSE(is_valid_year("20x5-26"));
    CHECK(previous_year("2025-26") == "2024-25");
    CHECK(previous_year("2000-01") == "1999-00");
    CHECK_FALSE(previous_year("nonsense").has_value());
}

TEST_CASE("the standards year of a date turns on 1 July", "[unit][standards]") {
    CHECK(year_on(day("2026-06-30")) == "2025-26");
    CHECK(year_on(day("2026-07-01")) == "2026-27");
    CHECK(year_on(day("2026-01-01")) == "2025-26");
    CHECK(year_on(day("2026-11-21")) == "2026-27");
}

TEST_CASE("a publication lapses twelve months after its date", "[unit][standards]") {
    CHECK_FALSE(publication_lapsed(day("2025-03-10"), day("2025-03-10")));
    CHECK_FALSE(publication_lapsed(day("2025-03-10"), day("2026-03-10")));
    CHECK(publication_lapsed(day("2025-03-10"), day("2026-03-11")));
    CHECK_FALSE(publication_lapsed(day("2024-02-29"), day("2025-02-28")));
    CHECK(publication_lapsed(day("2024-02-29"), day("2025-03-01")));
}

TEST_CASE("the days left to a year's 30 June deadline", "[unit][standards]") {
    CHECK(deadline_of("2025-26") == day("2026-06-30"));
    CHECK(days_to_deadline("2025-26", day("2025-12-07")) == 205);
    CHECK(days_to_deadline("2025-26", day("2026-06-30")) == 0);
    CHECK(days_to_deadline("2025-26", day("2026-12-06")) == -159);
    CHECK(deadline_words("2025-26", day("2026-06-29")) ==
          "1 day left to the 30 June 2026 deadline");
    CHECK(deadline_words("2025-26", day("2026-06-30")) == "the 30 June 2026 deadline is today");
    CHECK(deadline_words("2025-26", day("2026-12-06")) ==
          "the 30 June 2026 deadline passed 159 days ago: publishing late stays open until a "
          "newer version opens");
}

TEST_CASE("a publication lapsing within 30 days", "[unit][standards]") {
    const auto published = day("2025-12-20");  // lapses on 2026-12-21
    CHECK_FALSE(lapses_within(published, day("2026-11-20"), 30));
    CHECK(lapses_within(published, day("2026-11-21"), 30));
    CHECK(lapses_within(published, day("2026-12-20"), 30));
    CHECK_FALSE(lapses_within(published, day("2026-12-21"), 30));  // lapsed already
}
