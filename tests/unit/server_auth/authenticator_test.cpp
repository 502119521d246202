// Authenticator: which signed requests the server accepts, and the reason it
// gives for each refusal.

#include "server/auth/authenticator.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/random.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

constexpr std::string_view kNonceA = "00112233445566778899aabbccddeeff";

// Runs authenticate and returns the refusal's message (checking its code).
std::string refusal(const Authenticator& authenticator, const http::Request& request) {
    return require_error(ErrorCode::unauthenticated,
                         [&] { (void)authenticator.authenticate(request); });
}

}  // namespace

TEST_CASE_METHOD(AuthFixture, "a request signed by an enrolled device authenticates as that device",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto hq = enrol_headquarters();

    const auto device = context.authenticator.authenticate(
        sign(branch, "POST", "/v1/invites?x=1", std::string("body\0bytes", 10)));
    CHECK(device == branch.device);
    CHECK(device.role == store::DeviceRole::branch);
    CHECK(device.site_ods == "VA1B2");

    CHECK(context.authenticator.authenticate(sign(hq, "GET", "/v1/whoami")).id == hq.device.id);
}

TEST_CASE_METHOD(AuthFixture, "a request without all four signature headers is not signed",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();

    SECTION("no headers at all") {
        const auto message = refusal(context.authenticator, plain_request("GET", "/v1/whoami"));
        CHECK_THAT(message, Catch::Contains("not signed"));
        CHECK_THAT(message, Catch::Contains("dspt enrol"));
    }
    SECTION("one header missing") {
        const auto missing = GENERATE(protocol::kDeviceHeader, protocol::kTimestampHeader,
                                      protocol::kNonceHeader, protocol::kSignatureHeader);
        auto request = sign(branch, "GET", "/v1/whoami");
        REQUIRE(request.headers.erase(std::string(missing)) == 1);
        INFO("without " << missing);
        CHECK_THAT(refusal(context.authenticator, request), Catch::Contains("not signed"));
    }
}

TEST_CASE_METHOD(AuthFixture, "signature headers of the wrong form are refused as malformed",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    auto request = sign(branch, "GET", "/v1/whoami");

    SECTION("a nonce that is not 32 lower-hex characters") {
        request.headers[std::string(protocol::kNonceHeader)] = "not-a-nonce";
    }
    SECTION("a timestamp with a sign") {
        request.headers[std::string(protocol::kTimestampHeader)] = "+" + std::to_string(now);
    }
    SECTION("a signature that is not base64url of 64 bytes") {
        request.headers[std::string(protocol::kSignatureHeader)] = "AAAA";
    }
    SECTION("a device id with a space") {
        request.headers[std::string(protocol::kDeviceHeader)] = "bad device";
    }
    CHECK_THAT(refusal(context.authenticator, request),
               Catch::StartsWith("malformed signature headers: "));
}

TEST_CASE_METHOD(AuthFixture, "a device the server does not know is refused",
                 "[unit][server_auth]") {
    const auto keys = crypto::SigningKeyPair::generate();
    const auto stranger = crypto::random_uuid();
    const auto message = refusal(context.authenticator,
                                 signed_request(keys, stranger, "GET", "/v1/whoami", "", now));
    CHECK(message == "unknown device " + stranger);
}

TEST_CASE_METHOD(AuthFixture, "a revoked device is refused even with a good signature",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    REQUIRE_NOTHROW(context.authenticator.authenticate(sign(branch, "GET", "/v1/whoami")));

    repo().revoke_device(branch.device.id, now);
    now += 1;
    const auto message = refusal(context.authenticator, sign(branch, "GET", "/v1/whoami"));
    CHECK_THAT(message, Catch::Contains(branch.device.id));
    CHECK_THAT(message, Catch::Contains("revoked"));
}

TEST_CASE_METHOD(AuthFixture, "the timestamp must be within five minutes of the server's clock",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto at = [&](std::int64_t timestamp) {
        return signed_request(branch.signing, branch.device.id, "GET", "/v1/whoami", "", timestamp);
    };

    SECTION("the edges of the window are inside it") {
        CHECK(context.authenticator.authenticate(at(now - kWindowMs)).id == branch.device.id);
        CHECK(context.authenticator.authenticate(at(now + kWindowMs)).id == branch.device.id);
        CHECK(context.authenticator.authenticate(at(now)).id == branch.device.id);
    }
    SECTION("one millisecond outside either edge is stale") {
        const auto timestamp = GENERATE(-kWindowMs - 1, kWindowMs + 1, -86'400'000);
        INFO("offset " << timestamp);
        const auto message = refusal(context.authenticator, at(now + timestamp));
        CHECK_THAT(message, Catch::StartsWith("stale timestamp"));
        CHECK_THAT(message, Catch::Contains("300 s"));
    }
    SECTION("a configured window replaces the default") {
        const Authenticator strict(repo(), AuthConfig{std::chrono::seconds(30)},
                                   [this] { return now; });
        CHECK(strict.authenticate(at(now - 30'000)).id == branch.device.id);
        const auto message = refusal(strict, at(now - 30'001));
        CHECK_THAT(message, Catch::Contains("30 s"));
    }
}

TEST_CASE_METHOD(AuthFixture, "a signature over anything but this exact request is bad",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto other = enrol_branch("VA1B3");
    auto request = sign(branch, "POST", "/v1/invites", "payload");

    SECTION("another device's key under this device's id") {
        request =
            signed_request(other.signing, branch.device.id, "POST", "/v1/invites", "payload", now);
    }
    SECTION("a changed body") {
        request.body = "payloae";
    }
    SECTION("a changed method") {
        request.method = "PUT";
    }
    SECTION("a changed target") {
        request.target = "/v1/invites?role=hq";
    }
    SECTION("another device id with this device's signature") {
        request.headers[std::string(protocol::kDeviceHeader)] = other.device.id;
    }
    SECTION("a changed timestamp") {
        request.headers[std::string(protocol::kTimestampHeader)] = std::to_string(now + 1);
    }
    CHECK(refusal(context.authenticator, request) == "bad signature");
}

TEST_CASE_METHOD(AuthFixture, "a request is accepted once: a replay is refused",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto request = sign(branch, "GET", "/v1/whoami");
    REQUIRE_NOTHROW(context.authenticator.authenticate(request));

    CHECK_THAT(refusal(context.authenticator, request), Catch::StartsWith("replayed request"));

    // Still a replay later on, while the timestamp is within the window.
    now += kWindowMs;
    CHECK_THAT(refusal(context.authenticator, request), Catch::StartsWith("replayed request"));

    // The same call with a fresh nonce is a new request.
    CHECK(context.authenticator.authenticate(sign(branch, "GET", "/v1/whoami")).id ==
          branch.device.id);
}

TEST_CASE_METHOD(AuthFixture,
                 "a request stays refused as a replay for as long as its timestamp is "
                 "accepted",
                 "[unit][server_auth]") {
    // A device whose clock runs the whole window ahead: its request is accepted
    // now, and its timestamp stays acceptable for two windows of server time.
    const auto branch = enrol_branch();
    const auto request =
        signed_request(branch.signing, branch.device.id, "GET", "/v1/whoami", "", now + kWindowMs);
    REQUIRE_NOTHROW(context.authenticator.authenticate(request));
    for (const auto later : {kWindowMs / 2, kWindowMs, kWindowMs + 1, 2 * kWindowMs}) {
        now = kT0 + later;
        INFO("replayed " << later << " ms later");
        CHECK_THAT(refusal(context.authenticator, request), Catch::StartsWith("replayed request"));
    }
    now = kT0 + 2 * kWindowMs + 1;
    CHECK_THAT(refusal(context.authenticator, request), Catch::StartsWith("stale timestamp"));
}

TEST_CASE_METHOD(AuthFixture, "nonces belong to one device and are used up only by good signatures",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto other = enrol_branch("VA1B3");
    const std::string nonce(kNonceA);

    // Someone without the key sends the nonce first: refused, and the nonce stays unused.
    const auto forged = signed_request_with_nonce(other.signing, branch.device.id, "GET",
                                                  "/v1/whoami", "", now, nonce);
    CHECK(refusal(context.authenticator, forged) == "bad signature");
    const auto genuine = signed_request_with_nonce(branch.signing, branch.device.id, "GET",
                                                   "/v1/whoami", "", now, nonce);
    CHECK(context.authenticator.authenticate(genuine).id == branch.device.id);

    // Another device may use the same nonce.
    const auto others = signed_request_with_nonce(other.signing, other.device.id, "GET",
                                                  "/v1/whoami", "", now, nonce);
    CHECK(context.authenticator.authenticate(others).id == other.device.id);

    // A different request with a used nonce is still a replay.
    const auto reused = signed_request_with_nonce(branch.signing, branch.device.id, "PUT",
                                                  "/v1/org/recovery", "x", now + 1, nonce);
    CHECK_THAT(refusal(context.authenticator, reused), Catch::StartsWith("replayed request"));
}

TEST_CASE_METHOD(AuthFixture, "refusals are checked in order: device, then time, then signature",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto other = enrol_branch("VA1B3");

    // Stale and badly signed: the time is named.
    const auto stale_and_forged = signed_request(other.signing, branch.device.id, "GET",
                                                 "/v1/whoami", "", now - kWindowMs - 1);
    CHECK_THAT(refusal(context.authenticator, stale_and_forged),
               Catch::StartsWith("stale timestamp"));

    // Revoked and stale: the revocation is named.
    repo().revoke_device(branch.device.id, now);
    const auto revoked_and_stale = signed_request(branch.signing, branch.device.id, "GET",
                                                  "/v1/whoami", "", now - kWindowMs - 1);
    CHECK_THAT(refusal(context.authenticator, revoked_and_stale), Catch::Contains("revoked"));
}

}  // namespace dspt::server::auth::test
