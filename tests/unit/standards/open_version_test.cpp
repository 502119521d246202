// Which toolkit version is open for publishing on a day.

#include "common/standards/open_version.hpp"

#include <catch2/catch.hpp>

#include "common/standards/bundled.hpp"

using namespace dspt;
using namespace dspt::standards;

namespace {

Date calendar_day(const char* text) {
    return *Date::parse(text);
}

const std::vector<PackOpening> kHeld{{"2024-25", calendar_day("2024-09-02")},
                                     {"2025-26", calendar_day("2025-09-18")}};

}  // namespace

TEST_CASE("the open version is the newest pack that has opened", "[unit][standards]") {
    CHECK(open_year(kHeld, calendar_day("2025-09-17")) == "2024-25");
    CHECK(open_year(kHeld, calendar_day("2025-09-18")) == "2025-26");
    // Still open after its 30 June deadline while no newer pack is held.
    CHECK(open_year(kHeld, calendar_day("2026-07-01")) == "2025-26");
    CHECK(open_year(kHeld, calendar_day("2026-12-06")) == "2025-26");
    CHECK_FALSE(open_year(kHeld, calendar_day("2024-09-01")).has_value());
    CHECK_FALSE(open_year({}, calendar_day("2026-12-06")).has_value());

    auto with_next = kHeld;
    with_next.push_back({"2026-27", calendar_day("2026-09-15")});
    CHECK(open_year(with_next, calendar_day("2026-09-14")) == "2025-26");
    CHECK(open_year(with_next, calendar_day("2026-09-15")) == "2026-27");
}

TEST_CASE("the bundled 2025-26 pack opened on 18 September 2025", "[unit][standards]") {
    const auto openings = openings_of(bundled_packs());
    CHECK(open_year(openings, calendar_day("2025-09-17")) == "2024-25");
    CHECK(open_year(openings, calendar_day("2025-09-18")) == "2025-26");
}

TEST_CASE("a day in a newer year says the open version is older", "[unit][standards]") {
    CHECK(newer_year_notice(kHeld, calendar_day("2026-12-06")) ==
          "2026-27 has no standards pack here yet: 2025-26 stays the open version until one is "
          "installed");
    // Between 1 July and the new version's opening the old one is open.
    auto with_next = kHeld;
    with_next.push_back({"2026-27", calendar_day("2026-09-15")});
    CHECK(newer_year_notice(with_next, calendar_day("2026-08-01")) ==
          "2026-27 opens on 2026-09-15: until then 2025-26 is the open version");
    CHECK_FALSE(newer_year_notice(with_next, calendar_day("2026-09-15")).has_value());
    CHECK_FALSE(newer_year_notice(kHeld, calendar_day("2026-06-30")).has_value());
}

TEST_CASE("publishing against another version than the open one is refused naming it",
          "[unit][standards]") {
    const auto open = open_year(kHeld, calendar_day("2026-12-06"));
    CHECK(version_problem("2025-26", open, kHeld).empty());
    CHECK(version_problem("2024-25", open, kHeld) ==
          "2024-25 is no longer open for publishing: the open version is 2025-26 (start it with "
          "dspt year start 2025-26)");
    auto with_next = kHeld;
    with_next.push_back({"2026-27", calendar_day("2026-09-15")});
    CHECK(version_problem("2026-27", open_year(with_next, calendar_day("2026-08-01")), with_next) ==
          "2026-27 is not open for publishing yet (it opens on 2026-09-15): the open version is "
          "2025-26");
    CHECK(version_problem("2025-26", std::nullopt, {}) ==
          "no toolkit version is open for publishing yet: 2025-26 is not open");
}
