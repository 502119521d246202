#include "protocol/session_auth.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/session_key.hpp"
#include "tests/unit/protocol/protocol_test_support.hpp"

using namespace dspt::protocol;
using dspt::ErrorCode;
using namespace std::string_literals;
using dspt::protocol::test::require_error;
namespace crypto = dspt::crypto;

namespace {

constexpr std::string_view kSession = "00112233445566778899aabbccddeeff";

// A session key both sides agree on, as POST /v1/session makes it.
crypto::MacKey agreed_key() {
    const auto client = crypto::SessionKeyPair::generate();
    const auto server = crypto::SessionKeyPair::generate();
    return client.client_request_key(server.public_key());
}

}  // namespace

TEST_CASE("the MACed session request has the documented form", "[unit][protocol]") {
    REQUIRE(canonical_session_request(kSession, "PUT", "/v1/blobs/e1/0?scope=VA001", 7, "") ==
            "DSPT-MAC-1\n"
            "00112233445566778899aabbccddeeff\n"
            "PUT\n"
            "/v1/blobs/e1/0?scope=VA001\n"
            "7\n"
            // BLAKE2b-256 of zero bytes, as the signed request has it
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    CHECK(canonical_session_request(kSession, "GET", "/v1/whoami", 1, "body") !=
          canonical_session_request(kSession, "GET", "/v1/whoami", 1, "bodz"));
    require_error(ErrorCode::invalid_argument, {"the target contains a newline"},
                  [] { (void)canonical_session_request(kSession, "GET", "/v1/x\nGET", 1, ""); });
}

TEST_CASE("both ends of a session derive one request key, and a swapped server key another",
          "[unit][protocol]") {
    const auto client = crypto::SessionKeyPair::generate();
    const auto server = crypto::SessionKeyPair::generate();
    const auto on_client = client.client_request_key(server.public_key());
    const auto on_server = server.server_request_key(client.public_key());
    CHECK(crypto::to_hex(on_client.view()) == crypto::to_hex(on_server.view()));

    // Someone in the middle hands the client its own key: the client then MACs
    // with a key the server does not have.
    const auto middle = crypto::SessionKeyPair::generate();
    const auto fooled = client.client_request_key(middle.public_key());
    CHECK(crypto::to_hex(fooled.view()) != crypto::to_hex(on_server.view()));

    CHECK_THROWS(client.client_request_key(crypto::Bytes(31, 1)));
    CHECK_THROWS(server.server_request_key(crypto::Bytes(32, 0)));  // a low-order point
}

TEST_CASE("a MACed request verifies only as it was sent", "[unit][protocol]") {
    const auto key = agreed_key();
    const auto body = "push\0body"s;
    const auto headers = mac_request(key, kSession, 42, "POST", "/v1/sync/push", body);
    CHECK(headers.session_id == kSession);
    CHECK(headers.counter == "42");
    CHECK(headers.mac.size() == 43);
    const auto proof = parse_session_headers(headers.session_id, headers.counter, headers.mac);
    CHECK(verify_session_request(key, proof, "POST", "/v1/sync/push", body));

    CHECK_FALSE(verify_session_request(key, proof, "PUT", "/v1/sync/push", body));
    CHECK_FALSE(verify_session_request(key, proof, "POST", "/v1/sync/pull", body));
    CHECK_FALSE(verify_session_request(key, proof, "POST", "/v1/sync/push", body + "x"));
    CHECK_FALSE(verify_session_request(agreed_key(), proof, "POST", "/v1/sync/push", body));
    auto other_counter = proof;
    other_counter.counter = 43;
    CHECK_FALSE(verify_session_request(key, other_counter, "POST", "/v1/sync/push", body));
    auto other_session = proof;
    other_session.session_id = "ffeeddccbbaa99887766554433221100";
    CHECK_FALSE(verify_session_request(key, other_session, "POST", "/v1/sync/push", body));

    // The server's path for a large body: its digest, worked out as it arrived.
    const auto digest = crypto::blake2b(crypto::as_byte_view(body));
    CHECK(verify_session_request_digest(key, proof, "POST", "/v1/sync/push", digest));
    CHECK_FALSE(verify_session_request_digest(key, proof, "POST", "/v1/sync/push",
                                              crypto::blake2b(crypto::as_byte_view(body + "x"))));
    CHECK_FALSE(verify_session_request_digest(key, proof, "PUT", "/v1/sync/push", digest));
    CHECK_FALSE(verify_session_request_digest(key, other_counter, "POST", "/v1/sync/push", digest));
    CHECK_FALSE(verify_session_request_digest(key, proof, "POST", "/v1/sync/push",
                                              crypto::blake2b(crypto::as_byte_view(body), 64)));
    CHECK_FALSE(verify_session_request_digest(key, proof, "POST", "/v1/sync/push", {}));

    require_error(ErrorCode::invalid_argument, {"counter starts at 1"},
                  [&] { (void)mac_request(key, kSession, 0, "GET", "/v1/whoami", ""); });
    require_error(ErrorCode::invalid_argument, {"not a valid session id"},
                  [&] { (void)mac_request(key, "short", 1, "GET", "/v1/whoami", ""); });
}

TEST_CASE("session headers of the wrong form are refused, naming the header", "[unit][protocol]") {
    const auto mac = mac_request(agreed_key(), kSession, 1, "GET", "/v1/whoami", "").mac;
    require_error(ErrorCode::unauthenticated, {"missing X-Dspt-Counter"},
                  [&] { (void)parse_session_headers(kSession, "", mac); });
    require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Session"},
                  [&] { (void)parse_session_headers("ABCD", "1", mac); });
    for (const auto* counter : {"0", "01", "-1", "+1", "1 ", "99999999999999999999"}) {
        INFO(counter);
        require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Counter"},
                      [&] { (void)parse_session_headers(kSession, counter, mac); });
    }
    require_error(ErrorCode::unauthenticated, {"32-byte MAC"},
                  [&] { (void)parse_session_headers(kSession, "1", "AAAA"); });
    CHECK(parse_session_headers(kSession, "18446744073709551", mac).counter == 18446744073709551u);
}

TEST_CASE("a session opened inside a signed request: the key in the target, the offer in a header",
          "[unit][protocol]") {
    const auto pair = crypto::SessionKeyPair::generate();
    const auto target = with_session_key("/v1/sync", pair.public_key());
    CHECK(target == "/v1/sync?session_key=" + crypto::to_base64(pair.public_key()));
    CHECK(with_session_key("/v1/sync/pull?since=4", pair.public_key())
              .starts_with("/v1/sync/pull?since=4&session_key="));
    const auto query = target.substr(target.find('?') + 1);
    const auto key = session_key_parameter(query);
    REQUIRE(key.has_value());
    CHECK(*key == crypto::Bytes(pair.public_key().begin(), pair.public_key().end()));
    CHECK(session_key_parameter("since=4&" + query) == key);
    CHECK_FALSE(session_key_parameter("since=4").has_value());
    CHECK_FALSE(session_key_parameter("session_keys=1").has_value());
    require_error(ErrorCode::invalid_argument, {"32-byte"},
                  [] { (void)session_key_parameter("session_key=AAAA"); });

    SessionOffer offer;
    offer.session_id = std::string(kSession);
    const auto server = crypto::SessionKeyPair::generate();
    offer.server_public_key.assign(server.public_key().begin(), server.public_key().end());
    offer.lifetime_ms = 1'800'000;
    const auto header = format_session_offer(offer);
    CHECK(header ==
          std::string(kSession) + "." + crypto::to_base64(server.public_key()) + ".1800000");
    CHECK(parse_session_offer(header) == offer);
    for (const auto& bad :
         {std::string(kSession), header + ".1", std::string(kSession) + ".AAAA.1800000",
          header.substr(0, header.rfind('.')) + ".0", header.substr(0, header.rfind('.')) + ".-1",
          "ZZ" + header.substr(2)}) {
        INFO(bad);
        require_error(ErrorCode::protocol, {"malformed"}, [&] { (void)parse_session_offer(bad); });
    }
}
