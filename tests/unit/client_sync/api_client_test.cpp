// What the device's API client makes of the server's answers: a server from
// before the one-request sync is named as too old, and answers that moved
// something are counted, so a failed sync attempt that moved something is
// known to have made progress (retry.hpp).

#include "client/sync/api_client.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/sync/transport.hpp"
#include "common/crypto/session_key.hpp"
#include "common/crypto/signer.hpp"
#include "common/error.hpp"
#include "protocol/codec.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/signing.hpp"
#include "protocol/sync_messages.hpp"
#include "protocol/sync_own_changes.hpp"

namespace dspt::client::test {

namespace {

// Answers every request with the next of `answers`, and keeps the targets.
class CannedServer final : public Transport {
  public:
    std::vector<HttpResponse> answers;
    std::vector<std::string> targets;
    std::vector<HttpRequest> requests;

    HttpResponse send(HttpRequest request) override {
        targets.push_back(request.method + " " + request.target);
        requests.push_back(request);
        REQUIRE(targets.size() <= answers.size());
        return answers[targets.size() - 1];
    }
};

// A connection to `server`, as a side lane makes one.
class Connection final : public Transport {
  public:
    explicit Connection(CannedServer& server) : server_(server) {}
    HttpResponse send(HttpRequest request) override { return server_.send(std::move(request)); }

  private:
    CannedServer& server_;
};

HttpResponse error_answer(int status, const std::string& code, const std::string& message) {
    return {status, "application/json",
            nlohmann::json{{"error", code}, {"message", message}}.dump()};
}

HttpResponse ok(const std::string& body) {
    return {200, "application/x-dspt", body};
}

}  // namespace

TEST_CASE("a server without the one-request sync is named as older than the client",
          "[unit][client_sync][api_client]") {
    CannedServer server;
    server.answers.push_back(error_answer(404, "not_found", "no such endpoint: POST /v1/sync"));
    ApiClient api(server);
    try {
        api.exchange(protocol::SyncRequest{});
        FAIL("the exchange should have failed");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::failed_precondition);
        CHECK_THAT(e.what(), Catch::Contains("the server is older than this dspt") &&
                                 Catch::Contains("upgrade the server"));
    }
    CHECK(server.targets == std::vector<std::string>{"POST /v1/sync?own=seq"});
    CHECK(api.moved() == 0);
}

TEST_CASE("other refusals of the exchange keep the server's own words",
          "[unit][client_sync][api_client]") {
    CannedServer server;
    server.answers.push_back(
        error_answer(404, "not_found", "there is no organisation AB1: it was removed"));
    ApiClient api(server);
    CHECK_THROWS_WITH(api.exchange(protocol::SyncRequest{}),
                      "server: there is no organisation AB1: it was removed");
}

TEST_CASE("answers that moved something are counted, answers that moved nothing are not",
          "[unit][client_sync][api_client]") {
    CannedServer server;
    protocol::SyncResponse nothing;
    protocol::SyncResponse pushed;
    pushed.push.results.resize(2);
    protocol::SyncResponse pulled;
    pulled.page.registers.resize(1);
    server.answers = {ok(protocol::encode(nothing)), ok(protocol::encode(pushed)),
                      ok(protocol::encode(pulled)), ok("chunk"), ok("")};
    ApiClient api(server);
    api.exchange(protocol::SyncRequest{});
    CHECK(api.moved() == 0);
    api.exchange(protocol::SyncRequest{});
    CHECK(api.moved() == 1);
    api.exchange(protocol::SyncRequest{});
    CHECK(api.moved() == 2);
    CHECK(api.blob_chunk("e1", 0) == "chunk");
    CHECK(api.moved() == 3);
    api.put_blob_chunk("e1", 1, "", std::string("sealed"));
    CHECK(api.moved() == 4);
}

TEST_CASE("the exchange asks for references to its own changes and puts them back",
          "[unit][client_sync][api_client]") {
    protocol::SyncRequest request;
    request.entries = {{"replica-1",
                        4,
                        77,
                        "VA1B2",
                        "2025-26/answer/1.1.1",
                        {},
                        R"({"value":"ours"})",
                        "Registered manager"}};
    protocol::SyncResponse full;
    full.push.results = {{4, protocol::PushOutcome::accepted, 12, ""}};
    full.page.registers = {protocol::own_change_state(request.entries[0], full.push.results[0])};
    full.page.next_cursor = 12;
    auto referring = full;
    protocol::refer_to_own_changes(request, referring);
    REQUIRE(protocol::is_own_change_reference(referring.page.registers[0]));

    // This server refers to the change; a server from before sends it in full. The
    // sync reads the same answer from both.
    CannedServer server;
    server.answers.push_back(ok(protocol::encode(referring)));
    server.answers.push_back(ok(protocol::encode(full)));
    ApiClient api(server);
    CHECK(api.exchange(request) == full);
    CHECK(api.exchange(request) == full);
    CHECK(server.targets ==
          std::vector<std::string>{"POST /v1/sync?own=seq", "POST /v1/sync?own=seq"});

    // A reference to a change it did not send is refused, not guessed at.
    referring.page.registers[0].shown.seq = 5;
    server.answers.push_back(ok(protocol::encode(referring)));
    CHECK_THROWS_WITH(api.exchange(request), Catch::Contains("did not send"));
}

TEST_CASE("a chunk sent aside travels on a second connection and ends as a chunk sent here would",
          "[unit][client_sync][api_client]") {
    const auto signing = crypto::SigningKeyPair::generate();
    const auto offer = [] {
        protocol::SessionOffer made;
        made.session_id = std::string(protocol::kSessionIdChars, 'a');
        const auto server_pair = crypto::SessionKeyPair::generate();
        made.server_public_key.assign(server_pair.public_key().begin(),
                                      server_pair.public_key().end());
        made.lifetime_ms = 3'600'000;
        return ok(protocol::encode(made));
    };
    CannedServer main;
    CannedServer side;
    ApiClient api(main, "device-1", signing);
    CHECK_FALSE(api.has_side_lane());
    std::size_t connections = 0;
    api.set_side_lane([&] {
        ++connections;
        return std::make_unique<Connection>(side);
    });
    REQUIRE(api.has_side_lane());

    // Before any session: the chunk aside goes signed.
    side.answers.push_back(ok(""));
    auto first = api.put_blob_chunk_aside("e1", 0, "", std::string("sealed-0"));
    first.wait();
    CHECK(api.moved() == 1);
    REQUIRE(side.requests.size() == 1);
    CHECK(side.targets[0] == "PUT /v1/blobs/e1/0");
    CHECK(side.requests[0].body == "sealed-0");
    CHECK(side.requests[0].headers.contains(std::string(protocol::kSignatureHeader)));
    CHECK(main.requests.empty());

    // In a session, a chunk aside is MACed; the server refusing the session gets the
    // chunk again on the main connection, in a new session.
    main.answers = {ok(""), offer(), ok(""), offer(), ok("")};
    api.put_blob_chunk("e1", 1, "", std::string("sealed-1"));  // signed: the first here
    api.put_blob_chunk("e1", 2, "", std::string("sealed-2"));  // opens a session
    side.answers.push_back({401, "application/json",
                            nlohmann::json{{"error", "unauthenticated"},
                                           {"message", "unknown session"},
                                           {std::string(protocol::kSessionRefusalField),
                                            std::string(protocol::kSessionRefusalNew)}}
                                .dump()});
    auto refused = api.put_blob_chunk_aside("e1", 3, "", std::string("sealed-3"));
    refused.wait();
    REQUIRE(side.requests.size() == 2);
    CHECK(side.requests[1].headers.contains(std::string(protocol::kMacHeader)));
    CHECK_FALSE(side.requests[1].headers.contains(std::string(protocol::kSignatureHeader)));
    REQUIRE(main.targets.size() == 5);
    CHECK(main.targets[3] == "POST /v1/session");
    CHECK(main.targets[4] == "PUT /v1/blobs/e1/3");
    CHECK(main.requests[4].body == "sealed-3");
    CHECK(main.requests[4].headers.contains(std::string(protocol::kMacHeader)));
    CHECK(main.requests[4].headers.at(std::string(protocol::kCounterHeader)) == "1");
    CHECK(api.moved() == 4);

    // A refusal for good is thrown by wait() with the server's code, and moves nothing.
    side.answers.push_back(
        error_answer(507, "limit_exceeded", "the organisation's storage is full"));
    auto full = api.put_blob_chunk_aside("e1", 4, "", std::string("sealed-4"));
    try {
        full.wait();
        FAIL("a refused chunk was taken as stored");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::limit_exceeded);
        CHECK_THAT(e.what(), Catch::Contains("storage is full"));
    }
    CHECK(api.moved() == 4);
    CHECK(connections == 1);  // one side connection, kept
}

}  // namespace dspt::client::test
