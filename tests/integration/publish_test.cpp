// `dspt publish` against the real server: every rule of publishing as a care
// manager or a head office meets it, with the reasons the server gives.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// Plans an action for every Standards Met item not yet satisfied.
void plan_the_rest(const ClientHome& home) {
    for (const auto& item : home.json({"items", "--missing", "met"})) {
        const auto result = home.run({"plan", "set", item["id"].get<std::string>(), "--action",
                                      "Write the procedure", "--owner", "Registered manager",
                                      "--due", "2027-03-31"});
        REQUIRE(result.exit_code == 0);
    }
}

// Cedar House (CD2): a single-site provider whose one device is enrolled to its site.
struct PublishingCedar {
    ServerProcess server;
    ClientHome home;

    PublishingCedar() {
        server.register_demo();
        enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    }
};

}  // namespace

TEST_CASE("a first publication at Approaching Standards needs an action plan, and comes once",
          "[integration][publish]") {
    PublishingCedar cedar;
    answer_all(cedar.home, "approaching");

    auto refused = cedar.home.run({"publish", "--level", "approaching"});
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.out, Catch::Contains("Not published"));
    CHECK_THAT(refused.out, Catch::Contains("needs an action-plan entry"));
    CHECK_THAT(refused.err, Catch::Contains("not published"));
    CHECK(cedar.home.json({"publications"}).empty());

    plan_the_rest(cedar.home);
    const auto published = cedar.home.json({"publish", "--level", "approaching"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["level"] == "approaching");
    CHECK(published["publication"]["sites"] == nlohmann::json::array({"VC001"}));
    CHECK(published["publication"]["year"] == "2025-26");

    const auto again = cedar.home.run({"publish", "--level", "approaching", "--json"});
    CHECK(again.exit_code == 2);
    const auto answer = nlohmann::json::parse(again.out);
    CHECK(answer["published"] == false);
    REQUIRE(answer["problems"].size() == 1);
    CHECK_THAT(answer["problems"][0]["message"].get<std::string>(),
               Catch::Contains("must reach at least Standards Met"));
    CHECK(cedar.home.json({"publications"}).size() == 1);
}

TEST_CASE("a site that does not reach the level is told every item it lacks",
          "[integration][publish]") {
    PublishingCedar cedar;
    answer_all(cedar.home, "met");
    REQUIRE(cedar.home.run({"answer", "1.1.1", "--clear"}).exit_code == 0);
    REQUIRE(cedar.home.run({"answer", "2.1.1", "no"}).exit_code == 0);

    const auto refused = cedar.home.run({"publish", "--level", "met", "--json"});
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    std::vector<std::string> items;
    for (const auto& problem : answer["problems"]) {
        CHECK(problem["site"] == "VC001");
        items.push_back(problem["item"].get<std::string>());
    }
    CHECK(items == std::vector<std::string>{"1.1.1", "2.1.1"});

    // The server evaluates what it holds: the answers must reach it.
    REQUIRE(cedar.home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(cedar.home.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    const auto published = cedar.home.json({"publish", "--level", "met"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["level"] == "met");
    const auto listed = cedar.home.json({"publications"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["lapsed"] == false);
}

TEST_CASE("headquarters publishes for the branches that are ready and is told why one is not",
          "[integration][publish]") {
    AcornGroup acorn;
    // Organisation-wide answers make every branch ready, unless a branch says otherwise.
    answer_all(acorn.hq, "met");
    REQUIRE(acorn.hq.run({"sync"}).exit_code == 0);  // headquarters learns its sites
    REQUIRE(acorn.hq.run({"--site", "VA003", "answer", "2.1.1", "no"}).exit_code == 0);

    const auto refused =
        acorn.hq.run({"publish", "--level", "met", "--sites", "VA001,VA002,VA003", "--json"});
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    REQUIRE(answer["problems"].size() == 1);
    CHECK(answer["problems"][0]["site"] == "VA003");
    CHECK(answer["problems"][0]["item"] == "2.1.1");

    const auto published = acorn.hq.json({"publish", "--level", "met", "--sites", "VA001,VA002"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["sites"] == nlohmann::json::array({"VA001", "VA002"}));
    CHECK(published["publication"]["organisation"] == "AB1");

    // Every device of the organisation sees it; the branch sees the ones that cover it.
    CHECK(acorn.hq.json({"publications"}).size() == 1);
    CHECK(acorn.leeds.json({"publications"}).size() == 1);

    // Head office sends each registered manager their answers: a sheet per site.
    const auto workbook = acorn.hq.home() / "acorn.xlsx";
    const auto exported = acorn.hq.run({"export", workbook.string()});
    INFO(exported.err);
    CHECK(exported.exit_code == 0);
    CHECK_THAT(exported.out, Catch::Contains("3 sites"));
    CHECK(slurp(workbook).substr(0, 2) == "PK");

    // Without a choice of sites headquarters is asked for one.
    const auto unchosen = acorn.hq.run({"publish", "--level", "met"});
    CHECK(unchosen.exit_code == 2);
    CHECK_THAT(unchosen.err, Catch::Contains("VA001, VA002, VA003"));
}

TEST_CASE("a branch device cannot publish for its sister site", "[integration][publish]") {
    AcornGroup acorn;
    answer_all(acorn.leeds, "met");
    const auto refused = acorn.leeds.run({"publish", "--level", "met", "--sites", "VA002"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("own site (VA001) only"));
    CHECK(acorn.hq.json({"publications"}).empty());

    const auto own = acorn.leeds.json({"publish", "--level", "met"});
    CHECK(own["publication"]["sites"] == nlohmann::json::array({"VA001"}));
}

TEST_CASE("Standards Exceeded needs a Cyber Essentials Plus certificate that has not expired",
          "[integration][publish]") {
    AcornGroup acorn;
    answer_all(acorn.hq, "met");
    REQUIRE(acorn.hq.run({"profile", "--ce-plus-until", "2024-01-31"}).exit_code == 0);
    const auto refused =
        acorn.hq.run({"publish", "--level", "exceeded", "--sites", "VA001", "--json"});
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    REQUIRE(answer["problems"].size() == 1);
    CHECK_THAT(answer["problems"][0]["message"].get<std::string>(),
               Catch::Contains("expired on 2024-01-31"));

    REQUIRE(acorn.hq.run({"profile", "--ce-plus-until", "2099-12-31"}).exit_code == 0);
    const auto published = acorn.hq.json({"publish", "--level", "exceeded", "--sites", "VA001"});
    CHECK(published["publication"]["level"] == "exceeded");
}

TEST_CASE("a conflict the server holds stops publishing until it is resolved",
          "[integration][publish]") {
    AcornGroup acorn;
    answer_all(acorn.leeds, "met");
    REQUIRE(acorn.leeds.run({"sync"}).exit_code == 0);
    REQUIRE(acorn.hq.run({"sync"}).exit_code == 0);
    REQUIRE(acorn.hq.run({"--site", "VA001", "answer", "1.1.1", "ZA000002"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA000001"}).exit_code == 0);
    REQUIRE(acorn.hq.run({"sync"}).exit_code == 0);

    const auto refused = acorn.leeds.run({"publish", "--level", "met", "--json"});
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    REQUIRE(answer["problems"].size() == 1);
    CHECK(answer["problems"][0]["item"] == "1.1.1");
    CHECK_THAT(answer["problems"][0]["message"].get<std::string>(),
               Catch::Contains("conflicting values"));

    const auto conflicts = acorn.leeds.json({"conflicts"});
    REQUIRE(conflicts.size() == 1);
    REQUIRE(acorn.leeds.run({"resolve", "1.1.1", "--value", "ZA000001"}).exit_code == 0);
    CHECK(acorn.leeds.json({"publish", "--level", "met"})["published"] == true);
}

TEST_CASE("a publish whose answer is lost publishes once", "[integration][publish]") {
    PublishingCedar cedar;
    answer_all(cedar.home, "met");
    REQUIRE(cedar.home.run({"sync"}).exit_code == 0);
    FaultProxy proxy(cedar.server.port());
    const auto via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());

    // How many connections a sync with nothing to send makes.
    const auto before = proxy.connections();
    REQUIRE(cedar.home.run({"sync", "--server", via_proxy}).exit_code == 0);
    const auto sync_connections = proxy.connections() - before;
    REQUIRE(sync_connections >= 1);

    SECTION("the same run asks again and is told it is published") {
        // The publish request reaches the server; its answer is cut after one byte.
        proxy.cut_after(1, false, 1, sync_connections);
        const auto result =
            cedar.home.run({"publish", "--level", "met", "--server", via_proxy, "--attempts", "3"});
        INFO(result.out << result.err);
        CHECK(result.exit_code == 0);
        CHECK(proxy.cuts() == 1);
        CHECK_THAT(result.out, Catch::Contains("already recorded"));
    }
    SECTION("the next run sends the same request and is told it is published") {
        proxy.cut_after(1, false, 1, sync_connections);
        const auto lost =
            cedar.home.run({"publish", "--level", "met", "--server", via_proxy, "--attempts", "1"});
        CHECK(lost.exit_code == 4);
        CHECK(proxy.cuts() == 1);
        const auto again = cedar.home.json({"publish", "--level", "met"});
        CHECK(again["published"] == true);
        CHECK(again["duplicate"] == true);
    }
    CHECK(cedar.home.json({"publications"}).size() == 1);
}

TEST_CASE("a publication at Standards Met is found by the public search and has a certificate",
          "[integration][publish]") {
    PublishingCedar cedar;
    answer_all(cedar.home, "met", {}, "Kept in the blue folder marked CONFIDENTIAL-ANSWER");
    REQUIRE(cedar.home.json({"publish", "--level", "met"})["published"] == true);

    const auto search = [&](const std::string& query) {
        const auto result = run_process(
            "/usr/bin/curl",
            {"-fsS", "--max-time", "30", cedar.server.url() + "/api/v1/organisations?q=" + query});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return result.out;
    };
    for (const auto& query : {"cedar", "VC001", "CD2"}) {
        const auto body = search(query);
        INFO(query << ": " << body);
        const auto found = nlohmann::json::parse(body);
        REQUIRE(found["organisations"].size() == 1);
        CHECK(found["organisations"][0]["name"] == "Cedar House");
        CHECK(found["organisations"][0]["level"] == "met");
        CHECK(found["organisations"][0]["year"] == "2025-26");
        // Only the public record: no answer, comment or location.
        CHECK(body.find("CONFIDENTIAL-ANSWER") == std::string::npos);
        CHECK(body.find("blue folder") == std::string::npos);
    }
    const auto page = run_process("/usr/bin/curl",
                                  {"-fsS", "--max-time", "30", cedar.server.url() + "/?q=Cedar"});
    CHECK_THAT(page.out, Catch::Contains("Standards Met"));
    CHECK(page.out.find("CONFIDENTIAL-ANSWER") == std::string::npos);

    const auto pdf = cedar.home.home() / "certificate.pdf";
    const auto written = cedar.home.run({"certificate", "--out", pdf.string()});
    INFO(written.err);
    REQUIRE(written.exit_code == 0);
    CHECK(slurp(pdf).substr(0, 5) == "%PDF-");
    const auto text = run_process("/usr/bin/pdftotext", {pdf.string(), "-"});
    CHECK_THAT(text.out, Catch::Contains("Cedar House"));
    CHECK_THAT(text.out, Catch::Contains("Standards Met"));
    CHECK_THAT(text.out, Catch::Contains("2025-26"));
    const auto png = cedar.home.home() / "certificate.png";
    REQUIRE(cedar.home.run({"certificate", "--out", png.string()}).exit_code == 0);
    CHECK(slurp(png).substr(1, 3) == "PNG");
}

TEST_CASE("a headquarters publication's certificate is downloaded by headquarters",
          "[integration][publish]") {
    AcornGroup acorn;
    answer_all(acorn.hq, "met");
    REQUIRE(acorn.hq.json({"publish", "--level", "met", "--sites", "VA001"})["published"] == true);
    const auto pdf = acorn.hq.home() / "acorn.pdf";
    CHECK(acorn.hq.run({"certificate", "--out", pdf.string()}).exit_code == 0);
    const auto branch =
        acorn.leeds.run({"certificate", "--out", (acorn.leeds.home() / "leeds.pdf").string()});
    CHECK(branch.exit_code == 2);
    CHECK_THAT(branch.err, Catch::Contains("headquarters"));
    CHECK_FALSE(std::filesystem::exists(acorn.leeds.home() / "leeds.pdf"));
}
