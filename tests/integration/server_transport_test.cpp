// The server's transport: TLS, body limits, idle clients, loopback-only plain
// HTTP, and a clean stop.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "client/sync/transport.hpp"
#include "common/files.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// A raw TCP connection to 127.0.0.1:port.
class RawSocket {
  public:
    explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    ~RawSocket() { ::close(fd_); }

    void send_text(const std::string& text) {
        REQUIRE(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(text.size()));
    }

    // Reads until the peer closes or `timeout` passes; returns what arrived and
    // whether the peer closed.
    std::pair<std::string, bool> read_until_closed(std::chrono::milliseconds timeout) {
        std::string data;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                continue;
            }
            char buf[4096];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                return {data, true};
            }
            data.append(buf, static_cast<std::size_t>(n));
        }
        return {data, false};
    }

  private:
    int fd_;
};

}  // namespace

TEST_CASE("the server speaks TLS with a certificate made by openssl",
          "[integration][server_transport]") {
    TempDir dir;
    const auto cert = dir.path() / "cert.pem";
    const auto key = dir.path() / "key.pem";
    const auto made = run_process("/usr/bin/openssl",
                                  {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                   key.string(), "-out", cert.string(), "-days", "1", "-subj",
                                   "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);

    ServerProcess server({"--tls-cert", cert.string(), "--tls-key", key.string()});
    CHECK_THAT(server.url(), Catch::StartsWith("https://"));
    server.register_demo();

    ClientHome home;
    REQUIRE(home.run({"init"}).exit_code == 0);
    const auto code = server.code({"--org", "CD2", "--site", "VC001"});
    // Without trusting the certificate, the client refuses the server.
    const auto untrusted = home.run({"enrol", "--server", server.url(), "--code", code});
    CHECK(untrusted.exit_code == 4);
    const auto trusted =
        home.run({"enrol", "--server", server.url(), "--code", code, "--ca-file", cert.string()});
    INFO(trusted.err);
    REQUIRE(trusted.exit_code == 0);
    CHECK(home.json({"whoami"})["site"] == "VC001");

    // Plain HTTP to the TLS port gets nowhere, and the server carries on.
    RawSocket plain(server.port());
    plain.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto [reply, closed] = plain.read_until_closed(std::chrono::seconds(10));
    CHECK(reply.find("200 OK") == std::string::npos);
    CHECK(home.json({"whoami"})["role"] == "branch");
}

TEST_CASE("the server reads the documented configuration file, and flags win over it",
          "[integration][server_transport]") {
    TempDir dir;
    const auto cert = dir.path() / "cert.pem";
    const auto key = dir.path() / "key.pem";
    REQUIRE(run_process("/usr/bin/openssl",
                        {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                         "-nodes", "-keyout", key.string(), "-out", cert.string(), "-days", "1",
                         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"})
                .exit_code == 0);
    // The example names /var/lib/dspt, 0.0.0.0:8443 and /etc/dspt/tls: the flags
    // (--data and --listen from the fixture) replace them.
    const std::string example = std::string(DSPT_SOURCE_DIR) + "/deploy/dspt-server.conf.example";
    ServerProcess server(
        {"--config", example, "--tls-cert", cert.string(), "--tls-key", key.string()});
    CHECK_THAT(server.url(), Catch::StartsWith("https://127.0.0.1:"));

    // A mistyped key is refused rather than ignored.
    const auto typo = dir.path() / "typo.conf";
    write_file_atomic(
        typo, "data = " + dir.path().string() + "\nlisten = 127.0.0.1:0\nauth-windw = 60\n");
    const auto refused = run_process(DSPT_SERVER_BIN, {"serve", "--config", typo.string()});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("auth-windw"));
}

TEST_CASE("a body over the limit gets 413", "[integration][server_transport]") {
    ServerProcess server({"--body-limit", "4096"});
    const auto transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
    client::HttpRequest request;
    request.method = "POST";
    request.target = "/v1/enrol";
    request.body = std::string(100'000, 'x');
    const auto response = transport->send(request);
    CHECK(response.status == 413);
    CHECK_THAT(response.body, Catch::Contains("limit_exceeded"));

    request.body = "not a message";
    const auto malformed = transport->send(request);
    CHECK(malformed.status == 400);
    CHECK_THAT(malformed.body, Catch::Contains("protocol"));
}

TEST_CASE("a client that sends nothing is disconnected after the read timeout",
          "[integration][server_transport]") {
    ServerProcess server({"--read-timeout", "1", "--idle-timeout", "1"});
    RawSocket silent(server.port());
    const auto started = std::chrono::steady_clock::now();
    const auto [data, closed] = silent.read_until_closed(std::chrono::seconds(15));
    CHECK(closed);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));

    RawSocket half(server.port());
    half.send_text("POST /v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    CHECK(half.read_until_closed(std::chrono::seconds(15)).second);

    // The server still answers others.
    const auto transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
    CHECK(transport->send({"GET", "/healthz", {}, {}, {}}).status == 200);
}

TEST_CASE("plain HTTP is refused on a non-loopback address without --insecure",
          "[integration][server_transport]") {
    TempDir data;
    const auto result = run_process(
        DSPT_SERVER_BIN, {"serve", "--data", data.path().string(), "--listen", "0.0.0.0:0"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("--tls-cert") && Catch::Contains("--insecure"));
}

TEST_CASE("SIGTERM stops the server cleanly", "[integration][server_transport]") {
    ServerProcess server;
    const auto transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
    const auto metrics = transport->send({"GET", "/metrics", {}, {}, {}});
    CHECK(metrics.status == 200);
    CHECK_THAT(metrics.body, Catch::Contains("dspt_http_requests_total"));
    server.process().signal(SIGTERM);
    CHECK(server.process().wait(std::chrono::seconds(20)) == 0);
    CHECK_THAT(server.process().out(), Catch::Contains("stopped"));
}
