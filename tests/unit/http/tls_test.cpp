// HttpServer over TLS: a verified HTTPS exchange with a self-signed
// certificate made by the openssl command, and plain HTTP sent to the TLS
// port.
#include <string>

#include <catch2/catch.hpp>

#include "tests/unit/http/test_client.hpp"
#include "tests/unit/http/test_server.hpp"

using namespace dspt::test::http;
using namespace std::chrono_literals;

namespace {

TestServer make_tls_server() {
    const auto& tls = self_signed_certificate();
    return TestServer(echo, [&](ServerConfig& config) {
        config.tls_cert = tls.cert;
        config.tls_key = tls.key;
    });
}

}  // namespace

TEST_CASE("HttpServer serves HTTPS with the configured certificate", "[unit][http]") {
    const auto server = make_tls_server();
    TestClient client(server.port(), {.ca_cert = self_signed_certificate().cert});
    for (int i = 0; i < 3; ++i) {  // keep-alive over TLS
        const auto response = client.request("POST", "/echo", "secret " + std::to_string(i));
        CHECK(response.status == 200);
        CHECK(response.body == "secret " + std::to_string(i));
        CHECK(response.keep_alive);
    }
    CHECK(client.request("GET", "/healthz").body == "ok\n");
    CHECK(server.log().wait_for({"event=listening", "tls=yes"}));
}

TEST_CASE("HttpServer survives plain HTTP sent to its TLS port", "[unit][http]") {
    const auto server = make_tls_server();
    {
        TestClient plain(server.port());
        plain.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const std::string answer = plain.read_until_close(3s);
        CHECK(answer.find("HTTP/1.1") == std::string::npos);  // no plaintext reply
    }
    CHECK(server.log().wait_for({"event=tls_handshake_failed"}));

    TestClient client(server.port(), {.ca_cert = self_signed_certificate().cert});
    CHECK(client.request("POST", "/echo", "after").body == "after");
}

TEST_CASE("HttpServer's TLS certificate fails verification against another CA", "[unit][http]") {
    const auto server = make_tls_server();
    const TempDir dir;
    const auto other = dir.file("other.pem");
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" +
                                dir.file("other-key.pem").string() + "' -out '" + other.string() +
                                "' -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK_THROWS_WITH(TestClient(server.port(), {.ca_cert = other}),
                      Catch::Contains("handshake failed"));
    // The server logs the client's rejection and keeps serving.
    TestClient client(server.port(), {.ca_cert = self_signed_certificate().cert});
    CHECK(client.request("GET", "/healthz").status == 200);
}
