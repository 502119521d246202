#include "protocol/signing.hpp"

#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/encoding.hpp"
#include "common/crypto/signer.hpp"
#include "tests/unit/protocol/protocol_test_support.hpp"

using namespace dspt::protocol;
using dspt::ErrorCode;
using namespace std::string_literals;
using dspt::protocol::test::require_error;
namespace crypto = dspt::crypto;

namespace {

constexpr std::string_view kNonce = "00112233445566778899aabbccddeeff";
constexpr std::string_view kDevice = "6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4";

}  // namespace

TEST_CASE("the canonical request has the documented form", "[unit][protocol]") {
    REQUIRE(canonical_request(kDevice, "GET", "/v1/whoami", 1718000000123, kNonce, "") ==
            "DSPT-SIG-2\n"
            "6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4\n"
            "GET\n"
            "/v1/whoami\n"
            "1718000000123\n"
            "00112233445566778899aabbccddeeff\n"
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");  // BLAKE2b-256("")
    REQUIRE(canonical_request("d1", "POST", "/v1/orgs/AB1/grants?x=1", 5, kNonce, R"({"a":1})") ==
            "DSPT-SIG-2\nd1\nPOST\n/v1/orgs/AB1/grants?x=1\n5\n00112233445566778899aabbccddeeff\n"
            "10a7ff3e312baec0c356be489739b93f63af84416c40f1c13023eb96c7ed50aa");
}

TEST_CASE("the canonical request changes with every input", "[unit][protocol]") {
    const std::string body = "\x00\x01 body"s;
    std::set<std::string> seen;
    seen.insert(canonical_request(kDevice, "POST", "/v1/invites", 1000, kNonce, body));
    seen.insert(canonical_request("d2", "POST", "/v1/invites", 1000, kNonce, body));
    seen.insert(canonical_request(kDevice, "PUT", "/v1/invites", 1000, kNonce, body));
    seen.insert(canonical_request(kDevice, "POST", "/v1/invites?a", 1000, kNonce, body));
    seen.insert(canonical_request(kDevice, "POST", "/v1/invites", 1001, kNonce, body));
    seen.insert(canonical_request(kDevice, "POST", "/v1/invites", 1000,
                                  "00112233445566778899aabbccddeef0", body));
    seen.insert(canonical_request(kDevice, "POST", "/v1/invites", 1000, kNonce, body + "x"));
    seen.insert(canonical_request(kDevice, "POST", "/v1/invites", 1000, kNonce, "\x00\x02 body"s));
    REQUIRE(seen.size() == 8);

    // A newline would let one request pass as another ("GET\n/a" + "b" vs "GET" + "/a\nb").
    require_error(ErrorCode::invalid_argument, {"the method contains a newline"},
                  [] { (void)canonical_request(kDevice, "GET\n/a", "b", 1, kNonce, ""); });
    require_error(ErrorCode::invalid_argument, {"the target contains a newline"},
                  [] { (void)canonical_request(kDevice, "GET", "/a\nb", 1, kNonce, ""); });
    require_error(ErrorCode::invalid_argument, {"the device id contains a newline"},
                  [] { (void)canonical_request("d\nx", "GET", "/a", 1, kNonce, ""); });
}

TEST_CASE("a signed request verifies over the canonical string", "[unit][protocol]") {
    const auto device = crypto::SigningKeyPair::generate();
    const std::string body = dspt::protocol::test::sample<EnrolRequest>().device_name;
    const SignedHeaders headers = sign_request(device, "6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
                                               "POST", "/v1/invites", body, 1718000000123);
    REQUIRE(headers.device_id == "6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4");
    REQUIRE(headers.timestamp == "1718000000123");
    REQUIRE(is_valid_nonce(headers.nonce));
    REQUIRE(headers.signature.size() == 86);

    const std::string canonical =
        canonical_request(kDevice, "POST", "/v1/invites", 1718000000123, headers.nonce, body);
    REQUIRE(crypto::verify(device.public_key(), crypto::as_byte_view(canonical),
                           crypto::from_base64(headers.signature)));

    const RequestSignature parsed = parse_signed_headers(headers.device_id, headers.timestamp,
                                                         headers.nonce, headers.signature);
    REQUIRE(parsed.timestamp_ms == 1718000000123);
    REQUIRE(verify_request(device.public_key(), parsed, "POST", "/v1/invites", body));

    // Any change, or another key, fails.
    REQUIRE_FALSE(verify_request(device.public_key(), parsed, "PUT", "/v1/invites", body));
    REQUIRE_FALSE(verify_request(device.public_key(), parsed, "POST", "/v1/invites?x", body));
    REQUIRE_FALSE(verify_request(device.public_key(), parsed, "POST", "/v1/invites", body + "x"));
    REQUIRE_FALSE(verify_request(device.public_key(), parsed, "POST", "/v1/invites\n", body));
    RequestSignature later = parsed;
    later.timestamp_ms += 1;
    REQUIRE_FALSE(verify_request(device.public_key(), later, "POST", "/v1/invites", body));
    RequestSignature other_nonce = parsed;
    other_nonce.nonce = std::string(kNonce);
    REQUIRE_FALSE(verify_request(device.public_key(), other_nonce, "POST", "/v1/invites", body));
    REQUIRE_FALSE(verify_request(crypto::SigningKeyPair::generate().public_key(), parsed, "POST",
                                 "/v1/invites", body));
    REQUIRE_FALSE(
        is_previous_scheme_signature(device.public_key(), parsed, "POST", "/v1/invites", body));
}

TEST_CASE("a signature made for one device does not verify as another's, even with its key",
          "[unit][protocol]") {
    // Two device ids holding one key pair (the server refuses to enrol a key
    // twice, but the signature must not depend on that).
    const auto key = crypto::SigningKeyPair::generate();
    const SignedHeaders mine = sign_request(key, "device-a", "GET", "/v1/whoami", "", 5000);
    RequestSignature presented =
        parse_signed_headers("device-a", mine.timestamp, mine.nonce, mine.signature);
    REQUIRE(verify_request(key.public_key(), presented, "GET", "/v1/whoami", ""));
    presented.device_id = "device-b";
    REQUIRE_FALSE(verify_request(key.public_key(), presented, "GET", "/v1/whoami", ""));

    // A client of protocol version 1 signed without the device id: never
    // accepted, but recognised, so the server can tell it to update.
    const std::string old_string =
        "DSPT-SIG-1\nGET\n/v1/whoami\n5000\n" + mine.nonce + "\n" +
        "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8";
    RequestSignature old = presented;
    old.signature = key.sign(crypto::as_byte_view(old_string));
    REQUIRE_FALSE(verify_request(key.public_key(), old, "GET", "/v1/whoami", ""));
    REQUIRE(is_previous_scheme_signature(key.public_key(), old, "GET", "/v1/whoami", ""));
    REQUIRE_FALSE(is_previous_scheme_signature(key.public_key(), old, "GET", "/v1/whoami?x", ""));
}

TEST_CASE("every signature gets a fresh nonce", "[unit][protocol]") {
    const auto device = crypto::SigningKeyPair::generate();
    std::set<std::string> nonces;
    for (int i = 0; i < 100; ++i) {
        nonces.insert(sign_request(device, "d", "GET", "/v1/whoami", "", 1).nonce);
    }
    REQUIRE(nonces.size() == 100);
    REQUIRE(new_nonce().size() == kNonceChars);
    require_error(ErrorCode::invalid_argument, {"not a valid device id"},
                  [&] { (void)sign_request(device, "", "GET", "/", "", 1); });
    require_error(ErrorCode::invalid_argument, {"before 1970"},
                  [&] { (void)sign_request(device, "d", "GET", "/", "", -1); });
}

TEST_CASE("header values are checked for form", "[unit][protocol]") {
    REQUIRE(kDeviceHeader == "X-Dspt-Device");
    REQUIRE(kTimestampHeader == "X-Dspt-Timestamp");
    REQUIRE(kNonceHeader == "X-Dspt-Nonce");
    REQUIRE(kSignatureHeader == "X-Dspt-Signature");

    REQUIRE(is_valid_nonce(kNonce));
    REQUIRE_FALSE(is_valid_nonce(""));
    REQUIRE_FALSE(is_valid_nonce("00112233445566778899AABBCCDDEEFF"));
    REQUIRE_FALSE(is_valid_nonce("00112233445566778899aabbccddeef"));
    REQUIRE_FALSE(is_valid_nonce("00112233445566778899aabbccddeeff0"));
    REQUIRE_FALSE(is_valid_nonce("00112233445566778899aabbccddeefg"));

    REQUIRE(is_valid_device_id("6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4"));
    REQUIRE(is_valid_device_id(std::string(64, 'a')));
    REQUIRE_FALSE(is_valid_device_id(std::string(65, 'a')));
    REQUIRE_FALSE(is_valid_device_id("a b"));
    REQUIRE_FALSE(is_valid_device_id("a/b"));

    const std::string signature = crypto::to_base64(crypto::Bytes(64, 7));
    const auto parse = [&](std::string_view device, std::string_view timestamp,
                           std::string_view nonce, std::string_view sig) {
        return [=] { (void)parse_signed_headers(device, timestamp, nonce, sig); };
    };
    REQUIRE(parse_signed_headers("d", "1", kNonce, signature).signature.size() == 64);
    require_error(ErrorCode::unauthenticated, {"not signed", "X-Dspt-Device"},
                  parse("", "1", kNonce, signature));
    require_error(ErrorCode::unauthenticated, {"not signed", "X-Dspt-Signature"},
                  parse("d", "1", kNonce, ""));
    require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Device"},
                  parse("d e", "1", kNonce, signature));
    for (const std::string_view timestamp :
         {"0", "-5", "+5", "007", " 5", "5 ", "1e3", "9223372036854775808", "12a"}) {
        require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Timestamp"},
                      parse("d", timestamp, kNonce, signature));
    }
    require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Nonce"},
                  parse("d", "1", "00112233445566778899AABBCCDDEEFF", signature));
    require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Signature", "base64url"},
                  parse("d", "1", kNonce, signature + "="));
    require_error(ErrorCode::unauthenticated, {"malformed X-Dspt-Signature", "64-byte"},
                  parse("d", "1", kNonce, crypto::to_base64(crypto::Bytes(63, 7))));
}
