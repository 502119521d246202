// HttpServer's life: configuration checks, start errors, the orderly stop,
// signals, and many clients at once.
#include <atomic>
#include <csignal>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/unit/http/test_client.hpp"
#include "tests/unit/http/test_server.hpp"

using namespace dspt::test::http;
using namespace std::chrono_literals;
using dspt::ErrorCode;

namespace {

// The dspt::Error that fn throws; fails the test when it throws none.
template <typename Fn>
dspt::Error error_from(Fn&& fn) {
    try {
        fn();
    } catch (const dspt::Error& e) {
        return e;
    }
    FAIL("no dspt::Error was thrown");
    return dspt::Error(ErrorCode::internal, "unreachable");
}

// Waits (bounded) until `done` holds.
template <typename Pred>
bool eventually(Pred done, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

}  // namespace

TEST_CASE("ServerConfig refuses plain HTTP off loopback unless insecure", "[unit][http]") {
    ServerConfig config;
    config.listen_host = "0.0.0.0";
    const auto error = error_from([&] { config.validate(); });
    CHECK(error.code() == ErrorCode::invalid_argument);
    CHECK_THAT(error.what(), Catch::Contains("0.0.0.0"));
    CHECK_THAT(error.what(), Catch::Contains("--tls-cert"));
    CHECK_THAT(error.what(), Catch::Contains("--insecure"));

    config.insecure = true;
    CHECK_NOTHROW(config.validate());

    config.insecure = false;
    for (const char* loopback : {"127.0.0.1", "::1", "localhost"}) {
        config.listen_host = loopback;
        CHECK_NOTHROW(config.validate());
    }
    // The server checks too, before binding anything.
    config.listen_host = "0.0.0.0";
    HttpServer server(config, echo);
    CHECK(error_from([&] { server.start(); }).code() == ErrorCode::invalid_argument);
}

TEST_CASE("ServerConfig checks the TLS files and the limits", "[unit][http]") {
    const TempDir dir;
    const auto& tls = self_signed_certificate();
    ServerConfig config;

    config.tls_cert = tls.cert;
    auto error = error_from([&] { config.validate(); });
    CHECK(error.code() == ErrorCode::invalid_argument);
    CHECK_THAT(error.what(), Catch::Contains("--tls-key"));

    config.tls_key = dir.file("missing-key.pem");
    error = error_from([&] { config.validate(); });
    CHECK_THAT(error.what(), Catch::Contains("missing-key.pem"));

    config.tls_key = tls.key;
    config.tls_cert = dir.file("missing-cert.pem");
    error = error_from([&] { config.validate(); });
    CHECK_THAT(error.what(), Catch::Contains("missing-cert.pem"));

    // With TLS, any address is acceptable.
    config.tls_cert = tls.cert;
    config.listen_host = "0.0.0.0";
    CHECK_NOTHROW(config.validate());

    // A key that is not the certificate's is found at start().
    config.listen_host = "127.0.0.1";
    config.tls_key = tls.cert;
    HttpServer mismatched(config, echo);
    CHECK(error_from([&] { mismatched.start(); }).code() == ErrorCode::invalid_argument);

    ServerConfig limits;
    limits.limits.body_limit = 0;
    CHECK_THAT(error_from([&] { limits.validate(); }).what(), Catch::Contains("body_limit"));
    limits = ServerConfig{};
    limits.limits.read_timeout = 0ms;
    CHECK_THAT(error_from([&] { limits.validate(); }).what(), Catch::Contains("read_timeout"));
}

TEST_CASE("HttpServer::start binds once and reports a busy port", "[unit][http]") {
    TestServer first(echo);
    CHECK(first.port() != 0);
    CHECK(first.server().port() == first.port());
    CHECK(error_from([&] { first.server().start(); }).code() == ErrorCode::failed_precondition);

    ServerConfig config;
    config.listen_port = first.port();
    config.log = [](std::string_view) {};
    HttpServer second(config, echo);
    const auto error = error_from([&] { second.start(); });
    CHECK(error.code() == ErrorCode::network);
    CHECK_THAT(error.what(), Catch::Contains(std::to_string(first.port())));
}

TEST_CASE("HttpServer::stop lets a request in flight finish", "[unit][http]") {
    std::atomic<bool> entered{false};
    TestServer server([&](const Request& request) {
        entered = true;
        std::this_thread::sleep_for(300ms);
        return echo(request);
    });
    const auto port = server.port();

    auto reply = std::async(std::launch::async, [port] {
        TestClient client(port);
        return client.request("POST", "/slow", "finish me");
    });
    REQUIRE(eventually([&] { return entered.load(); }));
    const auto started = std::chrono::steady_clock::now();
    server.server().stop();
    const auto took = std::chrono::steady_clock::now() - started;

    const auto response = reply.get();
    CHECK(response.status == 200);
    CHECK(response.body == "finish me");
    CHECK_FALSE(response.keep_alive);  // "Connection: close" while stopping
    CHECK(took >= 150ms);              // it waited for the handler
    CHECK(took < 4s);                  // and not for the grace period
    CHECK_FALSE(can_connect(port));
    server.server().stop();  // idempotent
}

TEST_CASE("HttpServer::stop closes idle keep-alive connections at once", "[unit][http]") {
    TestServer server(echo, [](ServerConfig& config) {
        config.limits.idle_timeout = 60s;
        config.limits.shutdown_grace = 30s;
    });
    TestClient idle(server.port());
    CHECK(idle.request("POST", "/echo", "x").status == 200);
    TestClient fresh(server.port());  // connected, no request yet

    const auto started = std::chrono::steady_clock::now();
    server.server().stop();
    CHECK(std::chrono::steady_clock::now() - started < 3s);
    CHECK(idle.wait_for_close(3s).has_value());
    CHECK(fresh.wait_for_close(3s).has_value());
}

TEST_CASE("HttpServer::stop closes connections still busy after the grace period", "[unit][http]") {
    TestServer server(echo, [](ServerConfig& config) {
        config.limits.read_timeout = 30s;
        config.limits.shutdown_grace = 200ms;
    });
    TestClient slow(server.port());
    slow.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nten bytes.");
    // Let the session start reading the request (no longer idle) before stopping.
    std::this_thread::sleep_for(300ms);

    const auto started = std::chrono::steady_clock::now();
    server.server().stop();
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took >= 150ms);
    CHECK(took < 3s);
    CHECK(slow.wait_for_close(3s).has_value());
    CHECK(server.log().matching({"event=shutdown_grace_expired", "open_sessions=1"}).size() == 1);
}

TEST_CASE("HttpServer::wait returns after SIGTERM with stop_on_signals", "[unit][http]") {
    TestServer server(echo);
    server.server().stop_on_signals();
    auto waited = std::async(std::launch::async, [&] { server.server().wait(); });
    CHECK(waited.wait_for(100ms) == std::future_status::timeout);  // still serving
    TestClient client(server.port());
    CHECK(client.request("GET", "/healthz").status == 200);

    REQUIRE(std::raise(SIGTERM) == 0);
    REQUIRE(waited.wait_for(5s) == std::future_status::ready);
    CHECK_FALSE(can_connect(server.port()));
    CHECK(server.log().wait_for({"event=stopping", "signal=15"}));
}

TEST_CASE("HttpServer serves concurrent clients", "[unit][http]") {
    constexpr int kClients = 8;
    constexpr int kRequests = 50;
    std::atomic<int> calls{0};
    TestServer server(
        [&](const Request& request) {
            ++calls;
            return echo(request);
        },
        [](ServerConfig& config) { config.threads = 4; });

    std::vector<std::future<int>> clients;
    const auto started = std::chrono::steady_clock::now();
    for (int c = 0; c < kClients; ++c) {
        clients.push_back(std::async(std::launch::async, [&server, c] {
            TestClient client(server.port());
            int ok = 0;
            for (int i = 0; i < kRequests; ++i) {
                const std::string body = "client " + std::to_string(c) + " request " +
                                         std::to_string(i) + std::string(100 * (i % 7), '.');
                const auto response = client.request("POST", "/echo", body);
                ok += response.status == 200 && response.body == body ? 1 : 0;
            }
            return ok;
        }));
    }
    int succeeded = 0;
    for (auto& client : clients) {
        succeeded += client.get();
    }
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    WARN("concurrency: " << kClients * kRequests << " requests in " << elapsed.count() << " s");
    CHECK(succeeded == kClients * kRequests);
    CHECK(calls == kClients * kRequests);

    // Each connection's last request is recorded just after its response is
    // written, so poll briefly for the totals.
    TestClient observer(server.port());
    const std::string expected = "dspt_http_requests_total{route=\"POST /echo\",status=\"200\"} " +
                                 std::to_string(kClients * kRequests) + "\n";
    std::string metrics;
    CHECK(eventually([&] {
        metrics = observer.request("GET", "/metrics").body;
        return metrics.find(expected) != std::string::npos &&
               metrics.find("dspt_http_open_sessions 1\n") != std::string::npos;
    }));
    INFO(metrics);
    CHECK_THAT(metrics, Catch::Contains("dspt_http_request_duration_seconds_count"));
}
