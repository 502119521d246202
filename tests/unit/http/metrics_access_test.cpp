// Who may read GET /metrics: this host's own peers, and others only with the
// configured bearer token. Answered by the server's exchange, without a socket.
#include <string>

#include <catch2/catch.hpp>

#include "http/detail/exchange.hpp"
#include "http/detail/server_state.hpp"

using dspt::http::Request;
using dspt::http::Response;
using dspt::http::ServerConfig;
using dspt::http::detail::respond;
using dspt::http::detail::ServerState;

namespace {

constexpr const char* kToken = "0123456789abcdef0123456789abcdef";

Response metrics_for(const ServerConfig& config, const std::string& remote,
                     const dspt::http::Headers& headers = {}) {
    ServerState state(config, [](const Request&) { return Response{}; });
    Request request;
    request.method = "GET";
    request.target = "/metrics";
    request.path = "/metrics";
    request.remote_address = remote;
    request.headers = headers;
    return respond(state, request, true);
}

ServerConfig with_token() {
    ServerConfig config;
    config.metrics_token = kToken;
    return config;
}

}  // namespace

TEST_CASE("/metrics answers this host's peers only, unless a token is set", "[unit][http]") {
    const ServerConfig config;
    for (const char* here :
         {"127.0.0.1:40000", "127.10.0.1:40000", "[::1]:40000", "[::ffff:127.0.0.1]:40000"}) {
        INFO(here);
        const auto answer = metrics_for(config, here);
        CHECK(answer.status == 200);
        CHECK_THAT(answer.body, Catch::Contains("dspt_http_requests_total"));
    }
    for (const char* elsewhere : {"203.0.113.7:40000", "[2001:db8::7]:40000", "10.0.0.2:1", "-"}) {
        INFO(elsewhere);
        const auto refused = metrics_for(config, elsewhere);
        CHECK(refused.status == 403);
        CHECK_THAT(refused.body, Catch::Contains("metrics-token-file"));
        CHECK(refused.body.find("dspt_http_requests_total") == std::string::npos);
    }
    // Through a proxy on this host: from elsewhere, whatever the peer address.
    CHECK(metrics_for(config, "127.0.0.1:40000", {{"X-Forwarded-For", "203.0.113.7"}}).status ==
          403);
    CHECK(metrics_for(config, "127.0.0.1:40000", {{"Forwarded", "for=203.0.113.7"}}).status == 403);
    // /healthz stays open to everyone.
    ServerState state(config, [](const Request&) { return Response{}; });
    Request health;
    health.method = "GET";
    health.target = health.path = "/healthz";
    health.remote_address = "203.0.113.7:40000";
    CHECK(respond(state, health, true).status == 200);
}

TEST_CASE("with a metrics token, a peer elsewhere reads /metrics with it and only with it",
          "[unit][http]") {
    const auto config = with_token();
    const std::string remote = "203.0.113.7:40000";
    const auto missing = metrics_for(config, remote);
    CHECK(missing.status == 401);
    CHECK(missing.headers.at("WWW-Authenticate") == "Bearer");
    CHECK(metrics_for(config, remote, {{"Authorization", std::string("Bearer ") + kToken + "x"}})
              .status == 401);
    CHECK(metrics_for(config, remote, {{"Authorization", std::string("Basic ") + kToken}}).status ==
          401);
    CHECK(
        metrics_for(config, remote, {{"Authorization", std::string("Bearer ") + kToken}}).status ==
        200);
    // This host needs no token.
    CHECK(metrics_for(config, "127.0.0.1:40000").status == 200);
}
