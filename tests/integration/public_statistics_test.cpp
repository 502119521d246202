// The public statistics from the real dspt-server over HTTP: counts that match the
// publications made (by a real client, late, and recorded for given days), levels,
// organisation types from the profile the clients synced, two years, and no answer
// text in any output; and a headless Chromium showing the section with its chart.

#include <chrono>
#include <filesystem>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/date.hpp"
#include "tests/integration/answering.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// Noon UTC on `day`, in Unix ms.
std::int64_t statistics_noon(const char* day) {
    return Date::parse(day)->end_unix_ms() + 1 - 12LL * 3600 * 1000;
}

void record_for(const ServerProcess& server, const std::string& ods, std::vector<std::string> sites,
                const std::string& year, standards::Level level, const char* day,
                const std::string& request) {
    server::store::Publication publication;
    publication.organisation_ods = ods;
    publication.sites = std::move(sites);
    publication.year = year;
    publication.level = level;
    publication.published_at_ms = statistics_noon(day);
    publication.device_id = "admin";
    publication.request_id = request;
    REQUIRE_FALSE(server.open_store()->record_publication(publication).duplicate);
}

constexpr const char* kSecretAnswer = "Kept in the locked cabinet behind reception";
constexpr const char* kSecretName = "Dr Ruth Okafor";

// The registry and publications the statistics of 2025-26 are checked against:
//   CD2  care home (set by its own device), Standards Exceeded by the client, today: late
//   AB1  homecare (set by its headquarters device), Standards Met on 10 June 2026, and
//        Standards Met for 2024-25 on 20 June 2025
//   EF3  not stated, Approaching Standards on 1 May 2026
//   JK5  not stated, Standards Met on 30 June 2026, the deadline's day
//   GH4  not stated, never published
struct StatisticsWorld {
    ServerProcess server;
    ClientHome cedar;
    ClientHome acorn;

    StatisticsWorld() {
        server.register_demo();
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"create-org", "--ods", "EF3", "--name", "Elm Lodge"},
                 {"add-site", "--org", "EF3", "--ods", "VE001", "--cqc", "1-300000001", "--name",
                  "Elm Lodge"},
                 {"create-org", "--ods", "GH4", "--name", "Gorse Homecare"},
                 {"add-site", "--org", "GH4", "--ods", "VG001", "--cqc", "1-400000001", "--name",
                  "Gorse Homecare"},
                 {"create-org", "--ods", "JK5", "--name", "Juniper Court"},
                 {"add-site", "--org", "JK5", "--ods", "VJ001", "--cqc", "1-500000001", "--name",
                  "Juniper Court"}}) {
            const auto result = server.admin(args);
            INFO(result.err);
            REQUIRE(result.exit_code == 0);
        }
        enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
        const auto set = cedar.run(
            {"profile", "--ce-plus-until", "2099-09-30", "--organisation-type", "care home",
             "--nhsmail", "Cedar.House@nhs.net", "--caldicott-guardian", kSecretName, "--siro",
             "Sam Reid", "--dpo", "Priya Shah", "--security-lead", "Asha Patel"});
        INFO(set.err);
        REQUIRE(set.exit_code == 0);
        answer_all(cedar, "met", {}, kSecretAnswer);
        REQUIRE(cedar.json({"sync"})["refused"].empty());
        const auto published = cedar.json({"publish", "--level", "exceeded"});
        REQUIRE(published["published"] == true);
        REQUIRE(published["publication"]["year"] == "2025-26");

        enrol(acorn, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        const auto acorn_type = acorn.run({"profile", "--organisation-type", "homecare"});
        INFO(acorn_type.err);
        REQUIRE(acorn_type.exit_code == 0);
        REQUIRE(acorn.json({"sync"})["refused"].empty());

        using standards::Level;
        record_for(server, "AB1", {"VA001"}, "2024-25", Level::met, "2025-06-20", "stats-1");
        record_for(server, "AB1", {"VA001", "VA002"}, "2025-26", Level::met, "2026-06-10",
                   "stats-2");
        record_for(server, "EF3", {"VE001"}, "2025-26", Level::approaching, "2026-05-01",
                   "stats-3");
        record_for(server, "JK5", {"VJ001"}, "2025-26", Level::met, "2026-06-30", "stats-4");
    }

    Fetched get(const std::string& target) const { return fetch(server.url() + target); }
};

void check_no_answer_text(const std::string& output) {
    CHECK_THAT(output, !Catch::Contains(kSecretAnswer));
    CHECK_THAT(output, !Catch::Contains(kSecretName));
    CHECK_THAT(output, !Catch::Contains("answer/"));
}

}  // namespace

TEST_CASE("the public statistics count the publications made, by level, type and deadline",
          "[integration][server_public]") {
    const StatisticsWorld world;

    const auto response = world.get("/api/v1/statistics?year=2025-26");
    REQUIRE(response.status == 200);
    CHECK(response.header("content-type") == "application/json");
    const auto body = nlohmann::json::parse(response.body);
    CHECK(body["counted"] == "organisations registered on this server");
    CHECK(body["registered"]["organisations"] == 5);
    CHECK(body["registered"]["sites"] == 6);
    CHECK(body["sites_published"] == 5);  // all but Gorse Homecare's
    const auto& all = body["organisations"];
    CHECK(all["registered"] == 5);
    CHECK(all["published"] == 4);
    CHECK(all["approaching"] == 1);
    CHECK(all["met"] == 2);
    CHECK(all["exceeded"] == 1);
    CHECK(all["published_by_deadline"] == 3);  // Cedar House published late
    CHECK(all["share_by_deadline"] == "60.0");

    std::map<std::string, nlohmann::json> types;
    for (const auto& row : body["by_type"]) {
        types[row["type"].get<std::string>()] = row;
    }
    CHECK(types["care_home"]["registered"] == 1);
    CHECK(types["care_home"]["exceeded"] == 1);
    CHECK(types["care_home"]["published_by_deadline"] == 0);
    CHECK(types["care_home"]["share_by_deadline"] == "0.0");
    CHECK(types["homecare"]["met"] == 1);
    CHECK(types["homecare"]["share_by_deadline"] == "100.0");
    CHECK(types["both"]["registered"] == 0);
    CHECK(types["both"]["share_by_deadline"].is_null());
    CHECK(types["not_stated"]["registered"] == 3);
    CHECK(types["not_stated"]["published"] == 2);
    CHECK(types["not_stated"]["share_by_deadline"] == "66.6");  // 2 of 3, rounded down

    // The chart: the deadline's week holds Juniper Court's; last year's the 20 June one.
    const auto& weeks = body["weekly"]["weeks"];
    REQUIRE(weeks.size() == 13);
    CHECK(weeks[12]["last"] == "2026-06-30");
    CHECK(weeks[12]["publications"] == 1);
    CHECK(weeks[10]["publications"] == 1);  // 10 June: 10 to 16 June
    CHECK(weeks[11]["previous_publications"] == 1);
    check_no_answer_text(response.body);

    // The year before: Acorn alone, by its deadline.
    const auto before = nlohmann::json::parse(world.get("/api/v1/statistics?year=2024-25").body);
    CHECK(before["organisations"]["published"] == 1);
    CHECK(before["organisations"]["share_by_deadline"] == "20.0");

    const auto csv = world.get("/api/v1/statistics.csv?year=2025-26");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.header("content-disposition") ==
          "attachment; filename=\"dspt-statistics-2025-26.csv\"");
    CHECK(csv.body ==
          "\xEF\xBB\xBFOrganisation type,Organisations registered,Published for 2025-26,"
          "Approaching Standards,Standards Met,Standards Exceeded,Published by 30 June 2026,"
          "Share published by the deadline\r\n"
          "All organisations,5,4,1,2,1,3,60.0%\r\n"
          "Care home,1,1,0,0,1,0,0.0%\r\n"
          "Homecare,1,1,0,1,0,1,100.0%\r\n"
          "Care home and homecare,0,0,0,0,0,0,no organisations\r\n"
          "Other,0,0,0,0,0,0,no organisations\r\n"
          "Not stated,3,2,1,1,0,2,66.6%\r\n");
    check_no_answer_text(csv.body);

    const auto page = world.get("/statistics?year=2025-26");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("3 organisations of 5 (60.0%) published for 2025-26 "
                                          "by the 30 June 2026 deadline"));
    CHECK_THAT(page.body, Catch::Contains("organisations registered on this server"));
    check_no_answer_text(page.body);
    check_no_answer_text(world.get("/").body);

    // A garbage or unknown year is refused, saying how a year is written.
    const auto garbage = world.get("/api/v1/statistics?year=next");
    CHECK(garbage.status == 400);
    CHECK_THAT(garbage.body, Catch::Contains("written like 2025-26"));
    CHECK(world.get("/api/v1/statistics.csv?year=1999-00").status == 400);
    CHECK(world.get("/statistics?year=2025").status == 400);
}

TEST_CASE("a headless browser shows the statistics section with its chart",
          "[integration][server_public]") {
    const StatisticsWorld world;
    const auto url = world.server.url() + "/statistics?year=2025-26";
    const auto dom = chromium_dom(url);
    CHECK_THAT(dom, Catch::Contains("<section id=\"statistics\""));
    CHECK_THAT(dom, Catch::Contains("Statistics for 2025-26"));
    CHECK_THAT(dom, Catch::Contains("<svg"));
    CHECK_THAT(dom, Catch::Contains("60.0%"));
    check_no_answer_text(dom);
    // The register's front page carries the same section.
    CHECK_THAT(chromium_dom(world.server.url() + "/"), Catch::Contains("Statistics for 2025-26"));

    const std::filesystem::path dir = DSPT_ARTIFACT_DIR;
    std::filesystem::create_directories(dir);
    const auto png = dir / "public-statistics.png";
    chromium_screenshot(url, png, 1100, 1400);
    CHECK(std::filesystem::file_size(png) > 10'000);
}
