// publish_synced: the request id kept in the store is what makes asking the
// server again harmless (it answers a recorded id with its publication), so
// the id is given up only once an answer arrives, never on a failure.

#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/sync/api_client.hpp"
#include "client/sync/sync_run.hpp"
#include "client/sync/transport.hpp"
#include "protocol/codec.hpp"
#include "protocol/publish_messages.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

namespace dspt::client::test {

namespace {

using Answer = std::function<HttpResponse()>;

// The server as the device sees it: the id of every publish request it was
// sent, and the answers it gives, in order.
class ScriptedPublishServer final : public Transport {
  public:
    std::vector<Answer> answers;
    std::vector<std::string> request_ids;

    HttpResponse send(HttpRequest request) override {
        REQUIRE(request.target == "/v1/publish");
        request_ids.push_back(protocol::decode<protocol::PublishRequest>(request.body).request_id);
        REQUIRE(request_ids.size() <= answers.size());
        return answers[request_ids.size() - 1]();
    }
};

Answer published(std::int64_t id, bool duplicate) {
    return [id, duplicate] {
        protocol::PublishResponse response;
        response.published = true;
        response.duplicate = duplicate;
        response.publication.id = id;
        response.publication.year = std::string(kYear);
        response.publication.level = "met";
        return HttpResponse{duplicate ? 200 : 201, "application/octet-stream",
                            protocol::encode(response)};
    };
}

Answer not_ready() {
    return [] {
        protocol::PublishResponse response;
        response.problems.push_back({"", "1.1.1", "item 1.1.1 is not satisfied"});
        return HttpResponse{200, "application/octet-stream", protocol::encode(response)};
    };
}

// The connection closed after the server had published.
Answer lost() {
    return []() -> HttpResponse {
        fail(ErrorCode::network, "the connection closed before the answer");
    };
}

// A second copy of a request (a proxy that sent it again) refused for its
// nonce: it says nothing of what the first copy did.
Answer replayed() {
    return [] {
        return HttpResponse{
            401, "application/json",
            nlohmann::json{{"error", "unauthenticated"},
                           {"message", "replayed request: this nonce was already used"}}
                .dump()};
    };
}

RetryPolicy quick_policy() {
    RetryPolicy policy;
    policy.attempts = 3;
    policy.first_delay = std::chrono::milliseconds(0);
    policy.max_delay = std::chrono::milliseconds(0);
    return policy;
}

protocol::PublishResponse publish(LocalStore& store, ScriptedPublishServer& server) {
    ApiClient api(server);
    return publish_synced(store, api, standards::Level::met, {}, quick_policy(), {},
                          [](std::chrono::milliseconds) {});
}

}  // namespace

TEST_CASE("a publish refused after an earlier try's answer was lost asks again with the same id",
          "[unit][client_sync]") {
    StoreHome home;
    auto store = home.open();
    ScriptedPublishServer server;
    // The first try publishes but its answer is lost; the retry is refused
    // as a replayed request, which is no answer to the first.
    server.answers = {lost(), replayed()};
    require_error(ErrorCode::unauthenticated, [&] { publish(*store, server); });
    REQUIRE(server.request_ids.size() == 2);
    CHECK(server.request_ids[1] == server.request_ids[0]);

    // Asked again, the server finds the id and answers with what it published.
    server.answers.push_back(published(1, true));
    const auto answer = publish(*store, server);
    CHECK(answer.published);
    CHECK(answer.publication.id == 1);
    REQUIRE(server.request_ids.size() == 3);
    CHECK(server.request_ids[2] == server.request_ids[0]);
}

TEST_CASE("a publish that failed on the network keeps its id for the next run",
          "[unit][client_sync]") {
    StoreHome home;
    auto store = home.open();
    ScriptedPublishServer server;
    server.answers = {lost(), lost(), lost(), published(4, true)};
    require_error(ErrorCode::network, [&] { publish(*store, server); });
    CHECK(publish(*store, server).publication.id == 4);
    REQUIRE(server.request_ids.size() == 4);
    for (const auto& id : server.request_ids) {
        CHECK(id == server.request_ids[0]);
    }
}

TEST_CASE("once an answer arrives, the next publish is a new request", "[unit][client_sync]") {
    StoreHome home;
    auto store = home.open();
    ScriptedPublishServer server;
    server.answers = {not_ready(), published(1, false), published(2, false)};
    CHECK_FALSE(publish(*store, server).published);
    CHECK(publish(*store, server).publication.id == 1);
    CHECK(publish(*store, server).publication.id == 2);
    REQUIRE(server.request_ids.size() == 3);
    CHECK(server.request_ids[1] != server.request_ids[0]);
    CHECK(server.request_ids[2] != server.request_ids[1]);
}

}  // namespace dspt::client::test
