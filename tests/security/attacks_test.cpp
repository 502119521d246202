// Attacks on the real server and client on 127.0.0.1, as someone who holds a
// device, a code or a file would try them. Each case is a hole once found and
// closed; it must stay closed.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "client/sync/transport.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/files.hpp"
#include "protocol/publish_messages.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/raw_api.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/loopback_http.hpp"

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

// Acorn Homecare: headquarters enrolled with the operator's code, so holding the
// organisation key, and a Leeds branch device it invited, which so holds it too.
struct InvitedBranch {
    ServerProcess server;
    ClientHome hq;
    ClientHome leeds;

    explicit InvitedBranch(std::vector<std::string> server_args = {})
        : server(std::move(server_args)) {
        server.register_demo();
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(leeds, server, hq.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
              "Acorn Leeds");
    }
};

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
    InvitedBranch acorn;
    auto& [server, hq, leeds] = acorn;

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

TEST_CASE("a flood of connections from one address leaves room for every other client",
          "[integration][security]") {
    // 400 connections from one address that say nothing, against a server that
    // takes 300 in all: the address gets its share (256 by default), not all.
    ServerProcess server({"--max-connections", "300"});
    std::vector<std::unique_ptr<LoopbackConnection>> flood;
    for (int i = 0; i < 400; ++i) {
        flood.push_back(std::make_unique<LoopbackConnection>(server.port(), "127.0.0.2"));
    }

    // Another client is served during the flood, and a device's own commands work.
    const auto transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
    CHECK(transport->send({"GET", "/healthz", {}, {}, {}}).status == 200);
    server.register_demo();
    ClientHome home;
    enrol(home, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    CHECK(home.run({"sync"}).exit_code == 0);
    const auto metrics = transport->send({"GET", "/metrics", {}, {}, {}}).body;
    CHECK_THAT(metrics, Catch::Contains("dspt_http_connections_refused_total 144\n"));
}

TEST_CASE("strangers asking for certificates again and again are slowed, and others still served",
          "[integration][security]") {
    ServerProcess server({"--public-rate", "2", "--public-burst", "10"});
    const auto year = publish_acorn_met(server, {"VA001"}, "security-publication-1").year;
    const auto target = "/certificates/AB1/" + year + ".png";

    // Eight clients behind one address ask 10 times each, at once.
    std::vector<std::future<std::vector<LoopbackResponse>>> askers;
    for (int i = 0; i < 8; ++i) {
        askers.push_back(std::async(std::launch::async, [&] {
            std::vector<LoopbackResponse> answers;
            for (int n = 0; n < 10; ++n) {
                LoopbackConnection connection(server.port(), "127.0.0.2");
                connection.send("GET", target, {});
                answers.push_back(connection.read(std::chrono::seconds(10)));
            }
            return answers;
        }));
    }
    // Meanwhile the server answers its health check and another address.
    const auto transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
    CHECK(transport->send({"GET", "/healthz", {}, {}, {}}).status == 200);
    const auto mine = http_exchange(server.port(), "GET", target, {});
    REQUIRE(mine.status == 200);
    const auto png = mine.body;
    CHECK(png.starts_with("\x89PNG"));

    std::size_t served = 0;
    std::size_t slowed = 0;
    for (auto& asker : askers) {
        for (const auto& answer : asker.get()) {
            INFO(answer.head);
            CHECK((answer.status == 200 || answer.status == 429 || answer.status == 503));
            if (answer.status == 200) {
                ++served;
                CHECK(answer.body == png);
            } else if (answer.status == 429) {
                ++slowed;
                CHECK_FALSE(answer.header("Retry-After").empty());
            }
        }
    }
    CHECK(served >= 1);
    CHECK(served < 80);
    CHECK(slowed >= 1);
    CHECK(transport->send({"GET", "/healthz", {}, {}, {}}).status == 200);
}

TEST_CASE("the server's store holds neither an evidence file's name nor its content hash",
          "[integration][security]") {
    InvitedBranch acorn;
    auto& [server, hq, leeds] = acorn;
    const auto file = leeds.make_file("DBS_JohnSmith.pdf", 3000, "CONTENT-OF-THE-DBS-CHECK");
    REQUIRE(leeds.run({"evidence", "add", "1.1.3", file.string()}).exit_code == 0);
    const auto synced = leeds.run({"sync"});
    INFO(synced.err);
    REQUIRE(synced.exit_code == 0);
    const auto content = slurp(file);
    const auto hash = crypto::to_hex(crypto::blake2b(crypto::as_byte_view(content)));

    // Headquarters reads the name, as every device of the organisation does.
    REQUIRE(hq.run({"sync"}).exit_code == 0);
    const auto listed = hq.json({"--site", "VA001", "evidence", "list"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["name"] == "DBS_JohnSmith.pdf");

    // Whoever holds the server's files reads neither.
    server.stop();
    for (const auto& entry : std::filesystem::directory_iterator(server.data())) {
        const auto bytes = slurp(entry.path());
        INFO(entry.path().string());
        CHECK(bytes.find("JohnSmith") == std::string::npos);
        CHECK(bytes.find("CONTENT-OF-THE-DBS-CHECK") == std::string::npos);
        CHECK(bytes.find(hash) == std::string::npos);
    }
}

TEST_CASE(
    "an organisation's evidence stops at its quota without holding back its answers, and "
    "what no record names is collected",
    "[integration][security]") {
    InvitedBranch acorn({"--storage-quota", "2"});  // MiB
    auto& [server, hq, leeds] = acorn;
    REQUIRE(leeds.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    const auto big = leeds.make_file("training-records.pdf", 3 * 1024 * 1024);
    REQUIRE(leeds.run({"evidence", "add", "1.1.3", big.string()}).exit_code == 0);

    // The first chunk fits, the second does not: the sync says so, and the
    // answer went all the same.
    const auto full = leeds.run({"sync"});
    CHECK(full.exit_code != 0);
    CHECK_THAT(full.err, Catch::Contains("storage on the server is full") &&
                             Catch::Contains("Everything else was synced"));
    REQUIRE(hq.run({"sync"}).exit_code == 0);
    CHECK(hq.json({"--site", "VA001", "show", "1.1.1"})["answer"]["value"] == "ZA123456");
    const auto waiting = leeds.json({"evidence", "list"});
    REQUIRE(waiting.size() == 1);
    CHECK(waiting[0]["sync"] == "to upload");

    const auto held = nlohmann::json::parse(server.admin({"storage", "--json"}).out);
    REQUIRE(held.size() == 1);
    CHECK(held[0]["organisation"] == "AB1");
    CHECK(held[0]["files"] == 1);
    CHECK(held[0]["bytes"].get<std::uint64_t>() > 1024 * 1024);

    // The upload never finished, so no record names it: collected once its grace is over.
    const auto kept = nlohmann::json::parse(server.admin({"collect-evidence", "--json"}).out);
    CHECK(kept["files"] == 0);
    const auto collected = nlohmann::json::parse(
        server.admin({"collect-evidence", "--grace-hours", "0", "--json"}).out);
    CHECK(collected["files"] == 1);
    CHECK(nlohmann::json::parse(server.admin({"storage", "--json"}).out).empty());

    // A file that fits goes; removed on the devices, its chunks go too.
    REQUIRE(leeds.run({"evidence", "remove", waiting[0]["id"].get<std::string>()}).exit_code == 0);
    const auto small = leeds.make_file("policy.pdf", 10'000);
    REQUIRE(leeds.run({"evidence", "add", "1.1.3", small.string()}).exit_code == 0);
    REQUIRE(leeds.run({"sync"}).exit_code == 0);
    const auto stored = leeds.json({"evidence", "list"});
    REQUIRE(stored.size() == 1);
    CHECK(server.admin({"collect-evidence", "--grace-hours", "0"}).exit_code == 0);
    CHECK(nlohmann::json::parse(server.admin({"storage", "--json"}).out)[0]["files"] == 1);
    REQUIRE(leeds.run({"evidence", "remove", stored[0]["id"].get<std::string>()}).exit_code == 0);
    REQUIRE(leeds.run({"sync"}).exit_code == 0);
    const auto removed = nlohmann::json::parse(
        server.admin({"collect-evidence", "--grace-hours", "0", "--json"}).out);
    CHECK(removed["files"] == 1);
    CHECK(nlohmann::json::parse(server.admin({"storage", "--json"}).out).empty());
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
