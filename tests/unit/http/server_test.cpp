// HttpServer over loopback: requests reach the handler and responses come
// back; keep-alive and pipelining; /healthz and /metrics; handler failures;
// the access log.
#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "tests/unit/http/test_client.hpp"
#include "tests/unit/http/test_server.hpp"

using namespace dspt::test::http;
using namespace std::chrono_literals;

TEST_CASE("HttpServer returns the handler's status, headers and body", "[unit][http]") {
    std::mutex mutex;
    Request seen;
    TestServer server([&](const Request& request) {
        {
            const std::lock_guard lock(mutex);
            seen = request;
        }
        Response response;
        response.status = 201;
        response.content_type = "application/json";
        response.body = R"({"created":true})";
        response.headers.emplace("X-Dspt-Test", "yes");
        response.headers.emplace("Content-Length", "999");  // ignored: the server frames
        response.route = "POST /v1/things";
        return response;
    });

    TestClient client(server.port());
    const auto response = client.request("POST", "/v1/things?since=42&x=%20", "hello body",
                                         {{"X-Custom", "a"}, {"content-type", "text/plain"}});
    CHECK(response.status == 201);
    CHECK(response.body == R"({"created":true})");
    CHECK(response.header("content-type") == "application/json");
    CHECK(response.header("X-Dspt-Test") == "yes");
    CHECK(response.header("Content-Length") == "16");
    CHECK(response.keep_alive);

    const std::lock_guard lock(mutex);
    CHECK(seen.method == "POST");
    CHECK(seen.target == "/v1/things?since=42&x=%20");
    CHECK(seen.path == "/v1/things");
    CHECK(seen.query == "since=42&x=%20");
    CHECK(seen.body == "hello body");
    CHECK(seen.header("x-custom") == "a");
    CHECK(seen.header("Content-Type") == "text/plain");
    CHECK(seen.header("absent").empty());
    CHECK(seen.remote_address.rfind("127.0.0.1:", 0) == 0);
}

TEST_CASE("HttpServer keeps a connection alive across requests", "[unit][http]") {
    std::mutex mutex;
    std::set<std::string> remotes;
    std::atomic<int> calls{0};
    TestServer server([&](const Request& request) {
        ++calls;
        const std::lock_guard lock(mutex);
        remotes.insert(request.remote_address);
        return echo(request);
    });

    TestClient client(server.port());
    for (int i = 0; i < 5; ++i) {
        const auto response = client.request("POST", "/echo", "request " + std::to_string(i));
        CHECK(response.status == 200);
        CHECK(response.body == "request " + std::to_string(i));
        CHECK(response.keep_alive);
    }
    CHECK(calls == 5);
    const std::lock_guard lock(mutex);
    CHECK(remotes.size() == 1);  // one connection, one client port
}

TEST_CASE("HttpServer answers pipelined requests in order", "[unit][http]") {
    TestServer server(echo);
    TestClient client(server.port());
    client.write_raw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nsec\r\n3\r\nond\r\n0\r\n\r\n"
        "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(client.read_response().body == "first");
    CHECK(client.read_response().body == "second");
    const auto last = client.read_response();
    CHECK(last.status == 200);
    CHECK_FALSE(last.keep_alive);
    CHECK(client.wait_for_close(3s).has_value());
}

TEST_CASE("HttpServer serves /healthz and /metrics before the handler", "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server([&](const Request& request) {
        ++calls;
        Response response = echo(request);
        if (request.path == "/missing") {
            response.status = 404;
            response.route = "GET /missing";
        }
        return response;
    });
    TestClient client(server.port());

    const auto health = client.request("GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(health.body == "ok\n");
    CHECK(client.request("HEAD", "/healthz").status == 200);
    const auto wrong_method = client.request("POST", "/healthz", "x");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.header("Allow") == "GET, HEAD");

    for (int i = 0; i < 3; ++i) {
        CHECK(client.request("POST", "/echo", "x").status == 200);
    }
    CHECK(client.request("GET", "/missing").status == 404);
    CHECK(calls == 4);

    // The previous requests were recorded before their responses' successors
    // were read on this connection, so the counts are exact here.
    const auto metrics = client.request("GET", "/metrics");
    CHECK(metrics.status == 200);
    CHECK(metrics.header("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
    const std::string& text = metrics.body;
    CHECK_THAT(
        text, Catch::Contains("dspt_http_requests_total{route=\"POST /echo\",status=\"200\"} 3\n"));
    CHECK_THAT(text, Catch::Contains(
                         "dspt_http_requests_total{route=\"GET /missing\",status=\"404\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "dspt_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "dspt_http_requests_total{route=\"HEAD /healthz\",status=\"200\"} 1\n"));
    CHECK_THAT(
        text, Catch::Contains("dspt_http_requests_total{route=\"(rejected)\",status=\"405\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_request_duration_seconds_bucket{le=\"+Inf\"} 7\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_request_duration_seconds_count 7\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_request_duration_seconds_sum "));
    CHECK_THAT(text, Catch::Contains("dspt_http_open_sessions 1\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_connections_refused_total 0\n"));
    CHECK_THAT(text, !Catch::Contains("/healthz\",status=\"405"));  // raw paths never become routes
}

TEST_CASE("HttpServer labels unrouted requests by method only", "[unit][http]") {
    TestServer server([](const Request&) { return Response{}; });
    TestClient client(server.port());
    CHECK(client.request("GET", "/a/1").status == 200);
    CHECK(client.request("GET", "/a/2").status == 200);
    CHECK(client.request("FROBNICATE", "/a/3").status == 200);
    const auto text = client.request("GET", "/metrics").body;
    CHECK_THAT(text, Catch::Contains("{route=\"GET (unrouted)\",status=\"200\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("{route=\"OTHER (unrouted)\",status=\"200\"} 1\n"));
}

TEST_CASE("HttpServer answers 500 when the handler throws", "[unit][http]") {
    TestServer server([](const Request& request) -> Response {
        if (request.path == "/std") {
            throw std::runtime_error("secret detail");
        }
        if (request.path == "/int") {
            throw 42;
        }
        return echo(request);
    });
    TestClient client(server.port());

    const auto thrown = client.request("GET", "/std");
    CHECK(thrown.status == 500);
    CHECK(thrown.header("Content-Type") == "application/json");
    CHECK(thrown.body == R"({"error":"internal","message":"internal server error"})");
    CHECK(thrown.keep_alive);  // the request was read whole: the connection is fine
    CHECK(client.request("GET", "/int").status == 500);
    CHECK(client.request("POST", "/echo", "still here").body == "still here");

    CHECK_THAT(client.request("GET", "/metrics").body,
               Catch::Contains("{route=\"GET (unrouted)\",status=\"500\"} 2\n"));
    CHECK(server.log().wait_for({"event=handler_failed", "path=/std", "error=\"secret detail\""}));
    CHECK(server.log().wait_for({"event=handler_failed", "path=/int", "non-standard"}));
}

TEST_CASE("HttpServer answers 500 when the handler's response cannot be sent", "[unit][http]") {
    TestServer server([](const Request& request) {
        Response response;
        if (request.path == "/status") {
            response.status = 42;
        } else if (request.path == "/split") {
            response.headers.emplace("X-Evil", "a\r\nSet-Cookie: stolen=1");
        } else if (request.path == "/nocontent") {
            response.status = 204;
            response.body = "not allowed";
        }
        return response;
    });
    TestClient client(server.port());
    CHECK(client.request("GET", "/status").status == 500);
    const auto split = client.request("GET", "/split");
    CHECK(split.status == 500);
    CHECK(split.header("Set-Cookie").empty());
    CHECK(client.request("GET", "/nocontent").status == 500);
    CHECK(server.log().wait_for({"event=handler_failed", "status 42"}));
}

TEST_CASE("HttpServer writes one access log line per request", "[unit][http]") {
    TestServer server([](const Request& request) {
        Response response = echo(request);
        response.status = 201;
        response.route = "POST /v1/enrol";
        response.device = "dev-7";
        return response;
    });
    TestClient client(server.port());
    CHECK(client.request("POST", "/v1/enrol?token=secret", "12345").status == 201);
    CHECK(client.request("GET", "/healthz").status == 200);

    REQUIRE(server.log().wait_for({"path=/healthz"}));
    const auto lines = server.log().matching({"method=POST"});
    REQUIRE(lines.size() == 1);
    const std::string& line = lines.front();
    CHECK(line.rfind("time=", 0) == 0);
    CHECK_THAT(line, Catch::Contains(" method=POST path=/v1/enrol route=\"POST /v1/enrol\" "
                                     "status=201 duration_ms="));
    CHECK_THAT(line, Catch::Contains(" device=dev-7 remote=127.0.0.1:"));
    CHECK_THAT(line, Catch::Contains(" bytes_out="));
    CHECK_THAT(line, !Catch::Contains("secret"));  // the query string is never logged
    CHECK(server.log().matching({"path=/healthz", "device=-"}).size() == 1);
    // bytes_in counts the request line, headers and the 5-byte body.
    const auto at = line.find("bytes_in=");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoul(line.substr(at + 9)) > 5);
}

TEST_CASE("HttpServer writes the handler's error on the request's access line", "[unit][http]") {
    TestServer server([](const Request& request) -> Response {
        Response response;
        response.route = "GET /fault";
        if (request.path == "/fault") {
            response.status = 500;
            response.body = R"({"error":"internal","message":"internal server error"})";
            response.error = "disk I/O error";
        }
        return response;
    });
    TestClient client(server.port());

    const auto fault = client.request("GET", "/fault");
    CHECK(fault.status == 500);
    CHECK(fault.body.find("disk I/O error") == std::string::npos);  // never sent
    CHECK(server.log().wait_for(
        {"method=GET", "path=/fault", "status=500", "bytes_out=", "error=\"disk I/O error\""}));

    CHECK(client.request("GET", "/fine").status == 200);
    CHECK(server.log().wait_for({"path=/fine", "status=200"}));
    for (const auto& line : server.log().matching({"path=/fine"})) {
        CHECK(line.find("error=") == std::string::npos);
    }
}

TEST_CASE("HttpServer without its builtin endpoints hands /healthz and /metrics to the handler",
          "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(
        [&](const Request& request) {
            ++calls;
            return echo(request);
        },
        [](ServerConfig& config) { config.builtin_endpoints = false; });
    TestClient client(server.port());
    const auto health = client.request("POST", "/healthz", "from the handler");
    CHECK(health.status == 200);
    CHECK(health.body == "from the handler");
    CHECK(client.request("GET", "/metrics").body.empty());
    CHECK(calls == 2);
}
