// Standards years with the real server and real devices: one device of a site
// starts the next year while another still works on the last, reviews travel
// between them, last year's registers on the server stay as they were; and
// the organisation profile that headquarters sets reaches its branches.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// A device of `year` enrolled with `code`.
void enrol_in_year(const ClientHome& home, const ServerProcess& server, const std::string& code,
                   const std::string& year) {
    home.init(year);
    const auto result = home.run({"enrol", "--server", server.url(), "--code", code});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

void run_ok(const ClientHome& home, const std::vector<std::string>& args) {
    const auto result = home.run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

nlohmann::json show(const ClientHome& home, const std::string& item) {
    return home.json({"show", item});
}

std::string value_of(const ClientHome& home, const std::string& item) {
    const auto answer = show(home, item)["answer"];
    return answer.is_null() ? std::string("(none)") : answer["value"].get<std::string>();
}

}  // namespace

TEST_CASE("a site's devices move to a new standards year one by one",
          "[integration][client_year]") {
    ServerProcess server;
    server.register_demo();
    ClientHome first;
    ClientHome second;
    enrol_in_year(first, server, server.code({"--org", "CD2", "--site", "VC001"}), "2024-25");
    const auto invite = first.json({"invite", "--site", "VC001"});
    enrol_in_year(second, server, invite["code"].get<std::string>(), "2024-25");

    // 2024-25, synced on both devices.
    run_ok(first, {"answer", "1.1.1", "ZA111111"});
    run_ok(first, {"answer", "2.1.1", "yes"});
    run_ok(first, {"answer", "1.1.6", "yes"});
    run_ok(first, {"evidence", "add", "1.1.2", first.make_file("ropa.pdf", 3000).string()});
    run_ok(first, {"plan", "set", "3.2.1", "--action", "Book training", "--owner", "Manager",
                   "--due", "2025-03-31"});
    first.json({"sync"});
    CHECK(second.json({"sync"})["files_downloaded"] == 1);
    REQUIRE(value_of(second, "2.1.1") == "yes");

    // The first device starts 2025-26: everything carried waits to be reviewed.
    const auto started = first.json({"year", "start", "2025-26"});
    CHECK(started["from"] == "2024-25");
    CHECK(started["answers_to_review"] == 3);
    CHECK(started["evidence_to_review"] == 1);
    CHECK(started["new_items"] ==
          nlohmann::json::array({"4.3.1", "7.1.1", "7.1.5", "7.1.6", "8.3.8"}));
    auto status = first.json({"status"});
    CHECK(status["year"] == "2025-26");
    CHECK(status["to_review"] == 4);
    CHECK(status["levels"]["approaching"]["satisfied"] == 0);
    CHECK(show(first, "1.1.1")["state"] == "to review");
    CHECK(show(first, "1.1.2")["evidence"][0]["to_review"] == true);
    CHECK(show(first, "3.2.1")["plan"].is_null());

    // It reviews three items, changing one, answers a new item and syncs: the
    // carried file's chunks are on the server already, only its record goes.
    run_ok(first, {"review", "1.1.1"});
    run_ok(first, {"answer", "2.1.1", "no"});
    run_ok(first, {"review", "1.1.2"});
    run_ok(first, {"answer", "4.3.1", "yes"});
    CHECK(first.run({"review", "4.3.1"}).exit_code == 2);  // nothing carried to review
    status = first.json({"status"});
    CHECK(status["to_review"] == 1);
    const auto first_sync = first.json({"sync"});
    CHECK(first_sync["pushed"] == 4);
    CHECK(first_sync["files_uploaded"] == 1);
    CHECK(first_sync["chunks_uploaded"] == 0);

    // The second device, still on 2024-25, receives none of it.
    CHECK(second.json({"sync"})["pulled"] == 0);
    CHECK(second.json({"status"})["year"] == "2024-25");
    CHECK(value_of(second, "2.1.1") == "yes");
    CHECK(value_of(second, "1.1.1") == "ZA111111");
    CHECK(second.json({"show", "3.2.1"})["plan"]["action"] == "Book training");

    // Once it starts 2025-26 too, what the first device reviewed arrives
    // reviewed, with its values; its own copy of the file is not fetched again.
    second.json({"year", "start", "2025-26"});
    CHECK(second.json({"status"})["to_review"] == 4);
    const auto second_sync = second.json({"sync"});
    CHECK(second_sync["pulled"] == 4);
    CHECK(second_sync["chunks_downloaded"] == 0);
    CHECK(show(second, "1.1.1")["to_review"] == false);
    CHECK(value_of(second, "1.1.1") == "ZA111111");
    CHECK(value_of(second, "2.1.1") == "no");
    CHECK(value_of(second, "4.3.1") == "yes");
    const auto document = show(second, "1.1.2");
    CHECK(document["to_review"] == false);
    REQUIRE(document["evidence"].size() == 1);
    CHECK(document["evidence"][0]["to_review"] == false);
    CHECK(show(second, "1.1.6")["to_review"] == true);
    CHECK(second.json({"status"})["to_review"] == 1);
    const auto evidence_id = document["evidence"][0]["id"].get<std::string>();
    const auto out = second.home() / "ropa-out.pdf";
    run_ok(second, {"evidence", "get", evidence_id, out.string()});
    CHECK(same_content(out, first.home() / "ropa.pdf"));
    CHECK(first.json({"sync"})["open_conflicts"] == 0);

    // Last year on the server is as it was: a new device of 2024-25 gets it all.
    ClientHome third;
    const auto third_invite = first.json({"invite", "--site", "VC001"});
    enrol_in_year(third, server, third_invite["code"].get<std::string>(), "2024-25");
    third.json({"sync"});
    CHECK(value_of(third, "1.1.1") == "ZA111111");
    CHECK(value_of(third, "2.1.1") == "yes");
    CHECK(third.json({"show", "3.2.1"})["plan"]["action"] == "Book training");
    CHECK(third.json({"show", "1.1.2"})["evidence"].size() == 1);
    CHECK(third.run({"show", "4.3.1"}).exit_code == 2);  // not an item of 2024-25

    // And the first device's finished year is kept beside it, read-only.
    const auto archive = first.home() / "years" / "2024-25";
    CHECK(ClientHome::json_at(archive, {"show", "2.1.1"})["answer"]["value"] == "yes");
    CHECK(ClientHome::json_at(archive, {"status"})["year"] == "2024-25");
    const auto exported =
        ClientHome::run_at(archive, {"export", (first.home() / "2024-25.csv").string()});
    INFO(exported.err);
    CHECK(exported.exit_code == 0);
    const auto changed = ClientHome::run_at(archive, {"answer", "2.1.1", "yes"});
    CHECK(changed.exit_code == 2);
    CHECK_THAT(changed.err, Catch::Contains("kept copy"));
    CHECK(ClientHome::run_at(archive, {"sync"}).exit_code == 2);
}

TEST_CASE("a year start waits for unsent changes and refuses a year that is not newer",
          "[integration][client_year]") {
    ServerProcess server;
    server.register_demo();
    ClientHome device;
    enrol_in_year(device, server, server.code({"--org", "CD2", "--site", "VC001"}), "2024-25");
    run_ok(device, {"answer", "1.1.1", "ZA1"});
    const auto waiting = device.run({"year", "start", "2025-26"});
    CHECK(waiting.exit_code == 2);
    CHECK_THAT(waiting.err,
               Catch::Contains("1 change of 2024-25 waits to sync: run dspt sync first"));
    CHECK(device.json({"status"})["year"] == "2024-25");
    CHECK(device.run({"year", "start", "2023-24"}).exit_code == 2);
    CHECK(device.run({"year", "start", "2031-32"}).exit_code == 2);  // not bundled
    device.json({"sync"});
    const auto started = device.run({"year", "start", "2025-26"});
    INFO(started.err);
    CHECK(started.exit_code == 0);
    CHECK_THAT(started.out, Catch::Contains("to review: 1 answer(s)"));
    CHECK_THAT(started.out, Catch::Contains("4.3.1"));
    CHECK_THAT(started.out, Catch::Contains("years/2024-25"));
}

TEST_CASE("a store made from an imported pack needs the next year's pack",
          "[integration][client_year]") {
    const std::filesystem::path packs =
        std::filesystem::path(DSPT_SOURCE_DIR) / "common" / "standards" / "packs";
    ClientHome home;
    run_ok(home, {"init", "--pack", (packs / "2024-25.json").string()});
    run_ok(home, {"answer", "1.1.1", "ZA1"});
    const auto refused = home.run({"year", "start", "2025-26"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("--pack FILE"));
    const auto wrong =
        home.run({"year", "start", "2025-26", "--pack", (packs / "2024-25.json").string()});
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("not 2025-26"));
    const auto started =
        home.json({"year", "start", "2025-26", "--pack", (packs / "2025-26.json").string()});
    CHECK(started["answers_to_review"] == 1);
    CHECK(home.json({"status"})["year"] == "2025-26");
    CHECK(home.json({"show", "1.1.1"})["to_review"] == true);
    CHECK(home.json({"show", "7.1.1"})["answer"].is_null());
}

TEST_CASE("the organisation profile set by headquarters reaches its branches",
          "[integration][client_year]") {
    ServerProcess server;
    server.register_demo();
    ClientHome hq;
    ClientHome branch;
    enrol_in_year(hq, server, server.code({"--org", "AB1"}), "2025-26");
    // The branch still works on last year: the profile is the same every year.
    enrol_in_year(branch, server, server.code({"--org", "AB1", "--site", "VA001"}), "2024-25");

    run_ok(hq, {"profile", "--ce-plus-until", "2099-09-30", "--security-lead", "Asha Patel"});
    const auto set = hq.json({"profile"});
    CHECK(set["cyber_essentials_plus_expires"] == "2099-09-30");
    CHECK(set["security_lead"] == "Asha Patel");
    CHECK(hq.json({"sync"})["pushed"] == 2);

    CHECK(branch.json({"profile"})["security_lead"].is_null());
    CHECK(branch.json({"sync"})["pulled"] == 2);
    const auto received = branch.json({"profile"});
    CHECK(received["cyber_essentials_plus_expires"] == "2099-09-30");
    CHECK(received["security_lead"] == "Asha Patel");
    CHECK(branch.json({"status"})["cyber_essentials_plus"]["current"] == true);

    const auto refused = branch.run({"profile", "--security-lead", "Someone Else"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("the organisation profile is set by headquarters"));
    CHECK(branch.run({"profile", "--no-ce-plus"}).exit_code == 2);
    CHECK(branch.json({"profile"})["security_lead"] == "Asha Patel");

    // Headquarters removes the certificate; the branch follows.
    run_ok(hq, {"profile", "--no-ce-plus"});
    hq.json({"sync"});
    branch.json({"sync"});
    CHECK(branch.json({"profile"})["cyber_essentials_plus_expires"].is_null());
    CHECK(branch.json({"status"})["cyber_essentials_plus"]["current"] == false);
}
