// Request sessions on the server: opening one with a signed request, then which
// MACed requests the authenticator accepts and why it refuses the others.

#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "common/crypto/session_key.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/session_messages.hpp"
#include "server/auth/authenticator.hpp"
#include "server/auth/session_table.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

// A session as the device holds it.
struct DeviceSession {
    std::string id;
    crypto::MacKey key;
    std::int64_t lifetime_ms = 0;
    std::uint64_t counter = 0;
};

DeviceSession open_for(const Authenticator& authenticator, const store::Device& device) {
    const auto pair = crypto::SessionKeyPair::generate();
    protocol::SessionRequest request;
    request.client_public_key.assign(pair.public_key().begin(), pair.public_key().end());
    const auto offer = authenticator.open_session(device, request);
    return {offer.session_id, pair.client_request_key(offer.server_public_key), offer.lifetime_ms};
}

http::Request maced(const DeviceSession& session, std::uint64_t counter, std::string method,
                    std::string target, std::string body = {}) {
    auto request = plain_request(std::move(method), std::move(target), std::move(body));
    const auto headers = protocol::mac_request(session.key, session.id, counter, request.method,
                                               request.target, request.body);
    request.headers[std::string(protocol::kSessionHeader)] = headers.session_id;
    request.headers[std::string(protocol::kCounterHeader)] = headers.counter;
    request.headers[std::string(protocol::kMacHeader)] = headers.mac;
    return request;
}

// The refusal's message; `unknown_session` says whether it tells the device to
// open a new session.
std::string session_refusal(const Authenticator& authenticator, const http::Request& request,
                            bool unknown_session = false) {
    try {
        (void)authenticator.authenticate(request);
    } catch (const UnknownSession& e) {
        CHECK(unknown_session);
        return e.what();
    } catch (const Error& e) {
        CHECK_FALSE(unknown_session);
        CHECK(e.code() == ErrorCode::unauthenticated);
        return e.what();
    }
    FAIL("the request was accepted");
    return {};
}

}  // namespace

TEST_CASE_METHOD(AuthFixture, "a MACed request in a live session authenticates as its device",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto session = open_for(context.authenticator, branch.device);
    CHECK(session.lifetime_ms == 30 * 60 * 1000);

    CHECK(context.authenticator.authenticate(maced(session, 1, "GET", "/v1/whoami")).id ==
          branch.device.id);
    // Two requests in flight: the later counter arrives first.
    CHECK(context.authenticator.authenticate(maced(session, 3, "POST", "/v1/sync/push", "b")).id ==
          branch.device.id);
    CHECK(context.authenticator.authenticate(maced(session, 2, "GET", "/v1/whoami")).id ==
          branch.device.id);
    // The signed scheme still works beside it.
    CHECK(context.authenticator.authenticate(sign(branch, "GET", "/v1/whoami")).id ==
          branch.device.id);
}

TEST_CASE_METHOD(AuthFixture, "a replayed or altered MACed request is refused",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto session = open_for(context.authenticator, branch.device);
    const auto push = maced(session, 1, "POST", "/v1/sync/push", "changes");
    REQUIRE(context.authenticator.authenticate(push).id == branch.device.id);
    CHECK_THAT(session_refusal(context.authenticator, push), Catch::Contains("replayed request"));

    auto altered = maced(session, 2, "POST", "/v1/sync/push", "changes");
    SECTION("the body") {
        altered.body = "chang3s";
    }
    SECTION("the target") {
        altered.target = "/v1/sync/push?x=1";
    }
    SECTION("the method") {
        altered.method = "PUT";
    }
    SECTION("the counter") {
        altered.headers[std::string(protocol::kCounterHeader)] = "3";
    }
    CHECK_THAT(session_refusal(context.authenticator, altered), Catch::Contains("bad MAC"));
    // A refused request does not use up its counter.
    CHECK(context.authenticator.authenticate(maced(session, 2, "POST", "/v1/sync/push", "changes"))
              .id == branch.device.id);
}

TEST_CASE_METHOD(AuthFixture,
                 "an unknown or expired session is refused so that the device opens another",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    auto session = open_for(context.authenticator, branch.device);

    auto unknown = session;
    unknown.id = "ffeeddccbbaa99887766554433221100";
    CHECK_THAT(session_refusal(context.authenticator, maced(unknown, 1, "GET", "/v1/whoami"), true),
               Catch::Contains("unknown session"));

    now += session.lifetime_ms;
    CHECK_THAT(session_refusal(context.authenticator, maced(session, 1, "GET", "/v1/whoami"), true),
               Catch::Contains("expired session"));
    const auto again = open_for(context.authenticator, branch.device);
    CHECK(context.authenticator.authenticate(maced(again, 1, "GET", "/v1/whoami")).id ==
          branch.device.id);
}

TEST_CASE_METHOD(AuthFixture, "a device revoked mid-session is refused on its next request",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto hq = enrol_headquarters();
    const auto session = open_for(context.authenticator, branch.device);
    const auto other = open_for(context.authenticator, hq.device);
    REQUIRE(context.authenticator.authenticate(maced(session, 1, "GET", "/v1/whoami")).id ==
            branch.device.id);

    repo().revoke_device(branch.device.id, now);
    CHECK_THAT(session_refusal(context.authenticator, maced(session, 2, "GET", "/v1/whoami")),
               Catch::Contains("revoked"));
    // Its sessions are gone; the other device's is not.
    CHECK_THAT(session_refusal(context.authenticator, maced(session, 3, "GET", "/v1/whoami"), true),
               Catch::Contains("unknown session"));
    CHECK(context.authenticator.authenticate(maced(other, 1, "GET", "/v1/whoami")).id ==
          hq.device.id);
}

TEST_CASE_METHOD(AuthFixture,
                 "a device revoked by another process on the same data directory is refused on "
                 "its next request, in a session or signed",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto hq = enrol_headquarters();
    const auto session = open_for(context.authenticator, branch.device);
    // Both devices are known to this process: their records are held in memory.
    for (std::uint64_t counter = 1; counter <= 3; ++counter) {
        REQUIRE(
            context.authenticator.authenticate(maced(session, counter, "GET", "/v1/whoami")).id ==
            branch.device.id);
    }
    REQUIRE(context.authenticator.authenticate(sign(hq, "GET", "/v1/whoami")).id == hq.device.id);

    {
        // What `dspt-server admin revoke-device` does: its own repository on the directory.
        store::SqliteRepository admin(data_dir());
        admin.revoke_device(branch.device.id, now);
        admin.revoke_device(hq.device.id, now);
    }
    CHECK_THAT(session_refusal(context.authenticator, maced(session, 4, "GET", "/v1/whoami")),
               Catch::Contains("revoked"));
    CHECK_THAT(session_refusal(context.authenticator, sign(hq, "GET", "/v1/whoami")),
               Catch::Contains("revoked"));
}

TEST_CASE_METHOD(AuthFixture,
                 "a device revoked behind the store's back (no revocation counted) is refused "
                 "within a second",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto session = open_for(context.authenticator, branch.device);
    REQUIRE(context.authenticator.authenticate(maced(session, 1, "GET", "/v1/whoami")).id ==
            branch.device.id);
    {
        // An older dspt-server, or a hand-made change: the row changes, no count moves.
        sqlite::Database db(store::SqliteRepository::file_in(data_dir()));
        sqlite::Statement revoke(db, "UPDATE devices SET revoked_at_ms = ?1 WHERE id = ?2");
        revoke.bind(1, now);
        revoke.bind(2, branch.device.id);
        revoke.execute();
    }
    std::this_thread::sleep_for(DeviceCache::kMaxAge + std::chrono::milliseconds(100));
    CHECK_THAT(session_refusal(context.authenticator, maced(session, 2, "GET", "/v1/whoami")),
               Catch::Contains("revoked"));
}

TEST_CASE_METHOD(AuthFixture, "a session key that is not an X25519 public key opens nothing",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    protocol::SessionRequest request;
    request.client_public_key = crypto::Bytes(16, 1);
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)context.authenticator.open_session(branch.device, request); });
}

TEST_CASE("a full session table makes room by forgetting the oldest session",
          "[unit][server_auth]") {
    SessionTable table(2);
    const crypto::MacKey key(crypto::Bytes(32, 7));
    const auto first = table.open("device-a", key, 1'000, 10'000);
    const auto second = table.open("device-b", key, 2'000, 11'000);
    const auto third = table.open("device-a", key, 3'000, 12'000);
    CHECK(table.size() == 2);
    SessionTable::Live live;
    CHECK(table.find(first, 3'000, live) == SessionTable::Lookup::unknown);
    CHECK(table.find(second, 3'000, live) == SessionTable::Lookup::live);
    CHECK(live.device_id == "device-b");
    CHECK(table.find(third, 3'000, live) == SessionTable::Lookup::live);
    CHECK(table.drop_device("device-a") == 1);
    CHECK(table.find(third, 3'000, live) == SessionTable::Lookup::unknown);
    CHECK(table.find(second, 11'000, live) == SessionTable::Lookup::expired);
    CHECK(table.size() == 0);
}

TEST_CASE_METHOD(AuthFixture,
                 "a counter below the window is refused as a session to open again, a used one "
                 "as a replay",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto session = open_for(context.authenticator, branch.device);
    // Another process of the device went on with later counters meanwhile.
    REQUIRE(context.authenticator.authenticate(maced(session, 70, "GET", "/v1/whoami")).id ==
            branch.device.id);
    const auto stale = maced(session, 6, "GET", "/v1/whoami");
    CHECK_THAT(session_refusal(context.authenticator, stale, true),
               Catch::Contains("too old") && Catch::Contains("open a new session"));
    CHECK_THAT(session_refusal(context.authenticator, maced(session, 70, "GET", "/v1/whoami")),
               Catch::Contains("replayed request") && Catch::Contains("already used"));
    CHECK(context.authenticator.authenticate(maced(session, 7, "GET", "/v1/whoami")).id ==
          branch.device.id);
}

}  // namespace dspt::server::auth::test
