// The dashboard's HTML from a ProgressReport: each site's row, ages and dates,
// the empty cases, and escaping of everything the report and viewer carry.

#include "server/web/dashboard_page.hpp"

#include <catch2/catch.hpp>

#include "tests/support/dashboard_html.hpp"

namespace dspt::server::web::test {

namespace {

using dspt::test::cell;
using dspt::test::site_row;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
// 21 November 2026, 12:00 UTC.
constexpr std::int64_t kNow = 1'795'262'400'000;

protocol::SiteProgress leeds() {
    protocol::SiteProgress site;
    site.site_code = "VA001";
    site.site_name = "Acorn Leeds";
    site.level = "approaching";
    site.approaching_satisfied = 20;
    site.approaching_total = 20;
    site.met_satisfied = 40;
    site.met_total = 42;
    site.missing_met = {{"2.1.1", "Staff training"}, {"7.1.1", "Business continuity"}};
    site.conflicts = 2;
    site.evidence_files = 5;
    site.last_sync_at_ms = kNow - 3 * kDay - kHour;
    site.pending_changes = 4;
    site.pending_bytes = 512;
    site.oldest_pending_at_ms = kNow - 2 * kHour;
    site.published = true;
    site.last_publication = {7, "AB1", {"VA001"}, "2025-26", "approaching", kNow - 10 * kDay, "d"};
    return site;
}

protocol::SiteProgress york() {
    protocol::SiteProgress site;
    site.site_code = "VA002";
    site.site_name = "Acorn York";
    site.level = "none";
    site.approaching_total = 20;
    site.met_total = 42;
    site.missing_approaching = {{"1.1.1", "Named lead"}};
    site.missing_met = {{"1.1.1", "Named lead"}};
    return site;
}

protocol::ProgressReport report_of(std::vector<protocol::SiteProgress> sites) {
    protocol::ProgressReport report;
    report.generated_at_ms = kNow;
    report.organisations.push_back({"AB1", "Acorn Homecare", "2025-26", std::move(sites)});
    return report;
}

const DashboardViewer kHeadquarters{"headquarters", "Acorn Homecare (AB1)", "2025-26"};

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// Whether an attribute like onclick= or onload= appears: " on" and letters, then '='.
bool has_event_handler(const std::string& html) {
    for (auto at = html.find(" on"); at != std::string::npos; at = html.find(" on", at + 1)) {
        auto end = at + 3;
        while (end < html.size() && html[end] >= 'a' && html[end] <= 'z') {
            ++end;
        }
        if (end > at + 3 && end < html.size() && html[end] == '=') {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("a site's row shows its level, counts, missing items, sync and publication",
          "[unit][web]") {
    const auto html = render_dashboard(report_of({leeds(), york()}), kHeadquarters);
    CHECK(count(html, "<tr class=\"site\">") == 2);
    CHECK_THAT(html, Catch::Contains("<h2>Acorn Homecare <span class=\"code\">AB1</span></h2>"));
    CHECK_THAT(html, Catch::Contains("DSPT progress, 2025-26"));
    CHECK_THAT(html, Catch::Contains("Signed in as a headquarters device of Acorn Homecare (AB1)"));

    const auto row = site_row(html, "VA001");

    REQUIRE_FALSE(row.empty());
    CHECK(cell(row, "site-name") == "Acorn Leeds <span class=\"code\">VA001</span>");
    CHECK(cell(row, "level") == "Approaching Standards");
    CHECK(cell(row, "approaching") == "20 / 20");
    CHECK(cell(row, "met") == "40 / 42");
    const auto missing = cell(row, "missing");
    CHECK_THAT(missing, Catch::Contains("Standards Met: 2 items"));
    CHECK_THAT(missing, Catch::Contains("<span class=\"item-id\">2.1.1</span> Staff training"));
    CHECK_THAT(missing,
               Catch::Contains("<span class=\"item-id\">7.1.1</span> Business continuity"));
    CHECK(missing.find("Approaching Standards:") == std::string::npos);
    CHECK(cell(row, "conflicts") == "2");
    CHECK_THAT(row, Catch::Contains("class=\"conflicts warn\""));
    CHECK(cell(row, "evidence") == "5");
    CHECK(cell(row, "last-sync") == "18/11/2026 (3 days ago)");
    CHECK(cell(row, "unsent") == "<span class=\"warn\">2 hours</span> (4 changes)");
    CHECK(cell(row, "publication") == "Approaching Standards 2025-26 on 11/11/2026");
    CHECK_THAT(row, Catch::Contains("data-label=\"Last sync\""));
}

TEST_CASE("the dashboard shows the days to the deadline and publications about to lapse",
          "[unit][web]") {
    auto soon = leeds();
    soon.last_publication.published_at_ms = kNow - 350 * kDay;  // 2025-12-06
    auto lapsed = york();
    lapsed.published = true;
    lapsed.last_publication = {8, "AB1", {"VA002"}, "2025-26", "met", kNow - 400 * kDay, "d"};
    const auto html = render_dashboard(report_of({soon, lapsed}), kHeadquarters);
    CHECK_THAT(html, Catch::Contains("<p id=\"deadline\">The 30 June 2026 deadline passed 144 "
                                     "days ago: publishing late stays open until a newer version "
                                     "opens. The missing mandatory items of each site are listed "
                                     "below.</p>"));
    CHECK(cell(site_row(html, "VA001"), "publication") ==
          "Approaching Standards 2025-26 on 06/12/2025 <span class=\"lapse warn\">lapses on "
          "07/12/2026</span>");
    CHECK_THAT(cell(site_row(html, "VA002"), "publication"),
               Catch::Contains("<span class=\"lapse warn\">lapsed on 18/10/2026</span>"));
}

TEST_CASE("a site that never synced or published says never", "[unit][web]") {
    const auto row = site_row(render_dashboard(report_of({york()}), kHeadquarters), "VA002");
    REQUIRE_FALSE(row.empty());
    CHECK(cell(row, "level") == "Not yet at Approaching Standards");
    CHECK_THAT(row, Catch::Contains("class=\"level warn\""));
    CHECK(cell(row, "approaching") == "0 / 20");
    CHECK_THAT(cell(row, "missing"), Catch::Contains("Approaching Standards: 1 item<"));
    CHECK_THAT(cell(row, "missing"), Catch::Contains("Standards Met: 1 item<"));
    CHECK(cell(row, "conflicts") == "0");
    CHECK(cell(row, "last-sync") == "never");
    CHECK(cell(row, "unsent") == "none");
    CHECK(cell(row, "publication") == "never");
}

TEST_CASE("a site missing nothing says none", "[unit][web]") {
    auto site = leeds();
    site.missing_met.clear();
    site.level = "met";
    const auto row = site_row(render_dashboard(report_of({site}), kHeadquarters), "VA001");
    REQUIRE_FALSE(row.empty());
    CHECK(cell(row, "missing") == "none");
    CHECK(cell(row, "level") == "Standards Met");
    CHECK_THAT(row, Catch::Contains("class=\"level good\""));
}

TEST_CASE("every value from the report and the viewer is escaped", "[unit][web]") {
    auto site = leeds();
    site.site_name = "<script>alert(1)</script>";
    site.site_code = "VA<1>";
    site.missing_met = {{"<i>2.1.1</i>", "Train & \"test\" <b>staff</b>"}};
    site.last_publication.year = "<y>";
    site.level = "<img src=x>";
    auto report = report_of({site});
    report.organisations[0].organisation_name = "Acorn <Homecare> & 'Sons'";
    report.organisations[0].organisation_ods = "<AB1>";
    const DashboardViewer viewer{"<role>", "<b>Acorn</b>", "<2025-26>"};

    const auto html = render_dashboard(report, viewer);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<i>") == std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("<y>") == std::string::npos);
    CHECK(html.find("<role>") == std::string::npos);
    CHECK(html.find("<2025-26>") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(html, Catch::Contains("Acorn &lt;Homecare&gt; &amp; &#39;Sons&#39;"));
    CHECK_THAT(html, Catch::Contains("Train &amp; &quot;test&quot; &lt;b&gt;staff&lt;/b&gt;"));
    CHECK_THAT(html, Catch::Contains("VA&lt;1&gt;"));
    CHECK_THAT(html, Catch::Contains("<title>DSPT progress &lt;2025-26&gt;</title>"));
}

TEST_CASE("the dashboard loads nothing from elsewhere and runs no script", "[unit][web]") {
    const auto html = render_dashboard(report_of({leeds(), york()}), kHeadquarters);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http:") == std::string::npos);
    CHECK(html.find("https:") == std::string::npos);
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK_FALSE(has_event_handler(html));
    // A phone stacks each row into a labelled card.
    CHECK_THAT(html, Catch::Contains("@media (max-width:48em)"));
    CHECK_THAT(html, Catch::Contains("name=\"viewport\""));
    CHECK_THAT(html, Catch::Contains("<form method=\"post\" action=\"/web/logout\">"));
}

TEST_CASE("an empty report says why there is nothing", "[unit][web]") {
    protocol::ProgressReport empty;
    empty.generated_at_ms = kNow;
    const auto partner = render_dashboard(empty, {"partner", "County Care Association", "2025-26"});
    CHECK_THAT(partner, Catch::Contains("No organisation has given your partner access"));
    CHECK(partner.find("<table") == std::string::npos);
    CHECK_THAT(partner,
               Catch::Contains("Signed in as a partner device of County Care Association"));

    const auto headquarters = render_dashboard(empty, kHeadquarters);
    CHECK_THAT(headquarters, Catch::Contains("There is nothing to show."));

    const auto no_sites = render_dashboard(report_of({}), kHeadquarters);
    CHECK_THAT(no_sites, Catch::Contains("No sites are registered for this organisation."));
    CHECK(no_sites.find("<table") == std::string::npos);
}

TEST_CASE("a partner's dashboard has a section per granting organisation", "[unit][web]") {
    auto report = report_of({leeds()});
    report.organisations.push_back({"CD2", "Cedar House", "2025-26", {york()}});
    const auto html = render_dashboard(report, {"partner", "County Care Association", "2025-26"});
    CHECK(count(html, "<section class=\"organisation\">") == 2);
    CHECK(html.find("Acorn Homecare") < html.find("Cedar House"));
}

TEST_CASE("ages read in the largest whole unit", "[unit][web]") {
    CHECK(age_text(-5 * kMinute) == "under a minute");
    CHECK(age_text(0) == "under a minute");
    CHECK(age_text(kMinute - 1) == "under a minute");
    CHECK(age_text(kMinute) == "1 minute");
    CHECK(age_text(59 * kMinute + 59'999) == "59 minutes");
    CHECK(age_text(kHour) == "1 hour");
    CHECK(age_text(23 * kHour) == "23 hours");
    CHECK(age_text(kDay) == "1 day");
    CHECK(age_text(3 * kDay + 5 * kHour) == "3 days");
    CHECK(age_text(400 * kDay) == "400 days");
}

TEST_CASE("a message page escapes and says how to sign in when asked", "[unit][web]") {
    const auto page = render_web_message("Link <used>", "It was <b>used</b>.", true);
    CHECK_THAT(page, Catch::Contains("<h1>Link &lt;used&gt;</h1>"));
    CHECK_THAT(page, Catch::Contains("It was &lt;b&gt;used&lt;/b&gt;."));
    CHECK_THAT(page, Catch::Contains("dspt web-login"));
    const auto plain = render_web_message("Signed out", "Bye.", false);
    CHECK(plain.find("dspt web-login") == std::string::npos);
}

TEST_CASE("the totals count sites at each level, old unsent changes and conflicts", "[unit][web]") {
    auto stale = york();
    stale.site_code = "VA003";
    stale.pending_changes = 2;
    stale.oldest_pending_at_ms = kNow - 8 * kDay;
    auto met = leeds();
    met.site_code = "VA004";
    met.level = "met";
    met.conflicts = 0;
    met.pending_changes = 1;
    met.oldest_pending_at_ms = kNow - 6 * kDay;  // under a week: not counted
    auto report = report_of({leeds(), york(), stale, met});
    report.organisations.push_back({"CD2", "Cedar House", "2025-26", {york()}});

    const auto totals = dashboard_totals(report);
    CHECK(totals.sites == 5);
    CHECK(totals.approaching == 1);
    CHECK(totals.met == 1);
    CHECK(totals.exceeded == 0);
    CHECK(totals.not_yet == 3);
    CHECK(totals.unsent_old == 1);
    CHECK(totals.conflicts == 1);

    const auto html = render_dashboard(report, kHeadquarters);
    CHECK_THAT(html, Catch::Contains("<tr class=\"total-sites\"><th scope=\"row\">Sites</th>"
                                     "<td>5</td></tr>"));
    CHECK_THAT(html, Catch::Contains("<tr class=\"total-met\"><th scope=\"row\">At Standards "
                                     "Met</th><td>1</td></tr>"));
    CHECK_THAT(html, Catch::Contains("<tr class=\"total-unsent\"><th scope=\"row\">With changes "
                                     "not sent for 7 days or more</th><td class=\"warn\">1</td>"));
    CHECK_THAT(html, Catch::Contains("<a id=\"download\" href=\"/web/progress.csv\" download>"));
    // Each site missing items links to its page.
    CHECK_THAT(cell(site_row(html, "VA002"), "missing"),
               Catch::Contains("<a class=\"drill\" href=\"/web/site?code=VA002\">Missing items "
                               "of Acorn York</a>"));
}

TEST_CASE("the CSV has a row per site, dates as DD/MM/YYYY, formulas guarded", "[unit][web]") {
    auto site = leeds();
    site.site_name = "=HYPERLINK(\"http://x\",\"Leeds\")";
    auto report = report_of({site, york()});
    const auto csv = render_dashboard_csv(report);
    CHECK(csv.starts_with("\xEF\xBB\xBFOrganisation,Organisation code,Site,Site code,Level,"));
    CHECK(count(csv, "\r\n") == 3);
    CHECK_THAT(csv,
               Catch::Contains("\r\nAcorn Homecare,AB1,\"'=HYPERLINK(\"\"http://x\"\",\"\"Leeds"
                               "\"\")\",VA001,Approaching Standards,20,20,40,42,,2.1.1 7.1.1,2,5,"
                               "18/11/2026,4,21/11/2026,Approaching Standards 2025-26,"
                               "11/11/2026\r\n"));
    CHECK_THAT(csv, Catch::Contains("\r\nAcorn Homecare,AB1,Acorn York,VA002,Not yet at "
                                    "Approaching Standards,0,20,0,42,1.1.1,1.1.1,0,0,never,0,,"
                                    "never,\r\n"));
    CHECK(dashboard_csv_name("2025-26") == "dspt-progress-2025-26.csv");
}

TEST_CASE("a site's page lists each missing mandatory item once, with its standard",
          "[unit][web]") {
    standards::Pack pack;
    pack.year = "2025-26";
    pack.items = {{"1.1.1", 1, "Named lead", "Who is your named lead?", standards::AnswerType::text,
                   "", true, true},
                  {"2.1.1", 2, "Staff training", "Have staff been trained?",
                   standards::AnswerType::confirm, "", false, true}};
    auto site = york();
    site.missing_met = {{"1.1.1", "Named lead"}, {"2.1.1", "Staff training"}};
    site.site_name = "Acorn <York>";
    const auto report = report_of({site});
    const auto html = render_site_page(report.organisations[0], site, pack, kHeadquarters, kNow);
    CHECK_THAT(html, Catch::Contains("<h1>Acorn &lt;York&gt; <span class=\"code\">VA002</span>"));
    CHECK_THAT(html, Catch::Contains("Mandatory items still missing (2)"));
    CHECK(count(html, "<tr class=\"missing-item\">") == 2);
    CHECK_THAT(html, Catch::Contains("Who is your named lead?"));
    CHECK_THAT(html, Catch::Contains("Approaching Standards and Standards Met"));
    CHECK(html.find("1.1.1") < html.find("2.1.1"));
    CHECK_THAT(html, Catch::Contains("<a href=\"/web/\">Back to the dashboard</a>"));
    CHECK(html.find("<script") == std::string::npos);

    site.missing_approaching.clear();
    site.missing_met.clear();
    CHECK_THAT(render_site_page(report.organisations[0], site, pack, kHeadquarters, kNow),
               Catch::Contains("Every mandatory item is met."));
}

}  // namespace dspt::server::web::test
