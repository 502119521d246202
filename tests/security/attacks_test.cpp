// Attacks on the real server and client on 127.0.0.1, as someone who holds a
// device, a code or a file would try them. Each case is a hole once found and
// closed; it must stay closed.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/transport.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/files.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "protocol/codec.hpp"
#include "protocol/enrolment_code.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/sync_messages.hpp"
#include "protocol/version.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/raw_api.hpp"
#include "tests/integration/raw_client.hpp"
#include "tests/integration/raw_session.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/loopback_http.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// A code from `hq` for another headquarters device, or for a branch device of `site`.
std::string hq_invite(const ClientHome& hq, const std::string& site = {}) {
    const auto invited = hq.json(site.empty() ? std::vector<std::string>{"invite", "--hq"}
                                              : std::vector<std::string>{"invite", "--site", site});
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

std::string little_endian(std::uint64_t value, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
    return out;
}

// A PushRequest envelope declaring `count` entries, followed by `entries`.
std::string push_declaring(std::uint64_t count, const std::string& entries) {
    const std::string payload =
        std::string(1, '\x01') + little_endian(1, 4) + little_endian(count, 8) + entries;
    std::string out = "DSPT";
    for (const std::uint32_t value :
         {std::uint32_t{protocol::kProtocolVersion}, std::uint32_t{0x0401}}) {
        out.push_back(static_cast<char>(value >> 8));
        out.push_back(static_cast<char>(value & 0xFF));
    }
    const auto size = static_cast<std::uint32_t>(payload.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
    return out + payload;
}

// An unsigned POST /v1/enrol with `code` and the given public keys.
client::HttpResponse enrol_raw(const ServerProcess& server, const std::string& code_text,
                               const crypto::Bytes& signing_public_key,
                               const crypto::Bytes& box_public_key) {
    const auto code = protocol::EnrolmentCode::parse(code_text);
    protocol::EnrolRequest request;
    request.token_id = code.token_id();
    request.auth_key = protocol::auth_key(code.secret());
    request.signing_public_key = signing_public_key;
    request.box_public_key = box_public_key;
    request.device_name = "Copied keys";
    client::HttpRequest http;
    http.method = "POST";
    http.target = "/v1/enrol";
    http.body = protocol::encode(request);
    return client::make_http_transport(client::ServerUrl::parse(server.url()), {})->send(http);
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

    // Whoever holds the server's files reads neither: not in the database, not in the
    // evidence chunk files beside it, not in any file's name.
    server.stop();
    int chunk_files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(server.data())) {
        INFO(entry.path().string());
        CHECK(entry.path().string().find("JohnSmith") == std::string::npos);
        if (!entry.is_regular_file()) {
            continue;
        }
        const auto bytes = slurp(entry.path());
        CHECK(bytes.find("JohnSmith") == std::string::npos);
        CHECK(bytes.find("CONTENT-OF-THE-DBS-CHECK") == std::string::npos);
        CHECK(bytes.find(hash) == std::string::npos);
        chunk_files += entry.path().parent_path().parent_path().filename() == "evidence" ? 1 : 0;
    }
    CHECK(chunk_files == 1);
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

TEST_CASE("a push declaring 245,760 tiny changes is refused at its count, not held in memory",
          "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    ClientHome leeds;
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    const RawClient raw(leeds, server);

    // The whole flood, under the 16 MiB body limit: 64 bytes a change on the
    // wire, some 600 once decoded, about 150 MB in all.
    const std::size_t flood = 245'760;
    std::string entries = little_endian(2, 4);  // ChangeEntry class version
    entries.append(flood * 64, '\0');
    const auto answer = raw.send("POST", "/v1/sync/push", push_declaring(flood, entries));
    CHECK(answer.status == 413);
    const auto body = nlohmann::json::parse(answer.body);
    CHECK(body["error"] == "limit_exceeded");
    CHECK_THAT(body["message"].get<std::string>(),
               Catch::Contains("PushRequest.entries declares 245760 elements") &&
                   Catch::Contains("at most 1000"));

    // A count of 2^31 with nothing after it gets the same answer.
    const auto huge = raw.send("POST", "/v1/sync/push", push_declaring(std::uint64_t{1} << 31, ""));
    CHECK(huge.status == 413);
    // The device still syncs.
    REQUIRE(leeds.run({"answer", "1.1.1", "ZA555555"}).exit_code == 0);
    CHECK(leeds.run({"sync"}).exit_code == 0);
}

TEST_CASE("a signature made for one device is refused under another device's id",
          "[integration][security]") {
    AcornGroup acorn;
    auto& server = acorn.server;
    const RawClient raw(acorn.leeds, server);
    const auto leeds_id = raw.identity->device_id;
    const auto hq_id = device_id_of(acorn.hq);

    // Headquarters' device row made to hold Leeds' public key, as two devices
    // holding one key would (enrolment refuses that now; the signature must
    // not depend on it).
    {
        dspt::sqlite::Database db(server.database());
        dspt::sqlite::Statement copy(
            db,
            "UPDATE devices SET signing_public_key = (SELECT signing_public_key FROM devices "
            "WHERE id = ?1) WHERE id = ?2");
        copy.bind(1, leeds_id);
        copy.bind(2, hq_id);
        copy.execute();
        REQUIRE(db.changes() == 1);
    }
    // Leeds' signed request, presented as headquarters: refused.
    const auto as_hq = raw.send_as("GET", "/v1/orgs/AB1/grants", "", RawClient::now(),
                                   protocol::new_nonce(), "", leeds_id, hq_id);
    CHECK(as_hq.status == 401);
    CHECK_THAT(as_hq.body, Catch::Contains("bad signature"));
    // The same request presented as Leeds, which signed it, is taken.
    CHECK(raw.send_as("GET", "/v1/whoami", "", RawClient::now(), protocol::new_nonce(), "",
                      leeds_id, leeds_id)
              .status == 200);

    // A request signed the way of protocol version 1 (no device id) is refused
    // with a message that says to update.
    const auto nonce = protocol::new_nonce();
    const auto at = RawClient::now();
    const std::string old_string =
        "DSPT-SIG-1\nGET\n/v1/whoami\n" + std::to_string(at) + "\n" + nonce + "\n" +
        "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8";
    client::HttpRequest old;
    old.method = "GET";
    old.target = "/v1/whoami";
    old.headers[std::string(protocol::kDeviceHeader)] = leeds_id;
    old.headers[std::string(protocol::kTimestampHeader)] = std::to_string(at);
    old.headers[std::string(protocol::kNonceHeader)] = nonce;
    old.headers[std::string(protocol::kSignatureHeader)] =
        crypto::to_base64(raw.identity->signing.sign(crypto::as_byte_view(old_string)));
    const auto refused =
        client::make_http_transport(client::ServerUrl::parse(server.url()), {})->send(old);
    CHECK(refused.status == 401);
    CHECK_THAT(refused.body, Catch::Contains("protocol version 1") && Catch::Contains("update"));
}

TEST_CASE("a public key already enrolled is not enrolled again", "[integration][security]") {
    ServerProcess server;
    server.register_demo();
    ClientHome hq;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    const RawClient raw(hq, server);

    // A second code presented with headquarters' public keys.
    const auto code = server.code({"--org", "AB1", "--site", "VA002"});
    const auto copied =
        enrol_raw(server, code, raw.identity->signing.public_key(), raw.identity->box.public_key());
    CHECK(copied.status == 409);
    CHECK_THAT(copied.body, Catch::Contains("already_exists") &&
                                Catch::Contains("public key is already enrolled"));
    // Nobody was enrolled, and the code still works for a device with its own keys.
    CHECK(nlohmann::json::parse(server.admin({"list-devices", "--json"}).out).size() == 1);
    ClientHome york;
    enrol(york, server, code, "Acorn York");
    CHECK(york.json({"whoami"})["site"] == "VA002");
}

TEST_CASE("an evidence chunk altered on its way is refused, however large",
          "[integration][security]") {
    InvitedBranch acorn;
    const RawClient raw(acorn.leeds, acorn.server);
    RawSession session(raw);
    // A mebibyte: the server hashes it as it arrives, not after (http::kDigestMinBytes).
    // Random, as sealed bytes are: the transport sends it as it is, uncompressed.
    const auto bytes = crypto::random_bytes((std::size_t{1} << 20) + 40);
    const std::string sealed(bytes.begin(), bytes.end());
    const std::string target = "/v1/blobs/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/0?scope=VA001";
    for (const std::size_t at : {std::size_t{0}, sealed.size() / 2, sealed.size() - 1}) {
        auto altered = sealed;
        altered[at] = static_cast<char>(altered[at] ^ 0x01);
        const auto refused = session.send("PUT", target, altered, ++session.sent, sealed);
        INFO("byte " << at);
        CHECK(refused.status == 401);
        CHECK_THAT(refused.body, Catch::Contains("bad MAC"));
    }
    // One byte short or long, as a relay that dropped or added one would send it.
    CHECK(session.send("PUT", target, sealed.substr(1), ++session.sent, sealed).status == 401);
    CHECK(session.send("PUT", target, sealed + "x", ++session.sent, sealed).status == 401);
    // Nothing of it was kept; the chunk as sent is.
    CHECK(protocol::decode<protocol::BlobStatus>(
              session.send("GET", "/v1/blobs/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d").body)
              .held.empty());
    CHECK(session.send("PUT", target, sealed).status == 204);
}

TEST_CASE("another organisation's evidence id is answered as an unknown one",
          "[integration][security]") {
    AcornGroup acorn;
    auto& server = acorn.server;
    ClientHome leeds;  // invited by headquarters, so it holds the organisation key
    enrol(leeds, server, hq_invite(acorn.hq, "VA001"), "Acorn Leeds");
    ClientHome cedar;
    enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    const auto file = leeds.make_file("policy.pdf", 1000, "PDF");
    REQUIRE(leeds.run({"evidence", "add", "1.1.2", file.string()}).exit_code == 0);
    REQUIRE(leeds.run({"sync"}).exit_code == 0);
    const auto id = leeds.json({"evidence", "list"})[0]["id"].get<std::string>();
    const std::string unknown = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

    const RawClient owner(leeds, server);
    REQUIRE(protocol::decode<protocol::BlobStatus>(owner.send("GET", "/v1/blobs/" + id).body)
                .held.size() == 1);

    const RawClient stranger(cedar, server);
    const auto theirs = stranger.send("GET", "/v1/blobs/" + id);
    const auto nobodys = stranger.send("GET", "/v1/blobs/" + unknown);
    CHECK(theirs.status == 200);
    CHECK(nobodys.status == 200);
    CHECK(protocol::decode<protocol::BlobStatus>(theirs.body).held.empty());
    CHECK(protocol::decode<protocol::BlobStatus>(nobodys.body).held.empty());

    const auto their_chunk = stranger.send("GET", "/v1/blobs/" + id + "/0");
    const auto nobodys_chunk = stranger.send("GET", "/v1/blobs/" + unknown + "/0");
    CHECK(their_chunk.status == 404);
    CHECK(nobodys_chunk.status == 404);
    auto unmasked = their_chunk.body;
    unmasked.replace(unmasked.find(id), id.size(), unknown);
    CHECK(unmasked == nobodys_chunk.body);
}

TEST_CASE("/metrics answers this host, and elsewhere only with the configured token",
          "[integration][security]") {
    const auto get_metrics = [](const ServerProcess& server,
                                const std::map<std::string, std::string>& headers) {
        client::HttpRequest request{"GET", "/metrics", {}, {}, {}};
        for (const auto& [name, value] : headers) {
            request.headers[name] = value;
        }
        return client::make_http_transport(client::ServerUrl::parse(server.url()), {})
            ->send(request);
    };
    const std::string proxied = "X-Forwarded-For";  // what a proxy on this host adds
    {
        ServerProcess server;
        CHECK(get_metrics(server, {}).status == 200);
        const auto refused = get_metrics(server, {{proxied, "203.0.113.7"}});
        CHECK(refused.status == 403);
        CHECK(refused.body.find("dspt_http_requests_total") == std::string::npos);
    }

    TempDir settings;
    const std::string token(40, 'k');
    const auto token_file = settings.file("metrics.token");
    std::ofstream(token_file) << token << "\n";
    const auto config_file = settings.file("server.conf");
    std::ofstream(config_file) << "metrics-token-file = " << token_file.string() << "\n";
    ServerProcess server({"--config", config_file.string()});
    CHECK(get_metrics(server, {{proxied, "203.0.113.7"}}).status == 401);
    CHECK(
        get_metrics(server, {{proxied, "203.0.113.7"}, {"Authorization", "Bearer nope"}}).status ==
        401);
    const auto allowed =
        get_metrics(server, {{proxied, "203.0.113.7"}, {"Authorization", "Bearer " + token}});
    CHECK(allowed.status == 200);
    CHECK_THAT(allowed.body, Catch::Contains("dspt_http_requests_total"));

    // A token too short to be a secret is refused at start.
    std::ofstream(token_file, std::ios::trunc) << "short\n";
    const auto refused = run_process(DSPT_SERVER_BIN, {"serve", "--data", settings.path().string(),
                                                       "--config", config_file.string()});
    CHECK(refused.exit_code != 0);
    CHECK_THAT(refused.err, Catch::Contains("at least 32 characters"));
}

TEST_CASE("a request in a session is refused when replayed, altered, or its device revoked",
          "[integration][security]") {
    InvitedBranch acorn;
    auto& server = acorn.server;
    const RawClient raw(acorn.leeds, server);
    RawSession session(raw);

    // Taken once; a copy of it, sent again, is refused.
    CHECK(session.send("GET", "/v1/whoami", "", 1, "").status == 200);
    const auto replay = session.send("GET", "/v1/whoami", "", 1, "");
    CHECK(replay.status == 401);
    CHECK_THAT(replay.body, Catch::Contains("replayed"));
    // Two requests in flight on two connections arrive out of order: both taken.
    CHECK(session.send("GET", "/v1/whoami", "", 3, "").status == 200);
    CHECK(session.send("GET", "/v1/whoami", "", 2, "").status == 200);

    // Someone holding a request changes its body, its target or its method.
    protocol::GrantRequest grant;
    grant.partner_name = "County Care Association";
    const auto body = protocol::encode(grant);
    auto altered = body;
    altered.back() ^= 0x01;
    const auto changed_body = session.send("POST", "/v1/orgs/AB1/grants", altered, 4, body);
    CHECK(changed_body.status == 401);
    CHECK_THAT(changed_body.body, Catch::Contains("bad MAC"));
    // MACed for GET /v1/invites, sent to another target, or with another method.
    const auto headers =
        protocol::mac_request(session.key, session.id, 5, "GET", "/v1/invites", "");
    for (const auto& [method, target] :
         {std::pair<std::string, std::string>{"GET", "/v1/whoami"}, {"POST", "/v1/invites"}}) {
        client::HttpRequest moved;
        moved.method = method;
        moved.target = target;
        moved.headers[std::string(protocol::kSessionHeader)] = headers.session_id;
        moved.headers[std::string(protocol::kCounterHeader)] = headers.counter;
        moved.headers[std::string(protocol::kMacHeader)] = headers.mac;
        const auto answer =
            client::make_http_transport(client::ServerUrl::parse(server.url()), {})->send(moved);
        INFO(method << " " << target);
        CHECK(answer.status == 401);
        CHECK_THAT(answer.body, Catch::Contains("bad MAC"));
    }
    // None of that used up counter 5 or granted anything.
    CHECK(session.send("GET", "/v1/whoami", "", 5, "").status == 200);
    const auto grants = RawClient(acorn.hq, server).send("GET", "/v1/orgs/AB1/grants");
    REQUIRE(grants.status == 200);
    CHECK(protocol::decode<protocol::GrantList>(grants.body).grants.empty());

    // A session cannot open another: only the device's signature can.
    const auto reopened = session.send("POST", "/v1/session", body, 6, body);
    CHECK(reopened.status == 401);
    CHECK_THAT(reopened.body, Catch::Contains("not signed"));

    // The device is revoked mid-session: its next request is refused, by the
    // dspt client as well.
    RawApi api(acorn.leeds, server);
    REQUIRE(api.api->whoami().device_id == raw.identity->device_id);  // signed
    REQUIRE(api.api->invites().invites.empty());                      // in its own session
    REQUIRE(server.admin({"revoke-device", raw.identity->device_id}).exit_code == 0);
    const auto revoked = session.send("GET", "/v1/whoami", "", 7, "");
    CHECK(revoked.status == 401);
    CHECK_THAT(revoked.body, Catch::Contains("revoked"));
    try {
        (void)api.api->whoami();
        FAIL("a revoked device's request was taken");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::unauthenticated);
        CHECK_THAT(e.what(), Catch::Contains("revoked"));
    }
}

TEST_CASE("an expired session is refused as one to open again, and the client does so itself",
          "[integration][security]") {
    InvitedBranch acorn({"--session-lifetime", "1"});
    const RawClient raw(acorn.leeds, acorn.server);
    RawSession session(raw);
    REQUIRE(session.send("GET", "/v1/whoami").status == 200);

    // The client's clock stands still, so it does not see the end coming and
    // meets the server's refusal.
    const auto frozen = static_cast<std::uint64_t>(RawClient::now());
    const auto transport =
        client::make_http_transport(client::ServerUrl::parse(acorn.server.url()), {});
    client::ApiClient api(*transport, raw.identity->device_id, raw.identity->signing,
                          [frozen] { return frozen; });
    REQUIRE(api.whoami().device_id == raw.identity->device_id);  // signed
    REQUIRE(api.invites().invites.empty());                      // in a session it opens

    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const auto expired = session.send("GET", "/v1/whoami");
    CHECK(expired.status == 401);
    CHECK_THAT(expired.body, Catch::Contains("expired session"));
    const auto json = nlohmann::json::parse(expired.body);
    CHECK(json.value(std::string(protocol::kSessionRefusalField), "") ==
          protocol::kSessionRefusalNew);
    // An id the server never gave gets the same kind of answer.
    auto made_up = session;
    made_up.id = "ffeeddccbbaa99887766554433221100";
    const auto unknown = made_up.send("GET", "/v1/whoami");
    CHECK(unknown.status == 401);
    CHECK(nlohmann::json::parse(unknown.body)
              .value(std::string(protocol::kSessionRefusalField), "") ==
          protocol::kSessionRefusalNew);

    // The client opens a new session and sends again, and the user sees nothing.
    CHECK(api.whoami().device_id == raw.identity->device_id);
    CHECK(api.invites().invites.empty());
}

TEST_CASE("a session kept between runs is refused at once when its device is revoked",
          "[integration][security]") {
    InvitedBranch acorn;
    // The first run opens a session and keeps it in the store; the next ones use it.
    REQUIRE(acorn.leeds.run({"sync"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"sync"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"whoami"}).exit_code == 0);

    REQUIRE(acorn.server.admin({"revoke-device", device_id_of(acorn.leeds)}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA654321"}).exit_code == 0);
    for (const auto& command : {std::vector<std::string>{"sync"}, {"whoami"}}) {
        const auto refused = acorn.leeds.run(command);
        INFO(command.front());
        CHECK(refused.exit_code != 0);
        CHECK_THAT(refused.err, Catch::Contains("revoked"));
    }
    // The change refused with it is still waiting, not lost.
    CHECK(acorn.leeds.json({"status"})["pending_changes"] == 1);
}
