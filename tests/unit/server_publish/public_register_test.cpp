// The public register's statuses and its JSON, CSV and HTML renderings, as the
// public, CQC and commissioners read them.

#include "server/publish/public_register.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/form_encoding.hpp"
#include "common/standards/year.hpp"
#include "tests/unit/server_publish/publish_fixture.hpp"

namespace dspt::server::publish::test {

using standards::Level;

TEST_CASE("an organisation that never published is shown as not published",
          "[unit][server_publish]") {
    const auto status = register_status(std::nullopt, day("2026-11-21"));
    CHECK(status.text == "Not published");
    CHECK_FALSE(status.level.has_value());
    CHECK(status.year.empty());
    CHECK_FALSE(status.published.has_value());
    CHECK_FALSE(status.lapsed);
}

TEST_CASE("the status names the level reached and the standards year", "[unit][server_publish]") {
    const auto [level, text] =
        GENERATE(std::pair{Level::approaching, "Approaching Standards 2025-26"},
                 std::pair{Level::met, "Standards Met 2025-26"},
                 std::pair{Level::exceeded, "Standards Exceeded 2025-26"});
    const auto status = register_status(
        publication("AB12", {"VA1B2"}, "2025-26", level, at("2025-11-04")), day("2026-01-15"));
    CHECK(status.text == text);
    CHECK(status.level == level);
    CHECK(status.year == "2025-26");
    CHECK(status.published == day("2025-11-04"));
    CHECK_FALSE(status.lapsed);
}

TEST_CASE("a publication lapses the day after its twelve-month anniversary",
          "[unit][server_publish]") {
    // Published late in the day (UTC): its date is still 10 March.
    const auto latest =
        publication("AB12", {"VA1B2"}, "2024-25", Level::met, at("2025-03-10", 23, 59));
    CHECK(standards::lapses_on(day("2025-03-10")) == day("2026-03-11"));
    CHECK_FALSE(register_status(latest, day("2026-03-10")).lapsed);
    CHECK(register_status(latest, day("2026-03-10")).text == "Standards Met 2024-25");

    const auto lapsed = register_status(latest, day("2026-03-11"));
    CHECK(lapsed.lapsed);
    CHECK(lapsed.text == "Lapsed (Standards Met 2024-25)");
    CHECK(lapsed.level == Level::met);
    CHECK(lapsed.published == day("2025-03-10"));

    // A leap day: the anniversary is the last day of February.
    CHECK(standards::lapses_on(day("2024-02-29")) == day("2025-03-01"));
    const auto leap = publication("AB12", {"VA1B2"}, "2023-24", Level::met, at("2024-02-29"));
    CHECK_FALSE(register_status(leap, day("2025-02-28")).lapsed);
    CHECK(register_status(leap, day("2025-03-01")).lapsed);
}

TEST_CASE("dates are written in full and by the UTC day", "[unit][server_publish]") {
    CHECK(long_date(day("2026-11-21")) == "21 November 2026");
    CHECK(long_date(day("2025-01-01")) == "1 January 2025");
    CHECK(Date::from_unix_ms(at("2026-06-30", 23, 59)) == day("2026-06-30"));
    CHECK(Date::from_unix_ms(at("2026-07-01", 0, 0)) == day("2026-07-01"));
}

TEST_CASE("the JSON register gives each organisation's fields and each site's status",
          "[unit][server_publish]") {
    store::PublicPage page;
    page.total = 7;
    page.entries.push_back(
        entry("AB12", "Rose Care Group", {"VA1B2", "VA1B3"},
              {publication("AB12", {"VA1B2"}, "2025-26", Level::exceeded, at("2025-12-01"))}));
    page.entries.push_back(entry("VC9D8", "Oak Homecare", {"VC9D8"}));
    page.entries.push_back(
        entry("XY34", "Elm Group", {"VX9Y8"},
              {publication("XY34", {"VX9Y8"}, "2024-25", Level::met, at("2025-06-01"))}));
    const auto body =
        nlohmann::json::parse(render_json(RegisterQuery{"care", 2, 3}, page, day("2026-07-02")));

    CHECK(body["query"] == "care");
    CHECK(body["page"] == 2);
    CHECK(body["per_page"] == 3);
    CHECK(body["total"] == 7);
    REQUIRE(body["organisations"].size() == 3);
    const auto& rose = body["organisations"][0];
    CHECK(rose["name"] == "Rose Care Group");
    CHECK(rose["ods"] == "AB12");
    CHECK(rose["sites"] == nlohmann::json::array({"VA1B2", "VA1B3"}));
    CHECK(rose["every_site"] == true);
    // The latest publication covers VA1B2 only, and says so.
    CHECK(rose["status"] == "Standards Exceeded 2025-26 for VA1B2");
    CHECK(rose["covers"] == nlohmann::json::array({"VA1B2"}));
    CHECK(rose["level"] == "exceeded");
    CHECK(rose["year"] == "2025-26");
    CHECK(rose["published"] == "2025-12-01");
    CHECK(rose["lapses"] == "2026-12-02");
    CHECK(rose["lapsed"] == false);
    REQUIRE(rose["site_statuses"].size() == 2);
    const auto& lodge = rose["site_statuses"][0];
    CHECK(lodge["ods"] == "VA1B2");
    CHECK(lodge["status"] == "Standards Exceeded 2025-26");
    CHECK(lodge["level"] == "exceeded");
    CHECK(lodge["year"] == "2025-26");
    CHECK(lodge["published"] == "2025-12-01");
    CHECK(lodge["lapses"] == "2026-12-02");
    CHECK(lodge["lapsed"] == false);
    const auto& court = rose["site_statuses"][1];
    CHECK(court["ods"] == "VA1B3");
    CHECK(court["status"] == "Not published");
    CHECK(court["level"].is_null());
    CHECK(court["year"].is_null());
    CHECK(court["published"].is_null());
    CHECK(court["lapses"].is_null());

    const auto& oak = body["organisations"][1];
    CHECK(oak["status"] == "Not published");
    CHECK(oak["level"].is_null());
    CHECK(oak["year"].is_null());
    CHECK(oak["published"].is_null());
    CHECK(oak["lapsed"] == false);
    CHECK(oak["covers"] == nlohmann::json::array());

    const auto& elm = body["organisations"][2];
    CHECK(elm["status"] == "Lapsed (Standards Met 2024-25)");
    CHECK(elm["level"] == "met");
    CHECK(elm["lapsed"] == true);
    CHECK(elm["site_statuses"][0]["status"] == "Lapsed (Standards Met 2024-25)");
}

TEST_CASE("each site shows the latest publication that covers it", "[unit][server_publish]") {
    // Rose Lodge published alone in 2024, lapsed by now; headquarters then published for
    // Rose Court only, and Rose Gardens never.
    const auto rose =
        entry("AB12", "Rose Care Group", {"VA1B2", "VA1B3", "VA1B4"},
              {publication("AB12", {"VA1B2"}, "2024-25", Level::met, at("2024-10-01"), 1),
               publication("AB12", {"VA1B3"}, "2026-27", Level::exceeded, at("2026-11-01"), 2)});
    const auto today = day("2026-11-21");
    CHECK(register_status(rose.sites[0].latest, today).text == "Lapsed (Standards Met 2024-25)");
    CHECK(register_status(rose.sites[1].latest, today).text == "Standards Exceeded 2026-27");
    CHECK(register_status(rose.sites[2].latest, today).text == "Not published");

    const auto status = organisation_status(rose, today);
    CHECK(status.text == "Standards Exceeded 2026-27 for VA1B3");
    CHECK(status.covers == std::vector<std::string>{"VA1B3"});
    CHECK(status.published == day("2026-11-01"));
    CHECK(certificate_link(rose, status, today) == "/certificates/AB12/2026-27.pdf");

    const auto csv = render_csv({{rose}, 1}, today);
    CHECK_THAT(csv, Catch::Contains(
                        "Rose Care Group,AB12,VA1B2 VA1B3 VA1B4,Standards Exceeded 2026-27 for "
                        "VA1B3,2026-11-01,\"VA1B2: Lapsed (Standards Met 2024-25), published "
                        "2024-10-01; VA1B3: Standards Exceeded 2026-27, published 2026-11-01; "
                        "VA1B4: Not published\"\r\n"));

    const auto html = render_html(RegisterQuery{"rose", 1, 20}, {{rose}, 1}, today);
    CHECK_THAT(html, Catch::Contains("<li class=\"site lapsed\"><span class=\"code\">VA1B2</span> "
                                     "Lapsed (Standards Met 2024-25), published 2024-10-01</li>"));
    CHECK_THAT(html, Catch::Contains("<li class=\"site\"><span class=\"code\">VA1B3</span> "
                                     "Standards Exceeded 2026-27, published 2026-11-01</li>"));
    CHECK_THAT(html, Catch::Contains("<li class=\"site unpublished\"><span "
                                     "class=\"code\">VA1B4</span> Not published</li>"));
    CHECK_THAT(html,
               Catch::Contains("Standards Exceeded 2026-27 for VA1B3 <a class=\"certificate\" "
                               "href=\"/certificates/AB12/2026-27.pdf\">"));

    // A lapsed latest publication names its sites too.
    const auto old =
        entry("AB12", "Rose Care Group", {"VA1B2", "VA1B3"},
              {publication("AB12", {"VA1B2"}, "2024-25", Level::met, at("2024-10-01"))});
    CHECK(organisation_status(old, today).text == "Lapsed (Standards Met 2024-25 for VA1B2)");
    CHECK(certificate_link(old, organisation_status(old, today), today).empty());
}

TEST_CASE("a search by site code shows only that site's publications", "[unit][server_publish]") {
    const auto met = publication("AB1", {"VA001"}, "2026-27", Level::met, at("2026-11-01"));
    const auto today = day("2026-11-21");
    // The store's row for a search of VA002: that site alone, which nothing covers.
    const auto va002 = entry("AB1", "Acorn Homecare", {"VA002"}, {met}, false);
    const auto status = organisation_status(va002, today);
    CHECK(status.text == "Not published");
    CHECK_FALSE(status.level.has_value());
    CHECK(certificate_link(va002, status, today).empty());

    const auto html = render_html(RegisterQuery{"VA002", 1, 20}, {{va002}, 1}, today);
    CHECK(html.find("Standards Met") == std::string::npos);
    CHECK(html.find("/certificates/") == std::string::npos);
    const auto json =
        nlohmann::json::parse(render_json(RegisterQuery{"VA002", 1, 20}, {{va002}, 1}, today));
    const auto& row = json["organisations"][0];
    CHECK(row["sites"] == nlohmann::json::array({"VA002"}));
    CHECK(row["every_site"] == false);
    CHECK(row["status"] == "Not published");
    CHECK(row["level"].is_null());
    CHECK(row["site_statuses"][0]["status"] == "Not published");
    const auto csv = render_csv({{va002}, 1}, today);
    CHECK(csv.find("Standards Met") == std::string::npos);

    // The row for VA001 shows its publication and links its certificate by site code.
    const auto va001 = entry("AB1", "Acorn Homecare", {"VA001"}, {met}, false);
    const auto covered = organisation_status(va001, today);
    CHECK(covered.text == "Standards Met 2026-27");
    CHECK(certificate_link(va001, covered, today) == "/certificates/VA001/2026-27.pdf");
}

TEST_CASE("the CSV has a header row and quotes what needs quoting", "[unit][server_publish]") {
    store::PublicPage page;
    page.entries.push_back(
        entry("AB12", "Rose \"Lodge\", Care", {"VA1B2", "VA1B3"},
              {publication("AB12", {"VA1B2", "VA1B3"}, "2025-26", Level::met, at("2025-11-04"))}));
    page.entries.push_back(entry("VC9D8", "=HYPERLINK(\"x\")", {"VC9D8"}));
    const auto csv = render_csv(page, day("2026-01-01"));
    CHECK(csv ==
          "\xEF\xBB\xBF"
          "Organisation,ODS code,Sites,Status,Published,Status of each site\r\n"
          "\"Rose \"\"Lodge\"\", Care\",AB12,VA1B2 VA1B3,Standards Met 2025-26,2025-11-04,"
          "\"VA1B2: Standards Met 2025-26, published 2025-11-04; VA1B3: Standards Met "
          "2025-26, published 2025-11-04\"\r\n"
          "\"'=HYPERLINK(\"\"x\"\")\",VC9D8,VC9D8,Not published,,VC9D8: Not published\r\n");
}

TEST_CASE("the search page escapes a hostile organisation name and the query",
          "[unit][server_publish]") {
    store::PublicPage page;
    page.total = 1;
    page.entries.push_back(
        entry("AB12", "<script>alert('x')</script> \"Care\" & Co", {"VA1B2"},
              {publication("AB12", {"VA1B2"}, "2025-26", Level::met, at("2025-11-04"))}));
    const auto html =
        render_html(RegisterQuery{"\"><script>q</script>", 1, 20}, page, day("2026-01-01"));

    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<script") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("<td class=\"name\">&lt;script&gt;alert(&#39;x&#39;)&lt;/"
                                     "script&gt; &quot;Care&quot; &amp; Co</td>"));
    CHECK_THAT(html, Catch::Contains("value=\"&quot;&gt;&lt;script&gt;q&lt;/script&gt;\""));
    CHECK(count_of(html, "<tr class=\"result\">") == 1);
    CHECK_THAT(html, Catch::Contains("<td class=\"ods\">AB12</td><td class=\"sites\"><ul "
                                     "class=\"sites\"><li class=\"site\"><span "
                                     "class=\"code\">VA1B2</span> Standards Met 2025-26, "
                                     "published 2025-11-04</li></ul></td>"));
    CHECK_THAT(html, Catch::Contains("<td class=\"status\">Standards Met 2025-26 <a"));
    CHECK_THAT(html, Catch::Contains("<td class=\"published\">2025-11-04</td>"));
    // The certificate of the current year's publication is linked.
    CHECK_THAT(html, Catch::Contains("href=\"/certificates/AB12/2025-26.pdf\""));
    CHECK(html.find("no organisation matches") == std::string::npos);
}

TEST_CASE("the search page says when no organisation matches", "[unit][server_publish]") {
    const auto html = render_html(RegisterQuery{"Zebra & Sons", 1, 20}, {}, day("2026-01-01"));
    CHECK_THAT(html, Catch::Contains("no organisation matches &ldquo;Zebra &amp; Sons&rdquo;"));
    CHECK(html.find("<tr class=\"result\">") == std::string::npos);
    CHECK(html.find("<table") == std::string::npos);
}

TEST_CASE("the search page links the pages before and after", "[unit][server_publish]") {
    store::PublicPage page;
    page.total = 45;
    for (int i = 0; i < 20; ++i) {
        std::string ods = "A";
        ods += std::to_string(100 + i);
        page.entries.push_back(entry(ods, "Care Home", {}));
    }
    const auto html = render_html(RegisterQuery{"care home", 2, 20}, page, day("2026-01-01"));
    CHECK(count_of(html, "<tr class=\"result\">") == 20);
    CHECK_THAT(html, Catch::Contains("href=\"/?q=care+home&amp;page=1\">Previous page</a>"));
    CHECK_THAT(html, Catch::Contains("href=\"/?q=care+home&amp;page=3\">Next page</a>"));
    CHECK_THAT(html, Catch::Contains("Page 2 of 3"));

    const auto last = render_html(RegisterQuery{"care home", 3, 20}, page, day("2026-01-01"));
    CHECK(last.find("Next page") == std::string::npos);
    CHECK_THAT(last, Catch::Contains("Previous page"));
}

TEST_CASE("form_encode leaves nothing active, and repair_utf8 only bad bytes",
          "[unit][server_publish]") {
    CHECK(form_encode("Rose & Co/50%") == "Rose+%26+Co%2F50%25");
    CHECK(form_encode("a-b_c.d~") == "a-b_c.d~");
    CHECK(repair_utf8("Caf\xC3\xA9") == "Caf\xC3\xA9");
    CHECK(repair_utf8("bad \xC3 and \xED\xA0\x80") == "bad ? and ???");
}

}  // namespace dspt::server::publish::test
