// A support partner's summary with the real server and clients: three
// organisations at different levels, of different types, two of them in the
// partner's own group, one published; the counts, the ranked missing items and
// the drill-down in `dspt partner summary` (text, JSON, CSV) and on the
// dashboard's /web/partner pages; a revoked grant dropping out of every count;
// and nothing any organisation wrote reaching any of these outputs.

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/raw_api.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/cdp_browser.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// What the organisations write that their partner must never see.
const std::string kSummaryAnswer = "Register kept in cabinet Q7 at Cedar";
const std::string kSummaryComment = "Nobody at Cedar uses their own phone";
const std::string kSummaryPlan = "Audit the Cedar staff handbook";
const std::string kSummaryOwner = "Marta Quigley";
const std::string kSummaryEvidence = "cedar-fire-drill-minutes.pdf";

void summary_step(const ClientHome& home, const std::vector<std::string>& args) {
    const auto result = home.run(args);
    INFO("dspt " << args.front() << ": " << result.out << result.err);
    REQUIRE(result.exit_code == 0);
}

void check_no_private_text(const std::string& text) {
    INFO(text.substr(0, 4000));
    for (const auto& secret :
         {kSummaryAnswer, kSummaryComment, kSummaryPlan, kSummaryOwner, kSummaryEvidence}) {
        CHECK(text.find(secret) == std::string::npos);
    }
    CHECK(text.find("cedar-fire-drill") == std::string::npos);
    CHECK(text.find("answer/") == std::string::npos);
}

// The session cookie ("dspt_session=...") a login link of `home` opens.
std::string partner_session(const ClientHome& home) {
    const auto opened = fetch(home.json({"web-login"})["url"].get<std::string>());
    REQUIRE(opened.status == 303);
    const auto cookie = opened.header("set-cookie");
    REQUIRE(cookie.starts_with("dspt_session="));
    return cookie.substr(0, cookie.find(';'));
}

// Three organisations that grant County Care Association access:
//   Acorn Homecare (AB1, homecare, headquarters with two branches): Standards Met
//     on organisation-wide answers, published, in the group "Leeds City Council";
//   Cedar House (CD2, care home): Approaching Standards, with a comment, a plan
//     and an evidence file, in the same group;
//   Elm Lodge (EF3, type not stated): nothing answered, no group.
struct PartnerCounty {
    ServerProcess server;
    ClientHome hq;
    ClientHome cedar;
    ClientHome elm;
    ClientHome partner;

    PartnerCounty() {
        server.register_demo();
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"create-org", "--ods", "EF3", "--name", "Elm Lodge"},
                 {"add-site", "--org", "EF3", "--ods", "VE001", "--cqc", "1-300000001", "--name",
                  "Elm Lodge"}}) {
            const auto result = server.admin(args);
            INFO(result.err);
            REQUIRE(result.exit_code == 0);
        }
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
        enrol(elm, server, server.code({"--org", "EF3", "--site", "VE001"}), "Elm Lodge");
        enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");

        answer_all(hq, "approaching");
        answer_all(hq, "met");
        summary_step(hq, {"profile", "--organisation-type", "homecare"});
        summary_step(hq, {"sync"});

        answer_all(cedar, "approaching", {}, kSummaryAnswer);
        summary_step(cedar, {"profile", "--organisation-type", "care_home"});
        summary_step(cedar, {"answer", "1.3.4", "yes", "--comment", kSummaryComment});
        summary_step(cedar, {"plan", "set", "1.3.2", "--action", kSummaryPlan, "--owner",
                             kSummaryOwner, "--due", "2027-03-31"});
        summary_step(
            cedar, {"evidence", "add", "1.1.2", cedar.make_file(kSummaryEvidence, 3000).string()});
        summary_step(cedar, {"sync"});
        summary_step(elm, {"sync"});

        for (const auto* home : {&hq, &cedar, &elm}) {
            summary_step(*home, {"grant", "--partner", "County Care Association"});
        }
        summary_step(partner, {"partner", "group", "AB1", "Leeds City Council"});
        summary_step(partner, {"partner", "group", "CD2", "Leeds City Council"});

        // Acorn published Standards Met for the partner's year an hour ago.
        server::store::Publication publication;
        publication.organisation_ods = "AB1";
        publication.sites = {"VA001", "VA002"};
        publication.year = partner.json({"partner", "summary"})["year"].get<std::string>();
        publication.level = standards::Level::met;
        publication.published_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count() -
                                      3'600'000;
        publication.device_id = "admin";
        publication.request_id = "partner-summary-acorn";
        REQUIRE_FALSE(server.open_store()->record_publication(publication).duplicate);
    }
};

const nlohmann::json& tally_labelled(const nlohmann::json& list, const char* field,
                                     const std::string& label) {
    for (const auto& tally : list) {
        if (tally[field] == label) {
            return tally;
        }
    }
    FAIL("no " << field << " " << label << " in " << list.dump());
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a partner's summary counts its organisations by level, type and group",
          "[integration][partner]") {
    PartnerCounty county;
    const auto summary = county.partner.json({"partner", "summary"});
    INFO(summary.dump(2));
    const auto& all = summary["all"];
    CHECK(all["organisations"] == 3);
    CHECK(all["levels"]["met"] == 1);
    CHECK(all["levels"]["approaching"] == 1);
    CHECK(all["levels"]["none"] == 1);
    CHECK(all["published"] == 1);
    CHECK(all["lapsing_within_30_days"] == 0);
    // Acorn's sites have no branch device, so no site of it has synced; Cedar and
    // Elm synced just now.
    CHECK(all["no_sync_for_30_days"] == 1);

    const auto& care_home = tally_labelled(summary["by_type"], "type", "care_home");
    CHECK(care_home["organisations"] == 1);
    CHECK(care_home["levels"]["approaching"] == 1);
    CHECK(tally_labelled(summary["by_type"], "type", "homecare")["levels"]["met"] == 1);
    CHECK(tally_labelled(summary["by_type"], "type", "not_stated")["levels"]["none"] == 1);
    const auto& leeds = tally_labelled(summary["by_group"], "group", "Leeds City Council");
    CHECK(leeds["organisations"] == 2);
    CHECK(leeds["published"] == 1);
    CHECK(tally_labelled(summary["by_group"], "group", "")["organisations"] == 1);

    // Ranked: what Cedar and Elm both miss (Standards Met's own items) before what
    // Elm alone misses; Acorn misses nothing.
    const auto& missing = summary["missing_items"];
    REQUIRE(missing.size() > 2);
    CHECK(missing.front()["organisations"] == 2);
    CHECK(missing.back()["organisations"] == 1);
    for (std::size_t i = 1; i < missing.size(); ++i) {
        CHECK(missing[i - 1]["organisations"] >= missing[i]["organisations"]);
    }
    CHECK_FALSE(missing.front()["title"].get<std::string>().empty());

    // The same in words, and as a CSV file.
    const auto text = county.partner.run({"partner", "summary"});
    INFO(text.err);
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("Summary of 3 organisation(s)"));
    CHECK_THAT(text.out, Catch::Contains("Care home"));
    CHECK_THAT(text.out, Catch::Contains("Group: Leeds City Council"));
    CHECK_THAT(text.out, Catch::Contains("Mandatory items missed most often"));
    CHECK_THAT(text.out, Catch::Contains(missing.front()["item"].get<std::string>()));
    const auto csv_path = county.partner.home() / "summary.csv";
    const auto csv = county.partner.run({"partner", "summary", "--csv", csv_path.string()});
    INFO(csv.err);
    REQUIRE(csv.exit_code == 0);
    const auto csv_text = read_all(csv_path);
    CHECK(csv_text.starts_with("Breakdown,Label,Organisations,None,"));
    CHECK_THAT(csv_text, Catch::Contains("All,All organisations,3,1,1,1,0,1,0,1\r\n"));
    CHECK_THAT(csv_text, Catch::Contains("Group,Leeds City Council,2,0,1,1,0,1,0,1\r\n"));
    CHECK_THAT(csv_text, Catch::Contains("Missing item,"));
    // An existing file is kept unless --force is given.
    const auto again = county.partner.run({"partner", "summary", "--csv", csv_path.string()});
    CHECK(again.exit_code != 0);
    CHECK_THAT(again.err, Catch::Contains("--force"));

    // Nothing any organisation wrote, in any output.
    check_no_private_text(summary.dump());
    check_no_private_text(text.out);
    check_no_private_text(csv_text);
    const RawApi raw(county.partner, county.server);
    check_no_private_text(
        raw.api->call("GET", "/v1/partner/summary?year=" + summary["year"].get<std::string>()));

    // The dashboard's summary page, its drill-downs and an organisation's sites.
    const auto cookie = partner_session(county.partner);
    const auto page = fetch(county.server.url() + "/web/partner", "GET", {{"Cookie", cookie}});
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("Leeds City Council"));
    CHECK_THAT(page.body, Catch::Contains("/web/partner/organisations?level=met"));
    CHECK_THAT(page.body, Catch::Contains("Mandatory items missed most often"));
    check_no_private_text(page.body);
    const auto at_met = fetch(county.server.url() + "/web/partner/organisations?level=met", "GET",
                              {{"Cookie", cookie}});
    REQUIRE(at_met.status == 200);
    CHECK_THAT(at_met.body, Catch::Contains("Acorn Homecare"));
    CHECK(at_met.body.find("Cedar House") == std::string::npos);
    const auto grouped =
        fetch(county.server.url() + "/web/partner/organisations?group=Leeds+City+Council", "GET",
              {{"Cookie", cookie}});
    CHECK_THAT(grouped.body, Catch::Contains("Acorn Homecare"));
    CHECK_THAT(grouped.body, Catch::Contains("Cedar House"));
    CHECK(grouped.body.find("Elm Lodge") == std::string::npos);
    const auto sites =
        fetch(county.server.url() + "/web/partner/organisations/CD2", "GET", {{"Cookie", cookie}});
    REQUIRE(sites.status == 200);
    CHECK_THAT(sites.body, Catch::Contains("VC001"));
    check_no_private_text(sites.body);
    const auto bad = fetch(county.server.url() + "/web/partner/organisations?level=gold", "GET",
                           {{"Cookie", cookie}});
    CHECK(bad.status == 400);
    CHECK_THAT(bad.body, Catch::Contains("Go back to the summary"));

    // An empty label takes Acorn out of the group.
    summary_step(county.partner, {"partner", "group", "AB1", ""});
    const auto ungrouped = county.partner.json({"partner", "summary"});
    CHECK(tally_labelled(ungrouped["by_group"], "group", "Leeds City Council")["organisations"] ==
          1);
    CHECK(tally_labelled(ungrouped["by_group"], "group", "")["organisations"] == 2);

    // A label past the limit is refused by the command itself, and changes nothing.
    const auto too_long = county.partner.run({"partner", "group", "CD2", std::string(201, 'x')});
    CHECK(too_long.exit_code == 2);
    CHECK_THAT(too_long.err, Catch::Contains("200 at most"));
    CHECK(tally_labelled(county.partner.json({"partner", "summary"})["by_group"], "group",
                         "Leeds City Council")["organisations"] == 1);

    // An organisation's device is no partner.
    const auto not_partner = county.hq.run({"partner", "summary"});
    CHECK(not_partner.exit_code == 2);
    CHECK_THAT(not_partner.err, Catch::Contains("only a support partner's device"));
    const auto refused = fetch(county.server.url() + "/web/partner", "GET",
                               {{"Cookie", partner_session(county.hq)}});
    CHECK(refused.status == 403);
    CHECK_THAT(refused.body, Catch::Contains("Your own sites are on your dashboard"));
}

TEST_CASE("a revoked grant drops out of every count of the partner's summary",
          "[integration][partner]") {
    PartnerCounty county;
    const auto cookie = partner_session(county.partner);
    summary_step(county.cedar, {"grant", "--revoke", "County Care Association"});

    const auto summary = county.partner.json({"partner", "summary"});
    INFO(summary.dump(2));
    CHECK(summary["all"]["organisations"] == 2);
    CHECK(summary["all"]["levels"]["approaching"] == 0);
    CHECK(tally_labelled(summary["by_type"], "type", "care_home")["organisations"] == 0);
    CHECK(tally_labelled(summary["by_group"], "group", "Leeds City Council")["organisations"] == 1);
    // Only Elm misses anything now.
    for (const auto& item : summary["missing_items"]) {
        CHECK(item["organisations"] == 1);
    }
    CHECK(summary.dump().find("CD2") == std::string::npos);
    CHECK(summary.dump().find("Cedar") == std::string::npos);

    const auto page = fetch(county.server.url() + "/web/partner", "GET", {{"Cookie", cookie}});
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Cedar") == std::string::npos);
    const auto list =
        fetch(county.server.url() + "/web/partner/organisations", "GET", {{"Cookie", cookie}});
    CHECK(list.body.find("Cedar") == std::string::npos);
    const auto sites =
        fetch(county.server.url() + "/web/partner/organisations/CD2", "GET", {{"Cookie", cookie}});
    CHECK(sites.status == 404);
    CHECK(sites.body.find("VC001") == std::string::npos);

    // Its label cannot be changed while no grant is in force.
    const auto group = county.partner.run({"partner", "group", "CD2", "Wakefield"});
    CHECK(group.exit_code != 0);
    CHECK_THAT(group.err, Catch::Contains("no live grant"));
}

TEST_CASE("a headless browser opens the partner summary and follows a count",
          "[integration][browser]") {
    PartnerCounty county;
    CdpBrowser browser(1280, 900);
    browser.navigate(county.partner.json({"web-login"})["url"].get<std::string>());
    browser.click_and_wait_load("a[href='/web/partner']");
    CHECK_THAT(browser.text("h1"), Catch::StartsWith("Partner summary"));
    const auto html = browser.evaluate("document.documentElement.outerHTML").get<std::string>();
    check_no_private_text(html);
    CHECK(html.find("<script") == std::string::npos);
    CHECK_THAT(browser.text("#summary-groups"), Catch::Contains("Leeds City Council"));

    const std::filesystem::path dir = DSPT_ARTIFACT_DIR;
    std::filesystem::create_directories(dir);
    const auto png = dir / "web_partner_summary.png";
    std::filesystem::remove(png);
    browser.screenshot(png);
    const auto bytes = read_all(png);
    CHECK(bytes.starts_with("\x89PNG\r\n\x1a\n"));
    CHECK(bytes.size() > 5'000);
    std::cout << "partner summary screenshot: " << png.string() << std::endl;

    // The most often missed item's count leads to the organisations missing it.
    browser.click_and_wait_load("#missing-items a");
    CHECK_THAT(browser.text("h1"), Catch::StartsWith("Organisations missing"));
    CHECK_THAT(browser.text("#organisations"), Catch::Contains("Elm Lodge"));
    browser.click_and_wait_load("#organisations a");
    CHECK_THAT(browser.text("body"), Catch::Contains("Last sync"));
}
