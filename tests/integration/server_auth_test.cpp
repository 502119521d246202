// The real server and real clients: enrolment codes, signed requests, roles,
// partners' grants and the organisation key.

#include <thread>

#include <catch2/catch.hpp>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/encoding.hpp"
#include "common/date.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "protocol/codec.hpp"
#include "protocol/messages.hpp"
#include "protocol/signing.hpp"
#include "tests/integration/raw_client.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

crypto::Bytes organisation_key_of(const ClientHome& home) {
    auto store = client::LocalStore::open(home.store_file(), ClientHome::kPassphrase);
    const auto key = client::load_organisation_key(*store);
    REQUIRE(key.has_value());
    return crypto::Bytes(key->view().begin(), key->view().end());
}

}  // namespace

TEST_CASE("an enrolment code works once", "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();
    const auto code = server.code({"--org", "CD2", "--site", "VC001"});

    ClientHome first;
    enrol(first, server, code);
    const auto whoami = first.json({"whoami"});
    CHECK(whoami["role"] == "branch");
    CHECK(whoami["site"] == "VC001");
    CHECK(whoami["organisation"] == "CD2");
    CHECK(whoami["organisation_key"] == true);

    ClientHome second;
    REQUIRE(second.run({"init"}).exit_code == 0);
    const auto again = second.run({"enrol", "--server", server.url(), "--code", code});
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Catch::Contains("already used"));

    const auto wrong = second.run(
        {"enrol", "--server", server.url(), "--code", code.substr(0, 17) + std::string(22, 'A')});
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("not valid"));
}

TEST_CASE("an enrolment code expires", "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();
    const auto code = server.code({"--org", "CD2", "--site", "VC001", "--expires-in", "1s"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ClientHome home;
    REQUIRE(home.run({"init"}).exit_code == 0);
    const auto result = home.run({"enrol", "--server", server.url(), "--code", code});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("expired"));
}

TEST_CASE("replayed, altered, stale and revoked requests are refused",
          "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();
    ClientHome home;
    enrol(home, server, server.code({"--org", "AB1"}));
    const RawClient raw(home, server);

    const auto nonce = protocol::new_nonce();
    const auto now = RawClient::now();
    CHECK(raw.send("GET", "/v1/whoami", "", now, nonce, "").status == 200);

    const auto replay = raw.send("GET", "/v1/whoami", "", now, nonce, "");
    CHECK(replay.status == 401);
    CHECK_THAT(replay.body, Catch::Contains("replayed"));

    protocol::GrantRequest grant;
    grant.partner_name = "County Care Association";
    const auto body = protocol::encode(grant);
    auto altered = body;
    altered.back() ^= 0x01;
    const auto changed = raw.send("POST", "/v1/orgs/AB1/grants", altered, RawClient::now(),
                                  protocol::new_nonce(), body);
    CHECK(changed.status == 401);
    CHECK_THAT(changed.body, Catch::Contains("bad signature"));

    const auto stale =
        raw.send("GET", "/v1/whoami", "", now - 10 * 60 * 1000, protocol::new_nonce(), "");
    CHECK(stale.status == 401);
    CHECK_THAT(stale.body, Catch::Contains("stale timestamp"));

    const auto unsigned_request =
        client::make_http_transport(client::ServerUrl::parse(server.url()), {})
            ->send({"GET", "/v1/whoami", {}, {}, {}});
    CHECK(unsigned_request.status == 401);

    const auto device_id = home.json({"whoami"})["device_id"].get<std::string>();
    const auto revoke = server.admin({"revoke-device", device_id});
    REQUIRE(revoke.exit_code == 0);
    const auto revoked = raw.send("GET", "/v1/whoami");
    CHECK(revoked.status == 401);
    CHECK_THAT(revoked.body, Catch::Contains("revoked"));
    const auto cli = home.run({"whoami"});
    CHECK(cli.exit_code == 2);
    CHECK_THAT(cli.err, Catch::Contains("revoked"));
}

TEST_CASE("a branch device reaches its own site only", "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();
    ClientHome hq;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn head office");
    const auto invite = hq.json({"invite", "--site", "VA001"});
    ClientHome branch;
    enrol(branch, server, invite["code"].get<std::string>(), "Acorn Leeds");
    const RawClient raw(branch, server);

    CHECK(raw.send("GET", "/v1/sites/VA001").status == 200);
    CHECK(raw.send("GET", "/v1/sites/VA002").status == 403);  // its sister site
    CHECK(raw.send("GET", "/v1/sites/VC001").status == 403);  // another organisation
    CHECK(raw.send("GET", "/v1/sites/VZ999").status == 403);  // no such site: the same answer
    CHECK(raw.send("GET", "/v1/orgs/CD2").status == 403);
    CHECK(raw.send("GET", "/v1/orgs/CD2/grants").status == 403);
    protocol::GrantRequest grant;
    grant.partner_name = "County Care Association";
    CHECK(raw.send("POST", "/v1/orgs/CD2/grants", protocol::encode(grant)).status == 403);
    CHECK(raw.send("POST", "/v1/orgs/AB1/grants", protocol::encode(grant)).status == 403);

    const auto cli = branch.run({"org", "CD2"});
    CHECK(cli.exit_code == 2);
    CHECK_THAT(cli.err, Catch::Contains("may not"));

    // A branch device may invite a device for its own site, not for another.
    CHECK(branch.run({"invite", "--site", "VA001"}).exit_code == 0);
    CHECK(branch.run({"invite", "--site", "VA002"}).exit_code == 2);
    CHECK(branch.run({"invite", "--hq"}).exit_code == 2);

    // Headquarters sees every site of its organisation, and nothing else.
    const auto org = hq.json({"org"});
    CHECK(org["sites"].size() == 2);
    CHECK(hq.run({"org", "CD2"}).exit_code == 2);
}

TEST_CASE("a partner sees an organisation only while it holds a live grant",
          "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();
    ClientHome owner;
    enrol(owner, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    ClientHome partner;
    enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");
    CHECK(partner.json({"whoami"})["role"] == "partner");

    auto before = partner.run({"org", "CD2"});
    CHECK(before.exit_code == 2);
    CHECK_THAT(before.err, Catch::Contains("may not"));
    CHECK(partner.json({"grants"}).empty());

    const auto given = owner.run({"grant", "--partner", "County Care Association"});
    INFO(given.err);
    REQUIRE(given.exit_code == 0);
    CHECK_THAT(given.out, Catch::Contains("until revoked"));
    const auto view = partner.json({"org", "CD2"});
    CHECK(view["name"] == "Cedar House");
    CHECK(partner.run({"org", "AB1"}).exit_code == 2);     // no grant from AB1
    CHECK(partner.run({"grants", "CD2"}).exit_code == 2);  // progress only
    CHECK(
        partner.run({"grant", "--partner", "County Care Association", "--org", "CD2"}).exit_code ==
        2);  // never writing
    CHECK(partner.run({"invite", "--hq"}).exit_code == 2);
    // Both sides see the grant.
    const auto received = partner.json({"grants"});
    REQUIRE(received.size() == 1);
    CHECK(received[0]["organisation"] == "CD2");
    CHECK(received[0]["in_force"] == true);
    CHECK_THAT(partner.run({"grants"}).out, Catch::Contains("CD2"));

    REQUIRE(owner.run({"grant", "--revoke", "County Care Association"}).exit_code == 0);
    CHECK(partner.run({"org", "CD2"}).exit_code == 2);
    CHECK(partner.json({"grants"}).empty());
    const auto grants = owner.json({"grants"});
    REQUIRE(grants.size() == 1);
    CHECK_FALSE(grants[0]["revoked_at"].is_null());
    CHECK(grants[0]["in_force"] == false);
    CHECK(owner.run({"grant", "--revoke", "County Care Association"}).exit_code == 2);
}

TEST_CASE("a grant given until a date ends after that day, and can be given again",
          "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();
    ClientHome owner;
    enrol(owner, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    ClientHome partner;
    enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");

    // Bad dates are refused before anything is sent.
    for (const char* bad : {"2026-02-30", "tomorrow", "2020-01-01"}) {
        const auto refused =
            owner.run({"grant", "--partner", "County Care Association", "--until", bad});
        CHECK(refused.exit_code == 2);
        CHECK_THAT(refused.err, Catch::Contains("--until"));
    }
    CHECK(owner.run({"grant", "--until", "2099-01-01"}).exit_code == 2);  // no partner named

    const auto today = dspt::Date::today().to_string();
    const auto given =
        owner.run({"grant", "--partner", "County Care Association", "--until", today});
    INFO(given.err);
    REQUIRE(given.exit_code == 0);
    CHECK_THAT(given.out, Catch::Contains("in force until " + today));
    CHECK(partner.json({"org", "CD2"})["name"] == "Cedar House");
    CHECK(owner.json({"grants"})[0]["until"] == today);

    // The day passes: the end moves into the past, as the clock would move it.
    {
        dspt::sqlite::Database db(server.database());
        dspt::sqlite::Statement age(
            db, "UPDATE grants SET expires_at_ms = expires_at_ms - 86400000 * 2");
        age.execute();
        REQUIRE(db.changes() == 1);
    }
    const auto after = partner.run({"org", "CD2"});
    CHECK(after.exit_code == 2);
    CHECK_THAT(after.err, Catch::Contains("may not"));
    CHECK(partner.json({"grants"}).empty());
    const auto ended = owner.json({"grants"});
    REQUIRE(ended.size() == 1);
    CHECK(ended[0]["in_force"] == false);
    CHECK_THAT(ended[0]["state"].get<std::string>(), Catch::StartsWith("ended"));

    // Given again, without an end this time: the old grant stays in the history.
    REQUIRE(owner.run({"grant", "--partner", "County Care Association"}).exit_code == 0);
    CHECK(partner.json({"org", "CD2"})["name"] == "Cedar House");
    const auto history = owner.json({"grants"});
    REQUIRE(history.size() == 2);
    CHECK(history[1]["in_force"] == true);
    CHECK(history[1]["until"].is_null());
}

TEST_CASE("the recovery code and an invited device both open the organisation key",
          "[integration][server_auth]") {
    ServerProcess server;
    server.register_demo();

    ClientHome hq;
    REQUIRE(hq.run({"init", "--name", "Acorn head office"}).exit_code == 0);
    const auto first =
        hq.run({"enrol", "--server", server.url(), "--code", server.code({"--org", "AB1"})});
    REQUIRE(first.exit_code == 0);
    const auto recovery_code = recovery_code_from(first.out);
    const auto key = organisation_key_of(hq);

    // An invited branch device receives the key sealed by headquarters.
    ClientHome branch;
    enrol(branch, server, hq.json({"invite", "--site", "VA002"})["code"].get<std::string>());
    CHECK(organisation_key_of(branch) == key);

    // A replacement headquarters device enrolled by the administrator has no key
    // until it uses the recovery code.
    ClientHome replacement;
    enrol(replacement, server, server.code({"--org", "AB1"}));
    CHECK(replacement.json({"whoami"})["organisation_key"] == false);
    const auto wrong = replacement.run(
        {"recover-key", "--recovery-code", recovery_code.substr(0, 17) + std::string(22, 'B')});
    CHECK(wrong.exit_code == 2);
    REQUIRE(replacement.run({"recover-key", "--recovery-code", recovery_code}).exit_code == 0);
    CHECK(organisation_key_of(replacement) == key);

    // The server holds nothing that opens the key: no copy of it in its store.
    const auto server_db = slurp(server.data() / "server.db") +
                           (std::filesystem::exists(server.data() / "server.db-wal")
                                ? slurp(server.data() / "server.db-wal")
                                : std::string());
    CHECK(server_db.find(std::string(key.begin(), key.end())) == std::string::npos);
}
