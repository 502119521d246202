// The partner summary's counts from plain progress: levels (an organisation at
// its lowest site's), publications and their lapse, syncs older than 30 days,
// types and groups, the ranked missing items, and the drill-down's filter.

#include "server/progress/partner_summary.hpp"

#include <catch2/catch.hpp>

#include "common/date.hpp"
#include "common/standards/bundled.hpp"

using namespace dspt;
using namespace dspt::server;

namespace {

constexpr std::int64_t kSummaryTestDay = 86'400'000;

const standards::Pack& summary_pack() {
    return standards::bundled_pack("2025-26");
}

// The n-th mandatory item of the pack.
protocol::ItemRef nth_mandatory(std::size_t n) {
    for (const auto& item : summary_pack().items) {
        if (item.mandatory_met && n-- == 0) {
            return {item.id, item.title};
        }
    }
    FAIL("too few mandatory items");
    return {};
}

protocol::SiteProgress summary_site(const std::string& code, const std::string& level,
                                    std::vector<protocol::ItemRef> missing,
                                    std::int64_t last_sync) {
    protocol::SiteProgress site;
    site.site_code = code;
    site.site_name = "Site " + code;
    site.level = level;
    site.missing_met = std::move(missing);
    site.last_sync_at_ms = last_sync;
    return site;
}

progress::SummaryInput summary_input(const std::string& ods, const std::string& type,
                                     const std::string& group,
                                     std::vector<protocol::SiteProgress> sites) {
    progress::SummaryInput in;
    in.progress.organisation_ods = ods;
    in.progress.organisation_name = "Org " + ods;
    in.progress.year = "2025-26";
    in.progress.sites = std::move(sites);
    in.type = type;
    in.group = group;
    return in;
}

}  // namespace

TEST_CASE("the partner summary counts organisations by level, type and group",
          "[unit][server_progress]") {
    const auto now = Date::parse("2026-05-20")->end_unix_ms() - 12 * 3600'000;
    const auto a = nth_mandatory(0);
    const auto b = nth_mandatory(1);
    const auto c = nth_mandatory(2);

    // AB1: two sites, one Met and one Approaching: the organisation is Approaching,
    // and misses what either site misses. Published 2025-06-10, lapsing 2026-06-11.
    auto ab1_met = summary_site("VA001", "met", {}, now - kSummaryTestDay);
    ab1_met.published = true;
    ab1_met.last_publication.level = "met";
    ab1_met.last_publication.year = "2025-26";
    ab1_met.last_publication.published_at_ms = Date::parse("2025-06-10")->end_unix_ms() - 3600'000;
    std::vector<progress::SummaryInput> inputs{
        summary_input("AB1", "homecare", "Leeds",
                      {ab1_met, summary_site("VA002", "approaching", {a, b}, 0)}),
        // CD2: nothing reached, never synced, no type stated.
        summary_input("CD2", "", "Leeds", {summary_site("VC001", "none", {a, b, c}, 0)}),
        // EF3: Met, synced 31 days ago, a type nobody knows (counted as not stated).
        summary_input("EF3", "castle", "",
                      {summary_site("VE001", "met", {}, now - 31 * kSummaryTestDay)}),
        // GH4: a care home missing one item, synced yesterday.
        summary_input("GH4", "care_home", "Wakefield",
                      {summary_site("VG001", "approaching", {a}, now - kSummaryTestDay)}),
    };
    const auto summary = progress::summarise(summary_pack(), inputs, now);

    CHECK(summary.year == "2025-26");
    CHECK(summary.all == protocol::LevelTally{"", 4, 1, 2, 1, 0, 1, 1, 2});
    REQUIRE(summary.organisations.size() == 4);
    const auto& ab1 = summary.organisations[0];
    CHECK(ab1.level == "approaching");
    CHECK(ab1.sites == 2);
    CHECK(ab1.published);
    CHECK(ab1.lapses_on == "2026-06-11");
    CHECK_FALSE(ab1.no_recent_sync);
    CHECK(ab1.missing == std::vector<std::string>{a.id, b.id});
    CHECK(summary.organisations[1].no_recent_sync);
    CHECK(summary.organisations[2].type.empty());
    CHECK(summary.organisations[2].no_recent_sync);

    // By type, in a fixed order, including empty ones.
    REQUIRE(summary.by_type.size() == 5);
    CHECK(summary.by_type[0] == protocol::LevelTally{"care_home", 1, 0, 1, 0, 0, 0, 0, 0});
    CHECK(summary.by_type[1] == protocol::LevelTally{"homecare", 1, 0, 1, 0, 0, 1, 1, 0});
    CHECK(summary.by_type[2].organisations == 0);
    CHECK(summary.by_type[3].organisations == 0);
    CHECK(summary.by_type[4] == protocol::LevelTally{"", 2, 1, 0, 1, 0, 0, 0, 2});

    // By group: labels in order, then those without one.
    REQUIRE(summary.by_group.size() == 3);
    CHECK(summary.by_group[0] == protocol::LevelTally{"Leeds", 2, 1, 1, 0, 0, 1, 1, 1});
    CHECK(summary.by_group[1].label == "Wakefield");
    CHECK(summary.by_group[2] == protocol::LevelTally{"", 1, 0, 0, 1, 0, 0, 0, 1});

    // Ranked: a by three organisations, b by two, c by one.
    REQUIRE(summary.missing.size() == 3);
    CHECK(summary.missing[0] == protocol::MissingItemCount{a.id, a.title, 3});
    CHECK(summary.missing[1] == protocol::MissingItemCount{b.id, b.title, 2});
    CHECK(summary.missing[2] == protocol::MissingItemCount{c.id, c.title, 1});

    // The drill-down picks the organisations behind each count.
    const auto picked = [&](const progress::SummaryFilter& filter) {
        std::vector<std::string> codes;
        for (const auto& row : summary.organisations) {
            if (progress::matches(row, filter)) {
                codes.push_back(row.ods);
            }
        }
        return codes;
    };
    CHECK(picked({}) == std::vector<std::string>{"AB1", "CD2", "EF3", "GH4"});
    CHECK(picked({"approaching", {}, {}, "", ""}) == std::vector<std::string>{"AB1", "GH4"});
    CHECK(picked({"", std::string(), {}, "", ""}) == std::vector<std::string>{"CD2", "EF3"});
    CHECK(picked({"", {}, std::string("Leeds"), "no_recent_sync", ""}) ==
          std::vector<std::string>{"CD2"});
    CHECK(picked({"", {}, std::string(), "", ""}) == std::vector<std::string>{"EF3"});
    CHECK(picked({"", {}, {}, "lapsing", ""}) == std::vector<std::string>{"AB1"});
    CHECK(picked({"", {}, {}, "", b.id}) == std::vector<std::string>{"AB1", "CD2"});
}

TEST_CASE("a partner with no organisations gets an empty summary", "[unit][server_progress]") {
    const auto summary = progress::summarise(summary_pack(), {}, 1'760'000'000'000);
    CHECK(summary.all.organisations == 0);
    CHECK(summary.organisations.empty());
    CHECK(summary.missing.empty());
    CHECK(summary.by_group.empty());
    CHECK(summary.by_type.size() == 5);
}
