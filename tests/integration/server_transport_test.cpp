// The server's transport: TLS, body limits, zstd bodies, idle clients,
// loopback-only plain HTTP, and a clean stop.

#include <arpa/inet.h>
#include <cctype>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/compression/zstd_codec.hpp"
#include "common/crypto/random.hpp"
#include "common/files.hpp"
#include "protocol/codec.hpp"
#include "protocol/signing.hpp"
#include "protocol/sync_messages.hpp"
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

// A response read off a raw socket, as the server sent it.
struct RawResponse {
    int status = 0;
    std::string head;  // the status line and header fields
    std::string body;

    // A header's value (names compare without regard to case); empty when absent.
    std::string header(std::string_view name) const {
        const auto lower = [](std::string text) {
            for (auto& c : text) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            return text;
        };
        const auto key = "\r\n" + lower(std::string(name)) + ":";
        const auto at = lower(head).find(key);
        if (at == std::string::npos) {
            return {};
        }
        const auto start = head.find_first_not_of(' ', at + key.size());
        return head.substr(start, head.find("\r\n", start) - start);
    }
};

// Sends one request (`fields`: the request line and header fields, each
// ending in CRLF) with `body` on a new connection, and reads the response.
RawResponse raw_exchange(std::uint16_t port, const std::string& fields, const std::string& body) {
    RawSocket socket(port);
    socket.send_text(fields + "Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body);
    const auto [data, closed] = socket.read_until_closed(std::chrono::seconds(10));
    REQUIRE(closed);
    const auto end_of_head = data.find("\r\n\r\n");
    REQUIRE(end_of_head != std::string::npos);
    RawResponse response;
    response.head = data.substr(0, end_of_head);
    response.body = data.substr(end_of_head + 4);
    REQUIRE(response.head.starts_with("HTTP/1.1 "));
    response.status = std::stoi(response.head.substr(9, 3));
    return response;
}

// The four signature header fields of a request signed by `identity`.
std::string signature_fields(const client::DeviceIdentity& identity, const std::string& method,
                             const std::string& target, const std::string& signed_body) {
    const auto now = static_cast<std::int64_t>(HybridClock::system_millis());
    const auto headers = protocol::sign_request(identity.signing, identity.device_id, method,
                                                target, signed_body, now);
    return std::string(protocol::kDeviceHeader) + ": " + headers.device_id + "\r\n" +
           std::string(protocol::kTimestampHeader) + ": " + headers.timestamp + "\r\n" +
           std::string(protocol::kNonceHeader) + ": " + headers.nonce + "\r\n" +
           std::string(protocol::kSignatureHeader) + ": " + headers.signature + "\r\n";
}

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
    CHECK_THAT(untrusted.err, Catch::Contains("--ca-file"));
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
    // The transport sends it as a zstd frame of a few dozen bytes; the server
    // refuses it once decompressed.
    request.body = std::string(100'000, 'x');
    const auto response = transport->send(request);
    CHECK(response.status == 413);
    CHECK_THAT(response.body, Catch::Contains("limit_exceeded"));

    request.body = "not a message";
    const auto malformed = transport->send(request);
    CHECK(malformed.status == 400);
    CHECK_THAT(malformed.body, Catch::Contains("protocol"));
}

TEST_CASE("a signed push travels as zstd and its answer comes back as zstd",
          "[integration][server_transport]") {
    ServerProcess server;
    server.register_demo();
    ClientHome home;
    enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}));
    auto store = client::LocalStore::open(home.store_file(), ClientHome::kPassphrase);
    const auto identity = client::require_identity(*store);

    protocol::PushRequest push;
    const auto replica = crypto::random_uuid();
    const auto hlc = HybridClock::system_millis() << 16;
    for (std::int64_t seq = 1; seq <= 20; ++seq) {
        std::string key = "2025-26/answer/1.1.";
        key += std::to_string(seq);
        push.entries.push_back({replica,
                                seq,
                                hlc + static_cast<std::uint64_t>(seq),
                                "VC001",
                                key,
                                {},
                                R"({"value":"yes"})",
                                "test manager"});
    }
    const auto body = protocol::encode(push);
    const auto frame = compression::compress(body);
    CHECK(frame.size() < body.size() / 2);
    const std::string fields =
        "POST /v1/sync/push HTTP/1.1\r\nContent-Type: application/octet-stream\r\n"
        "Content-Encoding: zstd\r\nAccept-Encoding: zstd\r\n";

    // A signature over the frame, not the body, is refused: the server
    // checks it after decompressing, so signatures do not depend on the coding.
    const auto wrongly_signed = raw_exchange(
        server.port(), fields + signature_fields(identity, "POST", "/v1/sync/push", frame), frame);
    CHECK(wrongly_signed.status == 401);

    const auto response = raw_exchange(
        server.port(), fields + signature_fields(identity, "POST", "/v1/sync/push", body), frame);
    INFO(response.head << "\n" << response.body);
    REQUIRE(response.status == 200);
    CHECK(response.header("Content-Encoding") == "zstd");
    CHECK(response.header("Vary") == "Accept-Encoding");
    const auto answer = protocol::decode<protocol::PushResponse>(
        compression::decompress(response.body, protocol::kMaxMessageBytes));
    REQUIRE(answer.results.size() == push.entries.size());
    for (const auto& result : answer.results) {
        CHECK(result.outcome == protocol::PushOutcome::accepted);
    }
}

TEST_CASE("a corrupt zstd body gets 400, another coding 415, and plain clients plain bodies",
          "[integration][server_transport]") {
    ServerProcess server;
    const auto corrupt = raw_exchange(
        server.port(), "POST /v1/enrol HTTP/1.1\r\nContent-Encoding: zstd\r\n", "not zstd at all");
    CHECK(corrupt.status == 400);
    CHECK_THAT(corrupt.body, Catch::Contains(R"("error":"protocol")") && Catch::Contains("zstd"));

    const auto unknown =
        raw_exchange(server.port(), "POST /v1/enrol HTTP/1.1\r\nContent-Encoding: br\r\n", "abc");
    CHECK(unknown.status == 415);
    CHECK(unknown.header("Accept-Encoding") == "zstd");

    // curl without --compressed, and curl with it (which does not offer zstd).
    for (const std::string accept : {"", "Accept-Encoding: gzip, deflate, br\r\n"}) {
        const auto metrics = raw_exchange(server.port(), "GET /metrics HTTP/1.1\r\n" + accept, {});
        CHECK(metrics.status == 200);
        CHECK(metrics.header("Content-Encoding").empty());
        CHECK_THAT(metrics.body, Catch::Contains("dspt_http_requests_total"));
        CHECK(raw_exchange(server.port(), "GET /healthz HTTP/1.1\r\n" + accept, {}).body == "ok\n");
    }
    const auto compressed =
        raw_exchange(server.port(), "GET /metrics HTTP/1.1\r\nAccept-Encoding: zstd\r\n", {});
    CHECK(compressed.header("Content-Encoding") == "zstd");
    CHECK_THAT(compression::decompress(compressed.body, 1024 * 1024),
               Catch::Contains("dspt_http_requests_total"));
}

TEST_CASE("a client that sends nothing is disconnected after the first-byte timeout",
          "[integration][server_transport]") {
    ServerProcess server(
        {"--first-byte-timeout", "1", "--read-timeout", "1", "--idle-timeout", "1"});
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
