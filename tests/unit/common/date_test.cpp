#include "common/date.hpp"

#include <catch2/catch.hpp>

using dspt::Date;

TEST_CASE("dates parse only as real YYYY-MM-DD days", "[unit][common]") {
    CHECK(Date::parse("2025-06-30")->to_string() == "2025-06-30");
    CHECK(Date::parse("2024-02-29").has_value());  // leap year
    CHECK_FALSE(Date::parse("2025-02-29").has_value());
    CHECK_FALSE(Date::parse("2025-13-01").has_value());
    CHECK_FALSE(Date::parse("2025-00-10").has_value());
    CHECK_FALSE(Date::parse("2025-04-31").has_value());
    CHECK_FALSE(Date::parse("25-06-30").has_value());
    CHECK_FALSE(Date::parse("2025/06/30").has_value());
    CHECK_FALSE(Date::parse("2025-6-30").has_value());
    CHECK_FALSE(Date::parse("2025-06-30 ").has_value());
    CHECK_FALSE(Date::parse("").has_value());
}

TEST_CASE("dates compare in calendar order", "[unit][common]") {
    CHECK(*Date::parse("2025-06-30") < *Date::parse("2025-07-01"));
    CHECK(*Date::parse("2025-12-31") < *Date::parse("2026-01-01"));
    CHECK(*Date::parse("2026-01-01") == *Date::parse("2026-01-01"));
    CHECK(Date::parse("2026-01-01")->year() == 2026);
    CHECK(Date::today() > *Date::parse("2020-01-01"));
}

TEST_CASE("a Unix time in milliseconds gives its UTC date", "[unit][common]") {
    CHECK(dspt::Date::from_unix_ms(0).to_string() == "1970-01-01");
    CHECK(dspt::Date::from_unix_ms(1'763'683'199'999).to_string() == "2025-11-20");
    CHECK(dspt::Date::from_unix_ms(1'763'683'200'000).to_string() == "2025-11-21");
    CHECK(dspt::Date::from_unix_ms(-1).to_string() == "1969-12-31");
}

TEST_CASE("dates and moments in messages read as people in the UK write them", "[unit][common]") {
    CHECK(dspt::long_date(*Date::parse("2026-12-06")) == "6 December 2026");
    CHECK(dspt::long_date(*Date::parse("2025-01-01")) == "1 January 2025");
    // 2026-12-06 14:05:09 UTC.
    CHECK(dspt::long_moment_text(1'796'565'909'000) == "6 December 2026 at 14:05 UTC");
}

TEST_CASE("a date typed as people in the UK write it reads as that day", "[unit][common]") {
    CHECK(dspt::short_uk_date(*Date::parse("2026-12-07")) == "07/12/2026");
    CHECK(dspt::parse_uk_date("07/12/2026") == Date::parse("2026-12-07"));
    CHECK(dspt::parse_uk_date(" 7/12/2026 ") == Date::parse("2026-12-07"));
    CHECK(dspt::parse_uk_date("7.12.2026") == Date::parse("2026-12-07"));
    CHECK(dspt::parse_uk_date("01-10-2026") == Date::parse("2026-10-01"));
    // As stored, too.
    CHECK(dspt::parse_uk_date("2026-10-01") == Date::parse("2026-10-01"));
    // Day first: 10/01 is the tenth of January, never 1 October.
    CHECK(dspt::parse_uk_date("10/01/2026") == Date::parse("2026-01-10"));
    for (const auto* bad : {"", "31/02/2027", "13/13/2026", "07/12/26", "07/12-2026", "7//2026",
                            "07/12/2026x", "007/12/2026", "yesterday", "2026/12/07"}) {
        INFO(bad);
        CHECK_FALSE(dspt::parse_uk_date(bad));
    }
}
