// The public statistics' figures and renderings: shares never rounded up, the type
// read from the profile register, the CSV, the JSON and the chart.

#include "server/publish/statistics.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server/publish/week_chart.hpp"
#include "tests/unit/server_publish/publish_fixture.hpp"

namespace dspt::server::publish::test {

using standards::Level;

TEST_CASE("a share is rounded down to a tenth of a percent, never up", "[unit][server_publish]") {
    CHECK(share_text(7496, 10000) == "74.9%");
    CHECK(share_text(749, 1000) == "74.9%");
    CHECK(share_text(2, 3) == "66.6%");
    CHECK(share_text(1, 3) == "33.3%");
    CHECK(share_text(29999, 30000) == "99.9%");
    CHECK(share_text(30000, 30000) == "100.0%");
    CHECK(share_text(0, 5) == "0.0%");
    CHECK(share_text(1, 30000) == "0.0%");
    CHECK(share_text(0, 0) == "no organisations");
    CHECK(share_tenths(7496, 10000) == 749u);
    CHECK_FALSE(share_tenths(0, 0).has_value());
}

TEST_CASE("an organisation's type is read from its profile register, else not stated",
          "[unit][server_publish]") {
    CHECK(organisation_type_of(R"({"type":"care_home"})") == "care_home");
    CHECK(organisation_type_of(R"({"type":"both"})") == "both");
    CHECK(organisation_type_of("") == "not_stated");
    CHECK(organisation_type_of(R"({"deleted":true})") == "not_stated");
    CHECK(organisation_type_of(R"({"type":"hospital"})") == "not_stated");
    CHECK(organisation_type_of(R"({"type":7})") == "not_stated");
    CHECK(organisation_type_of("not json") == "not_stated");
}

namespace {

PublicStatistics sample_statistics() {
    store::YearCounts counts;
    counts.organisations = 7;
    counts.sites = 11;
    counts.sites_published = 4;
    counts.groups = {
        {"", std::nullopt, false, 2},
        {R"({"type":"care_home"})", Level::met, true, 2},
        {R"({"type":"care_home"})", Level::exceeded, false, 1},
        {R"({"type":"homecare"})", Level::approaching, true, 1},
        {R"({"deleted":true})", std::nullopt, false, 1},
    };
    std::vector<std::size_t> weekly(kChartWeeks, 0);
    weekly.back() = 3;
    std::vector<std::size_t> previous(kChartWeeks, 1);
    return make_statistics("2025-26", day("2026-12-07"), counts, weekly, previous);
}

}  // namespace

TEST_CASE("the statistics add up the store's groups overall and by type",
          "[unit][server_publish]") {
    const auto statistics = sample_statistics();
    CHECK(statistics.deadline == day("2026-06-30"));
    CHECK(statistics.all.registered == 7);
    CHECK(statistics.all.published == 4);
    CHECK(statistics.all.at_level == std::array<std::size_t, 3>{1, 2, 1});
    CHECK(statistics.all.by_deadline == 3);
    REQUIRE(statistics.by_type.size() == 5);
    CHECK(statistics.by_type[0].first == "care_home");
    CHECK(statistics.by_type[0].second.registered == 3);
    CHECK(statistics.by_type[0].second.by_deadline == 2);
    CHECK(statistics.by_type[1].second.at_level[0] == 1);
    CHECK(statistics.by_type[4].first == "not_stated");
    CHECK(statistics.by_type[4].second.registered == 3);
    REQUIRE(statistics.weeks.size() == kChartWeeks);
    CHECK(statistics.weeks.front().first == day("2026-04-01"));
    CHECK(statistics.weeks.back().first == day("2026-06-24"));
    CHECK(statistics.weeks.back().last == day("2026-06-30"));
    CHECK(statistics.previous_year == "2024-25");
    CHECK(statistics.previous_weeks.back().last == day("2025-06-30"));
}

TEST_CASE("the statistics render as JSON, CSV and an HTML section with a chart",
          "[unit][server_publish]") {
    const auto statistics = sample_statistics();
    const auto json = nlohmann::json::parse(statistics_json(statistics));
    CHECK(json["organisations"]["share_by_deadline"] == "42.8");  // 3 of 7 is 42.857...%
    CHECK(json["by_type"][0]["name"] == "Care home");
    CHECK(json["by_type"][0]["share_by_deadline"] == "66.6");
    CHECK(json["by_type"][2]["share_by_deadline"].is_null());  // no "both" registered
    CHECK(json["weekly"]["weeks"][12]["publications"] == 3);
    CHECK(json["weekly"]["weeks"][12]["previous_publications"] == 1);

    const auto csv = statistics_csv(statistics);
    CHECK_THAT(csv, Catch::StartsWith("\xEF\xBB\xBFOrganisation type,Organisations registered,"
                                      "Published for 2025-26,Approaching Standards,Standards "
                                      "Met,Standards Exceeded,Published by 30 June 2026,Share "
                                      "published by the deadline\r\n"
                                      "All organisations,7,4,1,2,1,3,42.8%\r\n"
                                      "Care home,3,3,0,2,1,2,66.6%\r\n"
                                      "Homecare,1,1,1,0,0,1,100.0%\r\n"
                                      "Care home and homecare,0,0,0,0,0,0,no organisations\r\n"));

    const auto html = statistics_section(statistics);
    CHECK_THAT(html, Catch::Contains("3 organisations of 7 (42.8%) published for 2025-26 by "
                                     "the 30 June 2026 deadline"));
    CHECK_THAT(html, Catch::Contains("organisations registered on this server"));
    CHECK_THAT(html, Catch::Contains("as of 7 December 2026"));
    CHECK_THAT(html, Catch::Contains("<svg") && Catch::Contains("role=\"img\""));
    CHECK_THAT(html, Catch::Contains("30 June: 3 in 2025-26, 1 in 2024-25"));
    CHECK_THAT(html, Catch::Contains("href=\"/api/v1/statistics.csv?year=2025-26\""));
    CHECK_THAT(html, Catch::Contains("href=\"/statistics?year=2024-25\""));
    CHECK_THAT(html, !Catch::Contains("<script"));
}

TEST_CASE("the week chart draws a bar per week and year, scaled to a round top",
          "[unit][server_publish]") {
    const auto svg = week_chart_svg("Publications <per> week", {"23 June", "30 June"},
                                    {"2025-26", {3, 7}}, {"2024-25", {0, 4}});
    CHECK_THAT(svg, Catch::StartsWith("<svg ") && Catch::EndsWith("</svg>"));
    CHECK_THAT(svg, Catch::Contains("<title id=\"chart-title\">Publications &lt;per&gt; week"));
    // The axis runs to 10, the round top above 7; a bar of 7 is 7/10 of the plot.
    CHECK_THAT(svg, Catch::Contains(">10</text>") && Catch::Contains(">5</text>"));
    CHECK_THAT(svg, Catch::Contains("height=\"123\""));  // 7 * 176 / 10
    CHECK_THAT(svg, Catch::Contains(">30 June</text>"));
    // Nothing published anywhere still draws an axis.
    const auto empty = week_chart_svg("t", {"30 June"}, {"a", {0}}, {"b", {0}});
    CHECK_THAT(empty, Catch::Contains(">1</text>"));
}

}  // namespace dspt::server::publish::test

namespace dspt::server::publish::test {

TEST_CASE("counted statistics are served again for ten seconds of the same day",
          "[unit][server_publish]") {
    StatisticsCache cache;
    int counted = 0;
    const auto count = [&] {
        ++counted;
        auto statistics = sample_statistics();
        statistics.organisations = static_cast<std::size_t>(counted);
        return statistics;
    };
    const auto start = StatisticsCache::Clock::now();
    const auto today = day("2026-12-07");
    CHECK(cache.get("2025-26", today, start, count).organisations == 1);
    CHECK(cache.get("2025-26", today, start + std::chrono::seconds(9), count).organisations == 1);
    // Another year is counted for itself.
    CHECK(cache.get("2024-25", today, start, count).organisations == 2);
    // Ten seconds on, or on another day, they are counted anew.
    CHECK(cache.get("2025-26", today, start + kStatisticsFreshFor, count).organisations == 3);
    CHECK(
        cache.get("2025-26", day("2026-12-08"), start + kStatisticsFreshFor, count).organisations ==
        4);
    CHECK(counted == 4);
}

}  // namespace dspt::server::publish::test
