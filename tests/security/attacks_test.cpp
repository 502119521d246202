// Attacks on the real server and client on 127.0.0.1, as someone who holds a
// device, a code or a file would try them. Each case is a hole once found and
// closed; it must stay closed.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "common/files.hpp"
#include "protocol/publish_messages.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/raw_api.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

std::string hq_invite(const ClientHome& hq) {
    const auto invited = hq.json({"invite", "--hq"});
    return invited["code"].get<std::string>();
}

std::string device_id_of(const ClientHome& home) {
    return home.json({"whoami"})["device_id"].get<std::string>();
}

}  // namespace

TEST_CASE("an invitation dies with the device that made it", "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    ClientHome hq;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    REQUIRE(hq.run({"answer", "1.1.1", "ZA555555"}).exit_code == 0);
    REQUIRE(hq.run({"sync"}).exit_code == 0);

    // The headquarters device hands out a code, then is revoked (lost, stolen, or
    // its holder left).
    const auto code = hq_invite(hq);
    const auto listed = hq.json({"invites"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["role"] == "headquarters");
    CHECK(code.starts_with(listed[0]["id"].get<std::string>() + "-"));
    const auto admin_view = server.admin({"list-codes", "--org", "AB1"});
    CHECK_THAT(admin_view.out, Catch::Contains(listed[0]["id"].get<std::string>()));
    CHECK_THAT(admin_view.out, Catch::Contains("made by device " + device_id_of(hq)));
    CHECK(admin_view.out.find(code) == std::string::npos);  // never the secret

    REQUIRE(server.admin({"revoke-device", device_id_of(hq)}).exit_code == 0);

    // The code no longer enrols anyone, and so reads nothing.
    ClientHome intruder;
    REQUIRE(intruder.run({"init", "--name", "Not Acorn"}).exit_code == 0);
    const auto refused = intruder.run({"enrol", "--server", server.url(), "--code", code});
    CHECK(refused.exit_code != 0);
    CHECK_THAT(refused.err, Catch::Contains("cancelled"));
    CHECK(intruder.run({"whoami"}).exit_code != 0);
    const auto waiting = server.admin({"list-codes", "--json"});
    CHECK(nlohmann::json::parse(waiting.out).empty());
}

TEST_CASE("a device cancels its own unused invitations and no one else's",
          "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    ClientHome hq;
    ClientHome leeds;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    enrol(leeds, server, hq.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
          "Acorn Leeds");

    const auto lost = hq.json({"invite", "--site", "VA002"})["code"].get<std::string>();
    const auto kept = hq.json({"invite", "--site", "VA002"})["code"].get<std::string>();
    const auto lost_id = lost.substr(0, lost.find('-'));
    CHECK(hq.json({"invites"}).size() == 2);
    CHECK(leeds.json({"invites"}).empty());  // the code leeds was enrolled with is used

    // Leeds cannot cancel headquarters' code: to it, the code does not exist.
    const auto foreign = leeds.run({"invites", "--cancel", lost_id});
    CHECK(foreign.exit_code != 0);
    CHECK_THAT(foreign.err, Catch::Contains("no enrolment code"));

    const auto cancelled = hq.run({"invites", "--cancel", lost});  // the whole code, pasted
    INFO(cancelled.err);
    CHECK(cancelled.exit_code == 0);
    CHECK_THAT(cancelled.out, Catch::Contains("Cancelled code " + lost_id));
    const auto left = hq.json({"invites"});
    REQUIRE(left.size() == 1);
    CHECK(kept.starts_with(left[0]["id"].get<std::string>()));

    ClientHome york;
    REQUIRE(york.run({"init", "--name", "Acorn York"}).exit_code == 0);
    const auto with_lost = york.run({"enrol", "--server", server.url(), "--code", lost});
    CHECK(with_lost.exit_code != 0);
    CHECK_THAT(with_lost.err, Catch::Contains("cancelled"));
    // The operator cancels the other one.
    const auto kept_id = kept.substr(0, kept.find('-'));
    const auto by_operator = server.admin({"revoke-code", kept_id});
    INFO(by_operator.err);
    CHECK(by_operator.exit_code == 0);
    CHECK(york.run({"enrol", "--server", server.url(), "--code", kept}).exit_code != 0);
    CHECK(server.admin({"revoke-code", kept_id}).exit_code != 0);  // already cancelled
    CHECK(hq.json({"invites"}).empty());
}

TEST_CASE("a file name with CR LF never reaches a header, from either end",
          "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    ClientHome leeds;
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    const auto file = leeds.make_file("plain.pdf", 1000, "PDF");
    const auto injected = file.parent_path() / "a\r\nSet-Cookie: evil=1\r\nx.pdf";
    std::filesystem::rename(file, injected);
    const auto added = leeds.run({"evidence", "add", "1.1.2", injected.string()});
    CHECK(added.exit_code != 0);
    CHECK_THAT(added.err, Catch::Contains("control character"));
    CHECK(leeds.json({"evidence", "list"}).empty());
}

TEST_CASE("answers and keys never cross a network in plain http unless the user says so",
          "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    const auto code = server.code({"--org", "AB1", "--site", "VA001"});
    ClientHome leeds;
    REQUIRE(leeds.run({"init", "--name", "Acorn Leeds"}).exit_code == 0);

    // 192.0.2.1 (TEST-NET-1) stands for any other computer: the refusal comes
    // before anything is sent, so the code stays unused and the store unenrolled.
    const std::string elsewhere = "http://192.0.2.1:8080";
    const auto refused = leeds.run({"enrol", "--server", elsewhere, "--code", code});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("unencrypted"));
    CHECK_THAT(refused.err, Catch::Contains("https://"));
    CHECK_THAT(refused.err, Catch::Contains("--insecure-http"));
    CHECK(leeds.run({"whoami"}).exit_code != 0);
    // Said so: the request goes out (and here finds nobody within a second).
    const auto trusted = leeds.run(
        {"enrol", "--server", elsewhere, "--code", code, "--insecure-http", "--timeout", "1"});
    CHECK(trusted.exit_code != 0);
    CHECK(trusted.err.find("unencrypted") == std::string::npos);

    // This computer by name: plain http is fine, and the code still works.
    const auto local = "http://localhost:" + std::to_string(server.port());
    const auto enrolled = leeds.run({"enrol", "--server", local, "--code", code});
    INFO(enrolled.err);
    REQUIRE(enrolled.exit_code == 0);
    REQUIRE(leeds.run({"answer", "1.1.1", "ZA555555"}).exit_code == 0);

    // A run that sends to another address meets the same rule, and sends nothing.
    const auto moved = leeds.run({"sync", "--server", elsewhere});
    CHECK(moved.exit_code == 2);
    CHECK_THAT(moved.err, Catch::Contains("unencrypted"));
    CHECK(leeds.json({"status"})["pending_changes"] == 1);
    CHECK(leeds.run({"sync"}).exit_code == 0);
    CHECK(leeds.json({"status"})["pending_changes"] == 0);
}

TEST_CASE("behind a TLS proxy the session cookie is Secure once the public address is set",
          "[integration][security]") {
    // The proxy speaks https to browsers and plain HTTP to the server: only the
    // operator's public_url tells the server, which marks its cookie Secure so a
    // browser never sends the session over plain HTTP.
    TempDir dir;
    const auto config = dir.path() / "dspt-server.conf";
    write_file_atomic(config, "# the proxy's address\npublic_url = https://dspt.example.org/\n");
    ServerProcess server({"--config", config.string()});
    server.register_demo();
    ClientHome hq;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    const auto opened = fetch(hq.json({"web-login"})["url"].get<std::string>());
    REQUIRE(opened.status == 303);
    const auto cookie = opened.header("set-cookie");
    CHECK_THAT(cookie, Catch::StartsWith("dspt_session="));
    CHECK_THAT(cookie, Catch::Contains("; Secure"));
    CHECK(opened.header("location") == "https://dspt.example.org/web/");

    // Only an https address says browsers arrive encrypted.
    for (const auto* wrong : {"http://dspt.example.org", "https://dspt.example.org/dspt",
                              "dspt.example.org", "https://"}) {
        INFO(wrong);
        const auto refused =
            run_process(DSPT_SERVER_BIN, {"serve", "--data", dir.file("data").string(), "--listen",
                                          "127.0.0.1:0", "--public-url", wrong});
        CHECK(refused.exit_code == 2);
        CHECK_THAT(refused.err, Catch::Contains("--public-url"));
    }
}

TEST_CASE("a branch's grant shows a partner its own site, never a sister site's",
          "[integration][security]") {
    // Elm Care has two sites and no headquarters: each branch device manages the
    // organisation's grants, but sees only its own site.
    ServerProcess server;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"create-org", "--ods", "EF3", "--name", "Elm Care"},
             {"add-site", "--org", "EF3", "--ods", "VE001", "--cqc", "1-300000001", "--name",
              "Elm North"},
             {"add-site", "--org", "EF3", "--ods", "VE002", "--cqc", "1-300000002", "--name",
              "Elm South"},
             {"create-partner", "--name", "County Care Association"}}) {
        REQUIRE(server.admin(args).exit_code == 0);
    }
    ClientHome north;
    ClientHome south;
    ClientHome partner;
    enrol(north, server, server.code({"--org", "EF3", "--site", "VE001"}), "Elm North");
    enrol(south, server, server.code({"--org", "EF3", "--site", "VE002"}), "Elm South");
    enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");
    REQUIRE(south.run({"answer", "1.1.1", "ZA777777"}).exit_code == 0);
    REQUIRE(south.run({"sync"}).exit_code == 0);
    // North cannot read South's progress itself.
    const RawApi north_api(north, server);
    CHECK(error_of([&] { north_api.api->call("GET", "/v1/sites/VE002"); }) == "forbidden");

    const auto granted = north.run({"grant", "--partner", "County Care Association"});
    INFO(granted.err);
    REQUIRE(granted.exit_code == 0);

    // The partner sees North, and nothing of South, however it asks.
    const auto progress = partner.json({"partner", "progress"});
    REQUIRE(progress["organisations"].size() == 1);
    const auto& sites = progress["organisations"][0]["sites"];
    REQUIRE(sites.size() == 1);
    CHECK(sites[0]["site"] == "VE001");
    const RawApi raw(partner, server);
    const auto through_organisation = raw.api->call("GET", "/v1/orgs/EF3/progress?year=2025-26");
    CHECK(through_organisation.find("VE001") != std::string::npos);
    CHECK(through_organisation.find("Elm South") == std::string::npos);
    CHECK(raw.api->call("GET", "/v1/partner/progress?year=2025-26").find("Elm South") ==
          std::string::npos);
    CHECK(error_of([&] { raw.api->call("GET", "/v1/sites/VE002"); }) == "forbidden");
    CHECK(error_of([&] { raw.api->call("GET", "/v1/sites/VE001"); }) == "none");

    // South neither takes North's grant over nor ends it.
    const auto taken =
        south.run({"grant", "--partner", "County Care Association", "--until", "2099-12-31"});
    CHECK(taken.exit_code == 2);
    CHECK_THAT(taken.err, Catch::Contains("another site"));
    CHECK(south.run({"grant", "--revoke", "County Care Association"}).exit_code == 2);
    CHECK(partner.json({"partner", "progress"})["organisations"][0]["sites"][0]["site"] == "VE001");
    // North ends its own.
    CHECK(north.run({"grant", "--revoke", "County Care Association"}).exit_code == 0);
    CHECK(partner.json({"partner", "progress"})["organisations"].empty());
}

TEST_CASE("a publish request counts only the publishing device's own replica",
          "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    ClientHome cedar;
    ClientHome leeds;
    enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    REQUIRE(cedar.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(cedar.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    REQUIRE(cedar.run({"sync"}).exit_code == 0);
    const auto cedar_replica =
        client::LocalStore::open(cedar.store_file(), ClientHome::kPassphrase)->info().replica_id;

    // Leeds, another organisation's device, publishes naming a replica it does
    // not write as, and says the store has written a million changes.
    const RawApi raw(leeds, server);
    const auto problems_with = [&](const std::string& replica_id, std::int64_t last_seq) {
        protocol::PublishRequest request;
        request.request_id = "attack-" + replica_id + "-" + std::to_string(last_seq);
        request.year = "2025-26";
        request.level = "approaching";
        request.replica_id = replica_id;
        request.last_seq = last_seq;
        const auto response = raw.api->publish(request);
        CHECK_FALSE(response.published);
        std::vector<std::string> messages;
        for (const auto& problem : response.problems) {
            messages.push_back(problem.message);
        }
        return messages;
    };
    const auto foreign = problems_with(cedar_replica, 1'000'000);
    const auto unknown = problems_with("00000000-0000-4000-8000-000000000000", 1'000'000);
    const auto empty = problems_with("", 1'000'000);
    // The count is the request's own: nothing of Cedar's two changes shows.
    const std::string untouched = "has not received 1000000 change(s)";
    CHECK(std::count_if(foreign.begin(), foreign.end(), [&](const std::string& message) {
              return message.find(untouched) != std::string::npos;
          }) == 1);
    CHECK(foreign == unknown);
    // No replica named does not skip the rule.
    CHECK(empty == unknown);
}
