// HttpServer's limits over loopback: body and header sizes, malformed
// requests, Expect: 100-continue, first-byte, read, write and idle timeouts,
// connection caps (in all and per client address) and per-connection request caps.
#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/http/test_client.hpp"
#include "tests/unit/http/test_server.hpp"

using namespace dspt::test::http;
using namespace std::chrono_literals;

namespace {

// An echo handler that counts its calls.
struct CountingEcho {
    std::atomic<int>* calls;
    Response operator()(const Request& request) const {
        ++*calls;
        return echo(request);
    }
};

}  // namespace

TEST_CASE("HttpServer refuses a body over the limit with 413 without calling the handler",
          "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls},
                      [](ServerConfig& config) { config.limits.body_limit = 1024; });
    TestClient client(server.port());

    SECTION("a body at the limit is accepted") {
        CHECK(client.request("POST", "/echo", std::string(1024, 'a')).status == 200);
        CHECK(calls == 1);
    }
    SECTION("a Content-Length over the limit") {
        client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                         std::string(4096, 'b'));
    }
    SECTION("a chunked body that grows over the limit") {
        client.write_raw(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            "200\r\n" +
            std::string(512, 'c') + "\r\n800\r\n" + std::string(2048, 'd') + "\r\n0\r\n\r\n");
    }
    if (calls == 0) {
        const auto response = client.read_response();
        CHECK(response.status == 413);
        CHECK(response.header("Content-Type") == "application/json");
        CHECK_THAT(response.body, Catch::StartsWith(R"({"error":"limit_exceeded","message":)"));
        CHECK_THAT(response.body, Catch::Contains("1024 bytes"));
        CHECK_FALSE(response.keep_alive);
        CHECK(client.wait_for_close(3s).has_value());
        CHECK(calls == 0);
        CHECK(server.log().wait_for({"route=(rejected)", "status=413"}));
    }
}

TEST_CASE("HttpServer refuses a header over the limit with 431", "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls},
                      [](ServerConfig& config) { config.limits.header_limit = 1024; });
    TestClient client(server.port());
    client.write_raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'h') +
                     "\r\n\r\n");
    const auto response = client.read_response();
    CHECK(response.status == 431);
    CHECK_THAT(response.body, Catch::Contains(R"("error":"limit_exceeded")"));
    CHECK(client.wait_for_close(3s).has_value());
    CHECK(calls == 0);
}

TEST_CASE("HttpServer answers a malformed request with 400 and closes", "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls});
    const std::string raw =
        GENERATE(as<std::string>{}, "GET /echo HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
                 "GET /echo HTXP/1.1\r\nHost: x\r\n\r\n", "G@T /echo HTTP/1.1\r\nHost: x\r\n\r\n",
                 "POST /echo HTTP/1.1\r\nContent-Length: 12x\r\n\r\n",
                 "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n"
                 "Content-Length: 4\r\n\r\nabcd",
                 "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "zz\r\n");
    CAPTURE(raw);
    TestClient client(server.port());
    client.write_raw(raw);
    const auto response = client.read_response();
    CHECK(response.status == 400);
    CHECK_THAT(response.body, Catch::StartsWith(R"({"error":"protocol","message":"malformed)"));
    CHECK_FALSE(response.keep_alive);
    CHECK(client.wait_for_close(3s).has_value());
    CHECK(calls == 0);
}

TEST_CASE("HttpServer answers other HTTP versions with 505", "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls});
    TestClient client(server.port());
    client.write_raw("GET /echo HTTP/2.0\r\nHost: x\r\n\r\n");
    const auto response = client.read_response();
    CHECK(response.status == 505);
    CHECK_THAT(response.body, Catch::Contains("HTTP/1.1"));
    CHECK(client.wait_for_close(3s).has_value());
    CHECK(calls == 0);
}

TEST_CASE("HttpServer handles Expect: 100-continue", "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls},
                      [](ServerConfig& config) { config.limits.body_limit = 1024; });
    TestClient client(server.port());

    SECTION("a body within the limit is invited, then answered") {
        client.write_raw(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        CHECK(client.read_response().status == 100);
        client.write_raw("hello");
        const auto response = client.read_response();
        CHECK(response.status == 200);
        CHECK(response.body == "hello");
        CHECK(calls == 1);
    }
    SECTION("a body over the limit is refused before it is sent") {
        client.write_raw(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
            "Expect: 100-continue\r\n\r\n");
        CHECK(client.read_response().status == 413);  // no 100 Continue first
        CHECK(client.wait_for_close(3s).has_value());
        CHECK(calls == 0);
    }
    SECTION("any other expectation fails with 417") {
        client.write_raw(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: teapot\r\n\r\nhello");
        CHECK(client.read_response().status == 417);
        CHECK(calls == 0);
    }
}

TEST_CASE("HttpServer disconnects a client that sends nothing", "[unit][http]") {
    TestServer server(echo, [](ServerConfig& config) {
        config.limits.first_byte_timeout = 300ms;
        config.limits.read_timeout = 10s;  // for a request once begun
        config.limits.idle_timeout = 10s;  // not the one that applies to a new connection
    });
    TestClient client(server.port());
    const auto closed_after = client.wait_for_close(5s);
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after >= 200ms);
    CHECK(*closed_after < 3s);
    CHECK(server.log().matching({"method="}).empty());  // not a request: no access line
}

TEST_CASE("HttpServer disconnects a client that stalls mid-headers", "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls},
                      [](ServerConfig& config) { config.limits.read_timeout = 300ms; });
    TestClient client(server.port());
    client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le");
    const auto closed_after = client.wait_for_close(5s);
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after < 3s);
    CHECK(calls == 0);
    CHECK(server.log().wait_for({"event=request_timeout"}));

    SECTION("and one that stalls mid-body") {
        TestClient slow(server.port());
        slow.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some");
        CHECK(slow.wait_for_close(5s).has_value());
        CHECK(calls == 0);
    }
}

TEST_CASE("HttpServer drops a client that stops reading a large answer, serving others meanwhile",
          "[unit][http]") {
    // Far more than the system's socket buffers hold, so the write must wait.
    constexpr std::size_t kLarge = 32 * 1024 * 1024;
    TestServer server(
        [](const Request& request) {
            if (request.path != "/large") {
                return echo(request);
            }
            Response response;
            response.content_type = "application/octet-stream";
            response.body.assign(kLarge, 'x');
            response.route = "GET /large";
            return response;
        },
        [](ServerConfig& config) {
            config.threads = 1;
            config.limits.write_timeout = 300ms;
        });
    TestClient stalled(server.port());
    stalled.write_raw("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");

    // The one I/O thread is not held by the answer waiting to be read.
    TestClient other(server.port());
    const auto answer = other.request("POST", "/echo", "still served");
    CHECK(answer.status == 200);
    CHECK(answer.body == "still served");

    // The stalled answer ends at the write deadline, unfinished, and the
    // connection is closed: reading it now finds its end before the whole body.
    CHECK(server.log().wait_for({"GET /large", "status=200"}));
    const auto received = stalled.read_until_close(10s);
    CHECK(received.size() < kLarge);
}

TEST_CASE("HttpServer closes an idle keep-alive connection after the idle timeout",
          "[unit][http]") {
    TestServer server(echo, [](ServerConfig& config) { config.limits.idle_timeout = 300ms; });
    TestClient client(server.port());
    CHECK(client.request("POST", "/echo", "x").status == 200);
    const auto closed_after = client.wait_for_close(5s);
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after >= 200ms);
    CHECK(*closed_after < 3s);
}

TEST_CASE("HttpServer closes a connection after max_requests_per_connection", "[unit][http]") {
    TestServer server(echo,
                      [](ServerConfig& config) { config.limits.max_requests_per_connection = 3; });
    TestClient client(server.port());
    CHECK(client.request("POST", "/echo", "1").keep_alive);
    CHECK(client.request("POST", "/echo", "2").keep_alive);
    const auto third = client.request("POST", "/echo", "3");
    CHECK(third.status == 200);
    CHECK_FALSE(third.keep_alive);
    CHECK(client.wait_for_close(3s).has_value());
}

TEST_CASE("HttpServer refuses connections over max_connections", "[unit][http]") {
    TestServer server(echo, [](ServerConfig& config) { config.limits.max_connections = 2; });
    TestClient first(server.port());
    TestClient second(server.port());
    // A completed request proves each session is registered.
    CHECK(first.request("POST", "/echo", "1").status == 200);
    CHECK(second.request("POST", "/echo", "2").status == 200);

    TestClient third(server.port());  // the kernel accepts; the server closes it
    const auto closed_after = third.wait_for_close(3s);
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after < 2s);
    CHECK(server.log().wait_for({"event=connection_refused", "reason=max_connections"}));

    const auto metrics = first.request("GET", "/metrics").body;
    CHECK_THAT(metrics, Catch::Contains("dspt_http_connections_refused_total 1\n"));
    CHECK_THAT(metrics, Catch::Contains("dspt_http_open_sessions 2\n"));
}

TEST_CASE("HttpServer caps the connections from one address and serves other clients meanwhile",
          "[unit][http]") {
    TestServer server(echo, [](ServerConfig& config) {
        config.limits.max_connections = 10;
        config.limits.max_connections_per_address = 3;
    });
    ClientOptions flooder;
    flooder.source_address = "127.0.0.2";
    std::vector<std::unique_ptr<TestClient>> flood;
    for (int i = 0; i < 3; ++i) {
        flood.push_back(std::make_unique<TestClient>(server.port(), flooder));
        CHECK(flood.back()->request("POST", "/echo", "x").status == 200);
    }
    TestClient over(server.port(), flooder);  // the kernel accepts; the server closes it
    const auto closed_after = over.wait_for_close(3s);
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after < 2s);
    CHECK(server.log().wait_for(
        {"event=connection_refused", "reason=max_connections_per_address", "address=127.0.0.2"}));

    // Another address is served while the first holds its share.
    TestClient other(server.port());
    CHECK(other.request("POST", "/echo", "mine").body == "mine");

    // A connection that ends frees its place for the same address.
    flood.pop_back();
    bool served_again = false;
    for (int attempt = 0; attempt < 50 && !served_again; ++attempt) {
        TestClient again(server.port(), flooder);
        try {
            served_again = again.request("POST", "/echo", "y").status == 200;
        } catch (const std::runtime_error&) {
            std::this_thread::sleep_for(20ms);  // the server has not seen the close yet
        }
    }
    CHECK(served_again);
}

TEST_CASE("HttpServer answers a refusal with the application's page when it gives one",
          "[unit][http]") {
    std::atomic<int> calls{0};
    std::atomic<bool> page_throws{false};
    TestServer server(CountingEcho{&calls}, [&page_throws](ServerConfig& config) {
        config.limits.body_limit = 1024;
        config.refusal_page = [&page_throws](const dspt::http::Refusal& refusal) {
            if (page_throws) {
                throw std::runtime_error("no page today");
            }
            Response page;
            page.status = 200;  // the server puts the refusal's status back
            page.content_type = "text/plain; charset=utf-8";
            page.body = "refused " + std::to_string(refusal.status) + " declared " +
                        (refusal.declared_length ? std::to_string(*refusal.declared_length)
                                                 : std::string("none"));
            return page;
        };
    });
    TestClient client(server.port());

    SECTION("a declared length over the limit reaches the page") {
        client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                         std::string(4096, 'b'));
        const auto response = client.read_response();
        CHECK(response.status == 413);
        CHECK(response.header("Content-Type") == "text/plain; charset=utf-8");
        CHECK(response.body == "refused 413 declared 4096");
        CHECK(server.log().wait_for({"route=(rejected)", "status=413"}));
    }
    SECTION("a malformed request has no length to tell") {
        client.write_raw("GET /echo HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n");
        const auto response = client.read_response();
        CHECK(response.status == 400);
        CHECK(response.body == "refused 400 declared none");
    }
    SECTION("a page that throws leaves the JSON error body") {
        page_throws = true;
        client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n");
        const auto response = client.read_response();
        CHECK(response.status == 413);
        CHECK_THAT(response.body, Catch::StartsWith(R"({"error":"limit_exceeded")"));
        CHECK(server.log().wait_for({"refusal_page_failed", "no page today"}));
    }
    CHECK(client.wait_for_close(3s).has_value());
    CHECK(calls == 0);
}

TEST_CASE("HttpServer lets the application refuse a request on its header, before the body",
          "[unit][http]") {
    std::atomic<int> calls{0};
    TestServer server(CountingEcho{&calls}, [](ServerConfig& config) {
        config.limits.body_limit = 1024;
        config.admit = [](const Request& head) -> std::optional<Response> {
            if (head.path == "/throw") {
                throw std::runtime_error("admission broke");
            }
            if (head.header("X-Key") == "let-me-in") {
                return std::nullopt;
            }
            Response refusal;
            refusal.status = 403;
            refusal.content_type = "text/plain";
            refusal.body =
                "no key for " + head.path + ", body so far: " + std::to_string(head.body.size());
            return refusal;
        };
    });
    TestClient client(server.port());

    SECTION("a body that never comes is not waited for") {
        client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        const auto response = client.read_response();
        CHECK(response.status == 403);
        CHECK(response.body == "no key for /echo, body so far: 0");
        CHECK_FALSE(response.keep_alive);
        CHECK(server.log().wait_for({"route=(rejected)", "status=403"}));
    }
    SECTION("its refusal comes before the body limit's") {
        client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n");
        CHECK(client.read_response().status == 403);
    }
    SECTION("with no refusal the request goes on, under the body limit") {
        CHECK(client.request("POST", "/echo", "hello", {{"X-Key", "let-me-in"}}).body == "hello");
        CHECK(calls == 1);
        TestClient second(server.port());
        second.write_raw(
            "POST /echo HTTP/1.1\r\nHost: x\r\nX-Key: let-me-in\r\nContent-Length: 4096\r\n\r\n");
        CHECK(second.read_response().status == 413);
    }
    SECTION("an admission that throws answers 500") {
        client.write_raw("POST /throw HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
        CHECK(client.read_response().status == 500);
        CHECK(server.log().wait_for({"admit_failed", "admission broke"}));
    }
    CHECK(calls <= 1);
}
