#pragma once
// Shared setup for the server auth layer's unit tests: a server::Context (the
// authenticator, access policy and enrolment service the router uses) on a real
// SqliteRepository in a fresh temporary directory, with a clock the test sets,
// a seeded registry, and helpers that enrol and sign as the real client does
// (client/cli/enrol_commands.cpp).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <catch2/catch.hpp>

#include "common/crypto/encoding.hpp"
#include "common/crypto/sealed_box.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/crypto/signer.hpp"
#include "common/error.hpp"
#include "http/request.hpp"
#include "protocol/enrolment_code.hpp"
#include "protocol/messages.hpp"
#include "protocol/signing.hpp"
#include "server/context.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/unit/server_store/store_fixture.hpp"

namespace dspt::server::auth::test {

using store::test::kT0;
using store::test::require_error;
using store::test::TempDir;

// The authenticator's default window, in ms.
inline constexpr std::int64_t kWindowMs = 5 * 60 * 1000;

// An enrolled device and the keys only the device holds.
struct Enrolled {
    store::Device device;
    crypto::SigningKeyPair signing;
    crypto::BoxKeyPair box;
};

// True when two byte ranges hold the same bytes (for keys read through views).
inline bool same_bytes(crypto::ByteView a, crypto::ByteView b) {
    return crypto::Bytes(a.begin(), a.end()) == crypto::Bytes(b.begin(), b.end());
}

// What a device sends to enrol with `code`, presenting the public halves of its keys.
inline protocol::EnrolRequest enrol_request(const protocol::EnrolmentCode& code,
                                            const crypto::SigningKeyPair& signing,
                                            const crypto::BoxKeyPair& box,
                                            std::string name = "Reception PC") {
    protocol::EnrolRequest request;
    request.token_id = code.token_id();
    request.auth_key = protocol::auth_key(code.secret());
    request.signing_public_key = signing.public_key();
    request.box_public_key = box.public_key();
    request.device_name = std::move(name);
    return request;
}

// A request to the server, target split into path and query as the HTTP layer does.
inline http::Request plain_request(std::string method, std::string target, std::string body = {}) {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
    request.body = std::move(body);
    request.remote_address = "127.0.0.1:50000";
    return request;
}

inline void set_signature_headers(http::Request& request, const protocol::SignedHeaders& headers) {
    request.headers[std::string(protocol::kDeviceHeader)] = headers.device_id;
    request.headers[std::string(protocol::kTimestampHeader)] = headers.timestamp;
    request.headers[std::string(protocol::kNonceHeader)] = headers.nonce;
    request.headers[std::string(protocol::kSignatureHeader)] = headers.signature;
}

// A request signed by `signing` as `device_id` at `at_ms`, as the client signs it.
inline http::Request signed_request(const crypto::SigningKeyPair& signing,
                                    std::string_view device_id, std::string method,
                                    std::string target, std::string body, std::int64_t at_ms) {
    auto request = plain_request(std::move(method), std::move(target), std::move(body));
    set_signature_headers(request, protocol::sign_request(signing, device_id, request.method,
                                                          request.target, request.body, at_ms));
    return request;
}

// As signed_request, but with a chosen nonce (to show replays across time and devices).
inline http::Request signed_request_with_nonce(const crypto::SigningKeyPair& signing,
                                               std::string_view device_id, std::string method,
                                               std::string target, std::string body,
                                               std::int64_t at_ms, const std::string& nonce) {
    auto request = plain_request(std::move(method), std::move(target), std::move(body));
    const auto canonical = protocol::canonical_request(device_id, request.method, request.target,
                                                       at_ms, nonce, request.body);
    protocol::SignedHeaders headers;
    headers.device_id = std::string(device_id);
    headers.timestamp = std::to_string(at_ms);
    headers.nonce = nonce;
    headers.signature = crypto::to_base64(signing.sign(crypto::as_byte_view(canonical)));
    set_signature_headers(request, headers);
    return request;
}

// A Context on a fresh store whose clock reads `now` (set it to move time).
// Registry: headquarters "AB12" (Rose Care Group) with sites "VA1B2" (Rose Lodge)
// and "VA1B3" (Rose Court); single-site provider "VC9D8" (Oak Homecare); another
// headquarters "XY34" with site "VX9Y8"; partners "Care Support Ltd" and
// "Other Partner".
class AuthFixture {
  public:
    AuthFixture()
        : context(std::make_unique<store::SqliteRepository>(dir_.path() / "data"), AuthConfig{},
                  [this] { return now; }) {
        auto& r = repo();
        r.create_organisation(
            store::test::StoreFixture::organisation("AB12", "Rose Care Group", true));
        r.add_site(store::Site{"VA1B2", "AB12", "1-123456789", "Rose Lodge"});
        r.add_site(store::Site{"VA1B3", "AB12", "1-987654321", "Rose Court"});
        r.create_organisation(
            store::test::StoreFixture::organisation("VC9D8", "Oak Homecare", false));
        r.add_site(store::Site{"VC9D8", "VC9D8", "1-555555555", "Oak Homecare Office"});
        r.create_organisation(store::test::StoreFixture::organisation("XY34", "Elm Group", true));
        r.add_site(store::Site{"VX9Y8", "XY34", "1-111111111", "Elm House"});
        partner_id = r.create_partner("Care Support Ltd", kT0).id;
        other_partner_id = r.create_partner("Other Partner", kT0).id;
    }

    store::Repository& repo() { return *context.repository; }
    // The store's data directory, for a second repository on it (another process).
    std::filesystem::path data_dir() const { return dir_.path() / "data"; }

    // Enrols a new device with a fresh admin code (see create_admin_code).
    Enrolled enrol_admin(const std::string& organisation_ods, const std::string& site_ods,
                         const std::string& partner_name = "",
                         std::string device_name = "Reception PC") {
        const auto admin =
            context.enrolment.create_admin_code(organisation_ods, site_ods, partner_name);
        const auto code = protocol::EnrolmentCode::parse(admin.code);
        Enrolled enrolled{{}, crypto::SigningKeyPair::generate(), crypto::BoxKeyPair::generate()};
        const auto response = context.enrolment.enrol(
            enrol_request(code, enrolled.signing, enrolled.box, std::move(device_name)));
        const auto device = repo().find_device(response.device_id);
        REQUIRE(device.has_value());
        enrolled.device = *device;
        return enrolled;
    }

    Enrolled enrol_branch(const std::string& site_ods = "VA1B2",
                          const std::string& organisation_ods = "AB12") {
        return enrol_admin(organisation_ods, site_ods);
    }
    Enrolled enrol_headquarters(const std::string& organisation_ods = "AB12") {
        return enrol_admin(organisation_ods, "");
    }
    Enrolled enrol_partner(const std::string& partner_name = "Care Support Ltd") {
        return enrol_admin("", "", partner_name);
    }

    // A request signed by `device` at the current time.
    http::Request sign(const Enrolled& device, std::string method, std::string target,
                       std::string body = {}) const {
        return signed_request(device.signing, device.device.id, std::move(method),
                              std::move(target), std::move(body), now);
    }

  private:
    TempDir dir_;  // before context: the store is closed before its directory goes

  public:
    std::int64_t now = kT0;
    Context context;
    std::int64_t partner_id = 0;
    std::int64_t other_partner_id = 0;
};

}  // namespace dspt::server::auth::test
