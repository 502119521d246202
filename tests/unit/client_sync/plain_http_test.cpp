// Plain http:// only to this computer unless the user says the network is
// trusted: the rule every transport to a server goes through, whether the
// address was given to `dspt enrol`, kept with the device's identity, or given
// for one run.

#include "client/sync/plain_http.hpp"

#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "client/sync/server_session.hpp"
#include "client/sync/transport.hpp"
#include "common/error.hpp"

namespace dspt::client::test {

namespace {

// Why making a transport to `url` was refused; nullopt when it was made.
std::optional<ErrorCode> refusal_of(const std::string& url, bool insecure_http = false) {
    TransportOptions options;
    options.insecure_http = insecure_http;
    try {
        make_http_transport(ServerUrl::parse(url), options);
    } catch (const Error& e) {
        return e.code();
    }
    return std::nullopt;
}

constexpr std::nullopt_t kMade = std::nullopt;

}  // namespace

TEST_CASE("loopback hosts are this computer, nothing else is", "[client_sync]") {
    for (const auto* host :
         {"localhost", "LocalHost", "127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
        INFO(host);
        CHECK(is_loopback_host(host));
    }
    for (const auto* host :
         {"dspt.example.org", "localhost.example.org", "10.0.0.1", "192.168.1.20", "128.0.0.1",
          "::2", "::ffff:10.0.0.1", "0.0.0.0", "127.1", "", "localhost."}) {
        INFO(host);
        CHECK_FALSE(is_loopback_host(host));
    }
}

TEST_CASE("plain http is refused to another computer unless --insecure-http", "[client_sync]") {
    CHECK(refusal_of("http://127.0.0.1:8080") == kMade);
    CHECK(refusal_of("http://localhost:8080") == kMade);
    CHECK(refusal_of("http://[::1]:8080") == kMade);
    CHECK(refusal_of("https://dspt.example.org") == kMade);
    CHECK(refusal_of("https://10.0.0.5:8443") == kMade);

    CHECK(refusal_of("http://dspt.example.org") == ErrorCode::invalid_argument);
    CHECK(refusal_of("http://10.0.0.5:8080") == ErrorCode::invalid_argument);
    CHECK(refusal_of("http://[fe80::1]:8080") == ErrorCode::invalid_argument);
    CHECK(refusal_of("http://dspt.example.org", true) == kMade);

    try {
        make_http_transport(ServerUrl::parse("http://dspt.example.org:8080"), {});
        FAIL("made a plain transport to another computer");
    } catch (const Error& e) {
        const std::string message = e.what();
        CHECK_THAT(message, Catch::Contains("dspt.example.org"));
        CHECK_THAT(message, Catch::Contains("unencrypted"));
        CHECK_THAT(message, Catch::Contains("https://"));
        CHECK_THAT(message, Catch::Contains("--ca-file"));
        CHECK_THAT(message, Catch::Contains("--insecure-http"));
    }
}

TEST_CASE("the address kept at enrolment meets the same rule as one given for a run",
          "[client_sync]") {
    // A store enrolled with a plain address of another computer (by an older
    // version, or with --insecure-http): every later command, and the screen's
    // Sync now, opens its transport here.
    DeviceIdentity identity;
    identity.server_url = "http://10.0.0.5:8080";
    CHECK_THROWS_MATCHES(transport_for(identity), Error,
                         Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return e.code() == ErrorCode::invalid_argument;
                         }));
    TransportOptions trusted;
    trusted.insecure_http = true;
    CHECK(transport_for(identity, {}, trusted) != nullptr);
    // A run's --server is checked as well, even when the enrolled address is local.
    identity.server_url = "http://127.0.0.1:8080";
    CHECK(transport_for(identity) != nullptr);
    CHECK_THROWS_AS(transport_for(identity, "http://dspt.example.org"), Error);
}

TEST_CASE("an IPv6 server address is written in brackets", "[client_sync]") {
    const auto url = ServerUrl::parse("http://[::1]:8080/");
    CHECK(url.host == "::1");
    CHECK(url.port == "8080");
    CHECK(url.to_string() == "http://[::1]:8080");
    CHECK(ServerUrl::parse("https://[2001:db8::1]").port == "443");
    CHECK(ServerUrl::parse("http://example.org:81").to_string() == "http://example.org:81");
    CHECK_THROWS_AS(ServerUrl::parse("http://[::1"), Error);
    CHECK_THROWS_AS(ServerUrl::parse("http://[::1]x"), Error);
    CHECK_THROWS_AS(ServerUrl::parse("http://[::1]:"), Error);
}

}  // namespace dspt::client::test
