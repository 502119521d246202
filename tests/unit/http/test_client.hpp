#pragma once
// Test helpers for server/http: a small HTTP(S) client over loopback, a
// self-signed certificate made with the openssl command, and temp dirs.
//
// The client owns its own io_context and runs every operation to completion
// under a deadline (ClientOptions::timeout), so no test can hang on a socket.
// Its header is Asio-free: only test_client.cpp includes Beast.
//
// Thread-safety: one TestClient per thread; distinct clients are independent.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "tests/support/temp_dir.hpp"

namespace dspt::test::http {

using dspt::http::Headers;

struct ClientResponse {
    int status = 0;
    Headers headers;
    std::string body;
    bool keep_alive = false;

    std::string header(std::string_view name) const;
};

struct ClientOptions {
    // Set: speak TLS and verify the server against this certificate, for
    // the host 127.0.0.1. Unset: plain HTTP.
    std::optional<std::filesystem::path> ca_cert;
    std::chrono::milliseconds timeout{5'000};  // per operation
    // Set: connect from this loopback address ("127.0.0.2"), as another
    // client machine would. Unset: the system's choice (127.0.0.1).
    std::optional<std::string> source_address{};
};

class TestClient {
  public:
    // Connects to 127.0.0.1:port (and completes the TLS handshake). Throws
    // std::runtime_error on failure.
    explicit TestClient(std::uint16_t port, ClientOptions options = {});
    ~TestClient();
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    // Sends one HTTP/1.1 request (Host and Content-Length added) and reads
    // its response. Throws std::runtime_error on any I/O failure or timeout.
    ClientResponse request(std::string_view method, std::string_view target, std::string body = {},
                           const Headers& headers = {});

    // Sends bytes as they are.
    void write_raw(std::string_view bytes);

    // Reads the next response (a 100 Continue counts as one).
    ClientResponse read_response();

    // Reads and discards until the server closes the connection. Returns how
    // long that took, or nothing if it was still open after `limit`.
    std::optional<std::chrono::milliseconds> wait_for_close(std::chrono::milliseconds limit);

    // Reads until the connection closes or `limit` passes; returns the bytes.
    std::string read_until_close(std::chrono::milliseconds limit);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True when a TCP connection to 127.0.0.1:port is accepted.
bool can_connect(std::uint16_t port);

using TempDir = dspt::test::TempDir;

struct TlsFiles {
    std::filesystem::path cert;
    std::filesystem::path key;
};

// A self-signed RSA certificate for CN and IP 127.0.0.1, made once per test
// run with `openssl req -x509` into a temp dir. Throws if openssl fails.
const TlsFiles& self_signed_certificate();

}  // namespace dspt::test::http
