// Progress across sites with the real server and clients: a headquarters'
// `dspt sites` against each branch's own `dspt status`, organisation-wide
// answers, a branch stuck offline for days, and a support partner who sees
// progress and nothing else, only while its grant lasts.

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/integration/answering.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/raw_api.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// What the tests write that a partner must never see.
const std::string kAnswerText = "Register kept in cabinet Q7 at Leeds";
const std::string kComment = "Nobody at Leeds uses their own phone";
const std::string kPlanAction = "Audit the Leeds staff handbook";
const std::string kPlanOwner = "Marta Quigley";
const std::string kEvidenceName = "leeds-fire-drill-minutes.pdf";
const std::string kCedarText = "Cedar keeps its register in the loft";

void succeeds(const ClientHome& home, const std::vector<std::string>& args) {
    const auto result = home.run(args);
    INFO("dspt " << args.front() << ": " << result.out << result.err);
    REQUIRE(result.exit_code == 0);
}

// Acorn Homecare (AB1, a headquarters) with three branches, a device each,
// and its headquarters device, which has synced once to learn its sites.
struct AcornBranches {
    ServerProcess server;
    ClientHome hq;
    ClientHome leeds;  // VA001
    ClientHome york;   // VA002
    ClientHome hull;   // VA003

    AcornBranches() {
        server.register_demo();
        const auto added = server.admin({"add-site", "--org", "AB1", "--ods", "VA003", "--cqc",
                                         "1-100000003", "--name", "Acorn Hull"});
        REQUIRE(added.exit_code == 0);
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        // Invited by headquarters, so each branch holds the organisation key.
        enrol(leeds, server, invite("VA001"), "Acorn Leeds");
        enrol(york, server, invite("VA002"), "Acorn York");
        enrol(hull, server, invite("VA003"), "Acorn Hull");
        succeeds(hq, {"sync"});
    }

    std::string invite(const std::string& site) const {
        return hq.json({"invite", "--site", site})["code"].get<std::string>();
    }

    // Three branches in different states:
    //   Leeds reaches Approaching Standards on its own answers, with a comment,
    //     a plan entry and an evidence file;
    //   York answers "no" to an item headquarters answered for everyone, and
    //     holds a conflict with headquarters over another;
    //   Hull has answered nothing and inherits the organisation-wide answers.
    void three_states() {
        succeeds(hq, {"answer", "1.3.1", "yes"});  // organisation-wide
        succeeds(hq, {"answer", "1.3.3", "yes"});
        succeeds(hq, {"sync"});

        answer_all(leeds, "approaching", {}, kAnswerText);
        succeeds(leeds, {"answer", "1.3.4", "yes", "--comment", kComment});
        succeeds(leeds, {"plan", "set", "1.3.2", "--action", kPlanAction, "--owner", kPlanOwner,
                         "--due", "2027-03-31"});
        succeeds(leeds,
                 {"evidence", "add", "1.1.2", leeds.make_file(kEvidenceName, 3000).string()});
        succeeds(leeds, {"sync"});

        succeeds(york, {"answer", "1.3.1", "no"});
        succeeds(york, {"answer", "1.1.1", kAnswerText});
        succeeds(york, {"sync"});
        succeeds(hq, {"--site", "VA002", "answer", "1.3.4", "yes"});
        succeeds(hq, {"sync"});
        succeeds(york, {"answer", "1.3.4", "no"});
        succeeds(york, {"sync"});

        succeeds(hull, {"sync"});
    }
};

// The site's object in `dspt sites --json`.
nlohmann::json site_of(const nlohmann::json& sites, const std::string& code) {
    for (const auto& site : sites["sites"]) {
        if (site["site"] == code) {
            return site;
        }
    }
    FAIL("no site " << code << " in " << sites.dump());
    return {};
}

// The missing item's entry in `dspt sites --missing LEVEL --json`, or null.
nlohmann::json missing_entry(const nlohmann::json& missing, const std::string& item) {
    for (const auto& entry : missing["items"]) {
        if (entry["item"] == item) {
            return entry;
        }
    }
    return nullptr;
}

void check_nothing_private(const std::string& text) {
    INFO(text);
    for (const auto& secret :
         {kAnswerText, kComment, kPlanAction, kPlanOwner, kEvidenceName, kCedarText}) {
        CHECK_FALSE(text.find(secret) != std::string::npos);
    }
    CHECK_FALSE(text.find("leeds-fire-drill") != std::string::npos);
}

}  // namespace

TEST_CASE("headquarters' sites table matches what each branch's own status says",
          "[integration][progress]") {
    AcornBranches acorn;
    acorn.three_states();

    const auto sites = acorn.hq.json({"sites"});
    CHECK(sites["organisation"] == "AB1");
    CHECK(sites["year"] == "2025-26");
    REQUIRE(sites["sites"].size() == 3);
    const std::vector<std::pair<std::string, const ClientHome*>> branches{
        {"VA001", &acorn.leeds}, {"VA002", &acorn.york}, {"VA003", &acorn.hull}};
    for (const auto& [code, home] : branches) {
        INFO("site " << code);
        const auto status = home->json({"status"});
        const auto row = site_of(sites, code);
        CHECK(row["level"] == status["level"]);
        for (const auto* level : {"approaching", "met"}) {
            CHECK(row["levels"][level]["satisfied"] == status["levels"][level]["satisfied"]);
            CHECK(row["levels"][level]["total"] == status["levels"][level]["total"]);
            std::vector<std::string> ids;
            for (const auto& item : row["levels"][level]["missing"]) {
                ids.push_back(item["id"].get<std::string>());
                CHECK_FALSE(item["title"].get<std::string>().empty());
            }
            CHECK(nlohmann::json(ids) == status["levels"][level]["missing"]);
        }
        CHECK(row["conflicts"] == status["conflicts"]);
        CHECK_FALSE(row["last_sync"].is_null());
        CHECK(row["pending_changes"] == 0);
        CHECK(row["oldest_pending"].is_null());
        CHECK(row["last_publication"].is_null());
    }
    // The states differ, so the comparison above compared something.
    CHECK(site_of(sites, "VA001")["level"] == "approaching");
    CHECK(site_of(sites, "VA002")["level"] == "none");
    CHECK(site_of(sites, "VA002")["conflicts"] == 1);
    CHECK(site_of(sites, "VA001")["evidence_files"] == 1);
    CHECK(site_of(sites, "VA003")["evidence_files"] == 0);

    // The table a person reads.
    const auto table = acorn.hq.run({"sites"});
    INFO(table.out << table.err);
    REQUIRE(table.exit_code == 0);
    for (const auto* text : {"Acorn Homecare (AB1)", "Acorn Leeds", "Acorn York", "Acorn Hull",
                             "Approaching", "none yet", "LAST SYNC"}) {
        CHECK_THAT(table.out, Catch::Contains(text));
    }

    // A branch device sees its own row only.
    const auto own = acorn.york.json({"sites"});
    REQUIRE(own["sites"].size() == 1);
    CHECK(own["sites"][0]["site"] == "VA002");
}

TEST_CASE("an organisation-wide answer counts at every branch but one that answered no",
          "[integration][progress]") {
    AcornBranches acorn;
    acorn.three_states();

    // 1.3.1 was answered "yes" for the organisation; York said "no" for itself.
    const auto missing = acorn.hq.json({"sites", "--missing", "approaching"});
    CHECK(missing["sites"] == 3);
    const auto entry = missing_entry(missing, "1.3.1");
    REQUIRE_FALSE(entry.is_null());
    CHECK(entry["sites"] == nlohmann::json::array({"VA002"}));
    CHECK(entry["title"] == "Data protection and security policies");
    CHECK(missing_entry(missing, "1.3.3").is_null());  // answered for everyone, nobody said no
    // Most sites first: what blocks both York and Hull comes before what blocks York alone.
    std::size_t previous = 3;
    for (const auto& item : missing["items"]) {
        CHECK(item["sites_missing"].get<std::size_t>() <= previous);
        previous = item["sites_missing"].get<std::size_t>();
    }
    REQUIRE(missing["items"].size() > 0);
    CHECK(missing["items"][0]["sites_missing"] == 2);  // York and Hull; Leeds has everything

    // Each branch's own view agrees.
    CHECK(acorn.hull.json({"show", "1.3.1"})["answer"]["organisation_wide"] == true);
    const auto york_missing = acorn.york.json({"status"})["levels"]["approaching"]["missing"];
    const auto hull_missing = acorn.hull.json({"status"})["levels"]["approaching"]["missing"];
    const auto has = [](const nlohmann::json& ids, const std::string& id) {
        for (const auto& each : ids) {
            if (each == id) {
                return true;
            }
        }
        return false;
    };
    CHECK(has(york_missing, "1.3.1"));
    CHECK_FALSE(has(hull_missing, "1.3.1"));

    const auto text = acorn.hq.run({"sites", "--missing", "approaching"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("1 of 3: VA002"));
    CHECK_THAT(text.out, Catch::Contains("2 of 3: VA002 VA003"));
}

TEST_CASE("a branch offline for three days shows how old its unsynced changes are",
          "[integration][progress]") {
    AcornBranches acorn;
    succeeds(acorn.leeds, {"answer", "1.1.1", "ZA100200"});
    succeeds(acorn.leeds, {"sync"});
    const auto before = acorn.hq.json({"sites"});
    const auto synced_at = site_of(before, "VA001")["last_sync"];
    REQUIRE_FALSE(synced_at.is_null());
    CHECK(site_of(before, "VA002")["last_sync"].is_null());  // York never synced

    // Two evidence files added "three days ago" that never left the branch.
    for (const std::string item : {"1.3.1", "1.3.3"}) {
        succeeds(acorn.leeds, {"evidence", "add", item,
                               acorn.leeds.make_file(item + ".pdf", 200'000, item).string()});
    }
    {
        sqlite::Database store(acorn.leeds.store_file());
        sqlite::Statement age(store, "UPDATE evidence SET added_at = added_at - ?1");
        age.bind(1, 3 * kDayMs);
        age.execute();
    }
    // The branch tries to sync: its exchange, which reports them, gets
    // through, then the connection is lost for the rest: every connection is
    // cut once 50,000 bytes have gone up, within the first file's chunk.
    FaultProxy proxy(acorn.server.port());
    proxy.cut_after(50'000, true);
    std::string via_proxy = "http://127.0.0.1:";
    via_proxy += std::to_string(proxy.port());
    const auto cut = acorn.leeds.run({"sync", "--attempts", "1", "--server", via_proxy});
    INFO(cut.out << cut.err);
    CHECK(cut.exit_code == 4);
    CHECK_THAT(cut.err, Catch::Contains("cannot reach the server"));
    CHECK(acorn.leeds.json({"status"})["pending_changes"] == 2);

    const auto after = acorn.hq.json({"sites"});
    const auto leeds = site_of(after, "VA001");
    CHECK(leeds["pending_changes"] == 2);
    CHECK(leeds["pending_bytes"].get<std::uint64_t>() > 0);
    const auto age = leeds["oldest_pending_age_ms"].get<std::int64_t>();
    CHECK(age >= 3 * kDayMs);
    CHECK(age < 3 * kDayMs + 10 * 60'000);
    CHECK(leeds["last_sync"] == synced_at);  // the last sync that finished

    const auto table = acorn.hq.run({"sites"});
    INFO(table.out);
    CHECK_THAT(table.out, Catch::Contains("2, oldest 3 days"));
    CHECK_THAT(table.out, Catch::Contains("never"));  // York and Hull

    // Once the branch is back, nothing waits.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a later second
    succeeds(acorn.leeds, {"sync"});
    const auto back = site_of(acorn.hq.json({"sites"}), "VA001");
    CHECK(back["pending_changes"] == 0);
    CHECK(back["oldest_pending"].is_null());
    CHECK(back["last_sync"] != synced_at);
}

TEST_CASE("a partner sees its providers' progress and never what they wrote",
          "[integration][progress]") {
    AcornBranches acorn;
    acorn.three_states();
    ClientHome cedar;
    enrol(cedar, acorn.server, acorn.server.code({"--org", "CD2", "--site", "VC001"}),
          "Cedar House");
    succeeds(cedar, {"answer", "1.1.1", kCedarText});
    succeeds(cedar, {"sync"});
    ClientHome partner;
    enrol(partner, acorn.server, acorn.server.code({"--partner", "County Care Association"}),
          "Adviser");

    // Before any grant: nothing.
    CHECK(partner.json({"partner", "progress"})["organisations"].empty());
    succeeds(acorn.hq, {"grant", "--partner", "County Care Association"});

    const auto progress = partner.json({"partner", "progress"});
    REQUIRE(progress["organisations"].size() == 1);
    const auto& acorn_view = progress["organisations"][0];
    CHECK(acorn_view["organisation"] == "AB1");
    REQUIRE(acorn_view["sites"].size() == 3);
    // The same figures headquarters sees.
    const auto hq_view = acorn.hq.json({"sites"});
    for (const auto& site : acorn_view["sites"]) {
        const auto code = site["site"].get<std::string>();
        INFO("site " << code);
        const auto hq_row = site_of(hq_view, code);
        CHECK(site["level"] == hq_row["level"]);
        CHECK(site["levels"] == hq_row["levels"]);
        CHECK(site["conflicts"] == hq_row["conflicts"]);
        CHECK(site["last_sync"] == hq_row["last_sync"]);
    }
    const auto& york = site_of(acorn_view, "VA002");
    CHECK(york["levels"]["approaching"]["missing"][0].contains("title"));

    const auto text = partner.run({"partner", "progress"});
    INFO(text.out << text.err);
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("Acorn Homecare (AB1)"));
    CHECK_THAT(text.out, Catch::Contains("VA002 still needs for Approaching Standards"));
    CHECK_THAT(text.out, Catch::Contains("Data protection and security policies"));

    // Nothing anyone wrote, in any output or any answer of the server; and
    // nothing of Cedar House, which gave no grant.
    check_nothing_private(text.out + text.err);
    check_nothing_private(progress.dump());
    for (const auto* outsider : {"CD2", "VC001", "Cedar"}) {
        CHECK_THAT(text.out, !Catch::Contains(outsider));
        CHECK_THAT(progress.dump(), !Catch::Contains(outsider));
    }
    const RawApi raw(partner, acorn.server);
    const auto partner_body = raw.api->call("GET", "/v1/partner/progress?year=2025-26");
    const auto organisation_body = raw.api->call("GET", "/v1/orgs/AB1/progress?year=2025-26");
    check_nothing_private(partner_body);
    check_nothing_private(organisation_body);
    // The partner's dashboard in a browser, its CSV download and each site's
    // page of missing items: progress only, too.
    const auto opened = fetch(partner.json({"web-login"})["url"].get<std::string>());
    REQUIRE(opened.status == 303);
    const auto set_cookie = opened.header("set-cookie");
    const auto cookie = set_cookie.substr(0, set_cookie.find(';'));
    std::string web_outputs;
    for (const auto* path : {"/web/", "/web/progress.csv", "/web/site?code=VA001",
                             "/web/site?code=VA002", "/web/site?code=VA003"}) {
        const auto fetched = fetch(acorn.server.url() + path, "GET", {{"Cookie", cookie}});
        INFO(path);
        CHECK(fetched.status == 200);
        web_outputs += fetched.body;
    }
    CHECK_THAT(web_outputs, Catch::Contains("Mandatory items still missing"));
    CHECK_THAT(web_outputs, Catch::Contains("Acorn York"));
    check_nothing_private(web_outputs);
    CHECK(fetch(acorn.server.url() + "/web/site?code=VC001", "GET", {{"Cookie", cookie}}).status ==
          404);
    CHECK(partner_body.find("VA001") != std::string::npos);
    CHECK(partner_body.find("CD2") == std::string::npos);
    CHECK(error_of([&] { raw.api->call("GET", "/v1/orgs/CD2/progress?year=2025-26"); }) ==
          "forbidden");
    CHECK(error_of([&] { raw.api->call("GET", "/v1/partner/progress?year=1999-00"); }) ==
          "invalid_argument");

    // A partner's device has no sites of its own; an organisation's device is no partner.
    const auto sites = partner.run({"sites"});
    CHECK(sites.exit_code == 2);
    CHECK_THAT(sites.err, Catch::Contains("partner progress"));
    const auto not_partner = acorn.hq.run({"partner", "progress"});
    CHECK(not_partner.exit_code == 2);
    CHECK_THAT(not_partner.err, Catch::Contains("only a support partner's device"));

    // The grant revoked: the very next request shows nothing of Acorn.
    succeeds(acorn.hq, {"grant", "--revoke", "County Care Association"});
    const auto revoked = partner.json({"partner", "progress"});
    CHECK(revoked["organisations"].empty());
    const auto revoked_text = partner.run({"partner", "progress"});
    CHECK(revoked_text.exit_code == 0);
    CHECK_THAT(revoked_text.out, Catch::Contains("No organisation has given"));
    CHECK_THAT(revoked_text.out, !Catch::Contains("AB1"));
    CHECK(error_of([&] { raw.api->call("GET", "/v1/orgs/AB1/progress?year=2025-26"); }) ==
          "forbidden");
    CHECK(raw.api->call("GET", "/v1/partner/progress?year=2025-26").find("AB1") ==
          std::string::npos);
}

TEST_CASE("a partner of one organisation sees nothing of another", "[integration][progress]") {
    ServerProcess server;
    server.register_demo();
    ClientHome cedar;
    enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    succeeds(cedar, {"answer", "1.1.1", kCedarText});
    succeeds(cedar, {"sync"});
    ClientHome acorn_hq;
    enrol(acorn_hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    succeeds(acorn_hq, {"sync"});
    ClientHome partner;
    enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");
    succeeds(cedar, {"grant", "--partner", "County Care Association"});

    const auto progress = partner.json({"partner", "progress"});
    REQUIRE(progress["organisations"].size() == 1);
    CHECK(progress["organisations"][0]["organisation"] == "CD2");
    CHECK(progress["organisations"][0]["sites"][0]["site"] == "VC001");
    const auto text = partner.run({"partner", "progress"});
    for (const auto* outsider : {"AB1", "VA001", "VA002", "Acorn"}) {
        CHECK_THAT(text.out, !Catch::Contains(outsider));
        CHECK_THAT(progress.dump(), !Catch::Contains(outsider));
    }
    check_nothing_private(text.out + progress.dump());
    const RawApi raw(partner, server);
    CHECK(error_of([&] { raw.api->call("GET", "/v1/orgs/AB1/progress?year=2025-26"); }) ==
          "forbidden");
    // Acorn's own devices see nothing of Cedar House either.
    const RawApi acorn_raw(acorn_hq, server);
    CHECK(error_of([&] { acorn_raw.api->call("GET", "/v1/orgs/CD2/progress?year=2025-26"); }) ==
          "forbidden");
}
