// The counts behind the public statistics, on both stores: organisations and sites
// registered, each organisation's latest level of a year, publishing by the deadline,
// the organisation type from the profile register, and publications per week.

#include <catch2/catch.hpp>

#include "common/date.hpp"
#include "tests/unit/server_store/sync_fixture.hpp"

using namespace dspt::server::store;
using namespace dspt::server::store::test;
using dspt::Date;
using dspt::ErrorCode;
using dspt::standards::Level;

namespace {

std::int64_t statistics_moment(const char* day, std::int64_t plus_ms = 0) {
    return Date::parse(day)->end_unix_ms() + 1 - 24LL * 3600 * 1000 + plus_ms;
}

Publication statistics_publication(std::string organisation, std::vector<std::string> sites,
                                   std::string year, Level level, std::int64_t at_ms,
                                   std::string request) {
    Publication p;
    p.organisation_ods = std::move(organisation);
    p.sites = std::move(sites);
    p.year = std::move(year);
    p.level = level;
    p.published_at_ms = at_ms;
    p.device_id = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    p.request_id = std::move(request);
    return p;
}

Change type_change(std::string replica, std::string type) {
    return {std::move(replica),
            1,
            1,
            "",
            "profile/organisation_type",
            {},
            R"({"type":")" + type + "\"}",
            "manager",
            false};
}

// The end of 30 June 2026: the 2025-26 deadline.
const std::int64_t kDeadlineEnd = statistics_moment("2026-07-01");

}  // namespace

TEST_CASE(
    "the statistics count registered organisations and sites, and each organisation's "
    "latest level of the year once",
    "[unit][server_store]") {
    SyncFixture fx;
    fx.repo().create_organisation(StoreFixture::organisation("ZZ1", "Elm House", false));
    auto& repo = fx.repo();

    // Nothing published yet: every organisation counts, none published.
    auto counts = repo.year_counts("2025-26", kDeadlineEnd);
    CHECK(counts.organisations == 3);
    CHECK(counts.sites == 3);
    CHECK(counts.sites_published == 0);
    REQUIRE(counts.groups.size() == 1);
    CHECK(counts.groups[0] == StatisticsGroup{"", std::nullopt, false, 3});

    // AB12: Met for one site by the deadline, then Exceeded for both after it.
    repo.record_publication(statistics_publication("AB12", {"VA1B2"}, "2025-26", Level::met,
                                                   statistics_moment("2026-06-30", 1000), "r1"));
    repo.record_publication(statistics_publication("AB12", {"VA1B2", "VA1B3"}, "2025-26",
                                                   Level::exceeded, statistics_moment("2026-07-01"),
                                                   "r2"));
    // VC9D8: only the year before, and late for 2025-26.
    repo.record_publication(statistics_publication("VC9D8", {"VC9D8"}, "2024-25", Level::met,
                                                   statistics_moment("2025-06-01"), "r3"));
    repo.record_publication(statistics_publication("VC9D8", {"VC9D8"}, "2025-26", Level::met,
                                                   statistics_moment("2026-08-01"), "r4"));
    // AB12 states its type; two devices set it at once, and the newest value counts.
    REQUIRE(fx.push(fx.branch, {type_change("replica-a", "care_home")})[0].outcome ==
            ChangeOutcome::accepted);
    fx.push(fx.other, {type_change("replica-b", "homecare")});

    counts = repo.year_counts("2025-26", kDeadlineEnd);
    CHECK(counts.organisations == 3);
    CHECK(counts.sites == 3);
    CHECK(counts.sites_published == 3);
    const std::vector<StatisticsGroup> expected{
        {"", std::nullopt, false, 1},
        {"", Level::met, false, 1},
        {R"({"type":"homecare"})", Level::exceeded, true, 1},
    };
    CHECK(counts.groups == expected);

    // The year before: VC9D8 at Met, by its deadline.
    counts = repo.year_counts("2024-25", statistics_moment("2025-07-01"));
    CHECK(counts.sites_published == 1);
    CHECK(counts.groups == std::vector<StatisticsGroup>{
                               {"", std::nullopt, false, 1},
                               {"", Level::met, true, 1},
                               {R"({"type":"homecare"})", std::nullopt, false, 1},
                           });
    // A year nothing was published for.
    CHECK(repo.year_counts("2030-31", 0).sites_published == 0);
}

TEST_CASE("publications are counted per week of seven days from the first",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    auto& repo = fx.repo();
    const auto from = statistics_moment("2026-06-03");
    repo.record_publication(
        statistics_publication("AB12", {"VA1B2"}, "2025-26", Level::met, from - 1, "before"));
    repo.record_publication(
        statistics_publication("AB12", {"VA1B2"}, "2025-26", Level::met, from, "first"));
    repo.record_publication(statistics_publication("AB12", {"VA1B3"}, "2025-26", Level::met,
                                                   statistics_moment("2026-06-09", 86'399'999),
                                                   "first-week-end"));
    repo.record_publication(statistics_publication("VC9D8", {"VC9D8"}, "2025-26", Level::met,
                                                   statistics_moment("2026-06-30"), "last"));
    repo.record_publication(statistics_publication("VC9D8", {"VC9D8"}, "2024-25", Level::met,
                                                   statistics_moment("2026-06-30"), "other-year"));
    repo.record_publication(statistics_publication("VC9D8", {"VC9D8"}, "2025-26", Level::met,
                                                   statistics_moment("2026-07-01"), "after"));

    CHECK(repo.publications_per_week("2025-26", from, 4) == std::vector<std::size_t>{2, 0, 0, 1});
    CHECK(repo.publications_per_week("2024-25", from, 4) == std::vector<std::size_t>{0, 0, 0, 1});
    CHECK(repo.publications_per_week("2025-26", from, 0).empty());
    const auto message = require_error(ErrorCode::invalid_argument,
                                       [&] { repo.publications_per_week("2025-26", from, 54); });
    CHECK_THAT(message, Catch::Contains("at most 53 weeks"));
}
