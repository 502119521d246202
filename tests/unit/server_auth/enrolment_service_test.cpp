// EnrolmentService: admin codes, enrolment, invitations, the recovery envelope
// and the identity a device is told.

#include "server/auth/enrolment_service.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/random.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

// An invitation as `dspt invite` builds it: a fresh code, its verifier and the
// organisation key sealed for it.
struct Invitation {
    protocol::EnrolmentCode code;
    protocol::InviteRequest request;
};

Invitation invitation(protocol::Role role, std::string site_ods,
                      const crypto::SecretKey& organisation_key, std::int64_t expires_at_ms = 0) {
    auto code = protocol::EnrolmentCode::generate();
    protocol::InviteRequest request;
    request.role = role;
    request.site_ods = std::move(site_ods);
    request.token_id = code.token_id();
    request.verifier = protocol::verifier(protocol::auth_key(code.secret()));
    request.organisation_key_envelope =
        protocol::seal_organisation_key(code, protocol::CodePurpose::enrolment, organisation_key);
    request.expires_at_ms = expires_at_ms;
    return {std::move(code), std::move(request)};
}

}  // namespace

class EnrolmentFixture : public AuthFixture {
  public:
    EnrolmentService& service() { return context.enrolment; }

    // Enrols a device with `code` and fresh keys.
    protocol::EnrolResponse enrol_with(const protocol::EnrolmentCode& code,
                                       std::string name = "Reception PC") {
        const auto signing = crypto::SigningKeyPair::generate();
        const auto box = crypto::BoxKeyPair::generate();
        return service().enrol(enrol_request(code, signing, box, std::move(name)));
    }
    protocol::EnrolResponse enrol_with(const std::string& code_text) {
        return enrol_with(protocol::EnrolmentCode::parse(code_text));
    }

    crypto::SecretKey organisation_key = crypto::SecretKey::generate();
};

// ---- Admin codes -------------------------------------------------------------------

TEST_CASE_METHOD(EnrolmentFixture, "an admin code names its role by what it is given",
                 "[unit][server_auth]") {
    SECTION("an organisation without a site: a headquarters device") {
        const auto admin = service().create_admin_code("AB12", "", "");
        CHECK(admin.token.role == store::DeviceRole::headquarters);
        CHECK(admin.token.organisation_ods == "AB12");
        CHECK(admin.token.site_ods.empty());
        CHECK_FALSE(admin.token.partner_id.has_value());
    }
    SECTION("an organisation and one of its sites: a branch device") {
        const auto admin = service().create_admin_code("AB12", "VA1B3", "");
        CHECK(admin.token.role == store::DeviceRole::branch);
        CHECK(admin.token.organisation_ods == "AB12");
        CHECK(admin.token.site_ods == "VA1B3");
    }
    SECTION("a partner's name: a partner device") {
        const auto admin = service().create_admin_code("", "", "care support ltd");
        CHECK(admin.token.role == store::DeviceRole::partner);
        CHECK(admin.token.organisation_ods.empty());
        CHECK(admin.token.partner_id == partner_id);
    }
}

TEST_CASE_METHOD(EnrolmentFixture,
                 "an admin code is stored as a verifier only, and expires after its lifetime",
                 "[unit][server_auth]") {
    const auto admin = service().create_admin_code("AB12", "VA1B2", "");
    const auto code = protocol::EnrolmentCode::parse(admin.code);
    CHECK(admin.code.size() == protocol::EnrolmentCode::kChars);
    CHECK(code.token_id() == admin.token.token_id);

    const auto stored = repo().find_token(admin.token.token_id);
    REQUIRE(stored.has_value());
    CHECK(*stored == admin.token);
    CHECK(stored->verifier == protocol::verifier(protocol::auth_key(code.secret())));
    CHECK(stored->created_by == "admin");
    CHECK(stored->created_at_ms == now);
    CHECK(stored->expires_at_ms == now + 7 * kDayMs);
    CHECK(stored->organisation_key_envelope.empty());
    CHECK_FALSE(stored->used());

    const auto hour = service().create_admin_code("AB12", "VA1B2", "", std::chrono::hours(1));
    CHECK(hour.token.expires_at_ms == now + kHourMs);
    CHECK(hour.token.token_id != admin.token.token_id);
    CHECK(hour.code != admin.code);

    const auto longest = service().create_admin_code("AB12", "", "", std::chrono::days(30));
    CHECK(longest.token.expires_at_ms == now + 30 * kDayMs);
}

TEST_CASE_METHOD(EnrolmentFixture, "an admin code for something that is not there is refused",
                 "[unit][server_auth]") {
    CHECK(require_error(ErrorCode::not_found, [&] {
              (void)service().create_admin_code("ZZ99", "", "");
          }) == "there is no organisation ZZ99");
    CHECK(require_error(ErrorCode::not_found, [&] {
              (void)service().create_admin_code("AB12", "VX9Y8", "");
          }) == "organisation AB12 has no site VX9Y8");
    CHECK(require_error(ErrorCode::not_found, [&] {
              (void)service().create_admin_code("AB12", "VZ0Z0", "");
          }) == "organisation AB12 has no site VZ0Z0");
    CHECK(require_error(ErrorCode::not_found, [&] {
              (void)service().create_admin_code("", "", "Nobody");
          }) == "there is no partner named \"Nobody\"");
    CHECK_THAT(
        require_error(ErrorCode::invalid_argument,
                      [&] { (void)service().create_admin_code("AB12", "", "Care Support Ltd"); }),
        Catch::Contains("partner only"));
    // A single-site provider has no headquarters: its device belongs to its site.
    CHECK_THAT(require_error(ErrorCode::invalid_argument,
                             [&] { (void)service().create_admin_code("VC9D8", "", ""); }),
               Catch::Contains("has no headquarters"));
    CHECK(repo().list_devices().empty());
}

TEST_CASE_METHOD(EnrolmentFixture, "an admin code lasts more than nothing and at most 30 days",
                 "[unit][server_auth]") {
    const auto lifetime = GENERATE(std::chrono::seconds(0), std::chrono::seconds(-1),
                                   std::chrono::seconds(30 * 86400 + 1));
    INFO("lifetime " << lifetime.count() << " s");
    CHECK_THAT(require_error(ErrorCode::invalid_argument,
                             [&] { (void)service().create_admin_code("AB12", "", "", lifetime); }),
               Catch::Contains("at most 30d"));
}

// ---- Enrolment ---------------------------------------------------------------------

TEST_CASE_METHOD(EnrolmentFixture, "enrolling with a branch code tells the device who it is",
                 "[unit][server_auth]") {
    const auto admin = service().create_admin_code("AB12", "VA1B2", "");
    const auto code = protocol::EnrolmentCode::parse(admin.code);
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    now += 5000;

    const auto response = service().enrol(enrol_request(code, signing, box, "Office laptop"));
    CHECK(store::is_valid_device_id(response.device_id));
    CHECK(response.role == protocol::Role::branch);
    CHECK(response.organisation_ods == "AB12");
    CHECK(response.organisation_name == "Rose Care Group");
    CHECK(response.site_ods == "VA1B2");
    CHECK(response.site_name == "Rose Lodge");
    CHECK(response.partner_name.empty());
    CHECK_FALSE(response.organisation_key_exists);
    CHECK(response.organisation_key_envelope.empty());

    const auto device = repo().find_device(response.device_id);
    REQUIRE(device.has_value());
    CHECK(device->role == store::DeviceRole::branch);
    CHECK(device->site_ods == "VA1B2");
    CHECK(device->signing_public_key == signing.public_key());
    CHECK(device->box_public_key == box.public_key());
    CHECK(device->name == "Office laptop");
    CHECK(device->enrolled_at_ms == now);
    CHECK_FALSE(device->revoked());

    const auto token = repo().find_token(code.token_id());
    REQUIRE(token.has_value());
    CHECK(token->used_at_ms == now);
    CHECK(token->used_by_device == response.device_id);
}

TEST_CASE_METHOD(EnrolmentFixture, "enrolling a headquarters and a partner device",
                 "[unit][server_auth]") {
    SECTION("headquarters: the organisation, no site") {
        const auto response = enrol_with(service().create_admin_code("AB12", "", "").code);
        CHECK(response.role == protocol::Role::headquarters);
        CHECK(response.organisation_ods == "AB12");
        CHECK(response.organisation_name == "Rose Care Group");
        CHECK(response.site_ods.empty());
        CHECK(response.site_name.empty());
        CHECK(response.partner_name.empty());
    }
    SECTION("partner: the partner's name, no organisation and no key") {
        const auto response =
            enrol_with(service().create_admin_code("", "", "Care Support Ltd").code);
        CHECK(response.role == protocol::Role::partner);
        CHECK(response.partner_name == "Care Support Ltd");
        CHECK(response.organisation_ods.empty());
        CHECK(response.organisation_name.empty());
        CHECK(response.site_ods.empty());
        CHECK_FALSE(response.organisation_key_exists);
        CHECK(response.organisation_key_envelope.empty());
        const auto device = repo().find_device(response.device_id);
        REQUIRE(device.has_value());
        CHECK(device->partner_id == partner_id);
    }
}

TEST_CASE_METHOD(EnrolmentFixture,
                 "a device enrolled after the organisation has a key is told the key exists",
                 "[unit][server_auth]") {
    const auto first = enrol_headquarters();
    const auto recovery = protocol::EnrolmentCode::generate();
    service().put_recovery(
        first.device, {protocol::seal_organisation_key(recovery, protocol::CodePurpose::recovery,
                                                       organisation_key)});

    const auto same_org = enrol_with(service().create_admin_code("AB12", "VA1B3", "").code);
    CHECK(same_org.organisation_key_exists);
    CHECK(same_org.organisation_key_envelope.empty());  // an admin code carries no key

    const auto other_org = enrol_with(service().create_admin_code("XY34", "", "").code);
    CHECK_FALSE(other_org.organisation_key_exists);
}

TEST_CASE_METHOD(EnrolmentFixture, "an unknown or wrong enrolment code gets one answer",
                 "[unit][server_auth]") {
    const auto admin = service().create_admin_code("AB12", "VA1B2", "");
    const auto code = protocol::EnrolmentCode::parse(admin.code);
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    auto request = enrol_request(code, signing, box);

    SECTION("an unknown token id") {
        request.token_id = "0000000000000000";
    }
    SECTION("a token id that is not lower-case hex") {
        request.token_id[0] = 'G';
    }
    SECTION("the right token id with another code's secret") {
        const auto other = protocol::EnrolmentCode::generate();
        request.auth_key = protocol::auth_key(other.secret());
    }
    SECTION("the verifier instead of the auth key") {
        request.auth_key = protocol::verifier(request.auth_key);
    }
    SECTION("the recovery key of the right code") {
        request.auth_key = protocol::auth_key(code.secret(), protocol::CodePurpose::recovery);
    }
    CHECK(require_error(ErrorCode::unauthenticated, [&] { (void)service().enrol(request); }) ==
          "the enrolment code is not valid");
    CHECK(repo().list_devices().empty());

    // A wrong attempt does not use the code up.
    CHECK(service().enrol(enrol_request(code, signing, box)).site_ods == "VA1B2");
}

TEST_CASE_METHOD(EnrolmentFixture, "a public key enrolled once is never enrolled again",
                 "[unit][server_auth]") {
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    const auto first = service().enrol(enrol_request(
        protocol::EnrolmentCode::parse(service().create_admin_code("AB12", "VA1B2", "").code),
        signing, box));

    const auto second =
        protocol::EnrolmentCode::parse(service().create_admin_code("AB12", "VA1B2", "").code);
    const auto fresh_signing = crypto::SigningKeyPair::generate();
    const auto fresh_box = crypto::BoxKeyPair::generate();
    SECTION("the same signing key") {
        CHECK_THAT(require_error(
                       ErrorCode::already_exists,
                       [&] { (void)service().enrol(enrol_request(second, signing, fresh_box)); }),
                   Catch::Contains("public key is already enrolled"));
    }
    SECTION("the same box key") {
        require_error(ErrorCode::already_exists,
                      [&] { (void)service().enrol(enrol_request(second, fresh_signing, box)); });
    }
    SECTION("the key of a device revoked since") {
        repo().revoke_device(first.device_id, now);
        require_error(ErrorCode::already_exists,
                      [&] { (void)service().enrol(enrol_request(second, signing, fresh_box)); });
    }
    CHECK(repo().list_devices().size() == 1);
    // The refused attempt did not use the code up.
    CHECK(service().enrol(enrol_request(second, fresh_signing, fresh_box)).device_id !=
          first.device_id);
}

TEST_CASE_METHOD(EnrolmentFixture, "an enrolment code works once", "[unit][server_auth]") {
    const auto admin = service().create_admin_code("AB12", "VA1B2", "");
    const auto first = enrol_with(admin.code);

    now += 1000;
    const auto message =
        require_error(ErrorCode::failed_precondition, [&] { (void)enrol_with(admin.code); });
    CHECK_THAT(message, Catch::Contains("used"));
    const auto devices = repo().list_devices();
    REQUIRE(devices.size() == 1);
    CHECK(devices[0].id == first.device_id);
}

TEST_CASE_METHOD(EnrolmentFixture,
                 "a retry with the same code and keys gets the first answer until the code expires",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    auto invite = invitation(protocol::Role::branch, "VA1B3", organisation_key);
    const auto expires = service().invite(hq.device, invite.request).expires_at_ms;
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    const auto request = enrol_request(invite.code, signing, box, "Court office");
    const auto first = service().enrol(request);
    REQUIRE(repo().list_devices().size() == 2);

    SECTION("the same request, up to the last millisecond of the code") {
        now = expires;
        CHECK(service().enrol(request) == first);
        CHECK(repo().list_devices().size() == 2);
    }
    SECTION("the same keys under another name") {
        auto renamed = request;
        renamed.device_name = "Another name";
        CHECK(service().enrol(renamed) == first);
        CHECK(repo().find_device(first.device_id)->name == "Court office");
    }
    SECTION("the same signing key with another box key") {
        auto changed = request;
        changed.box_public_key = crypto::BoxKeyPair::generate().public_key();
        CHECK_THAT(
            require_error(ErrorCode::failed_precondition, [&] { (void)service().enrol(changed); }),
            Catch::Contains("used"));
    }
    SECTION("another box key's device with this signing key") {
        auto changed = request;
        changed.signing_public_key = crypto::SigningKeyPair::generate().public_key();
        require_error(ErrorCode::failed_precondition, [&] { (void)service().enrol(changed); });
    }
    SECTION("after the code expired") {
        now = expires + 1;
        require_error(ErrorCode::failed_precondition, [&] { (void)service().enrol(request); });
    }
    SECTION("after the device was revoked") {
        repo().revoke_device(first.device_id, now);
        require_error(ErrorCode::failed_precondition, [&] { (void)service().enrol(request); });
    }
    SECTION("without the code's secret") {
        auto guessed = request;
        guessed.auth_key = protocol::auth_key(protocol::EnrolmentCode::generate().secret());
        CHECK(require_error(ErrorCode::unauthenticated, [&] { (void)service().enrol(guessed); }) ==
              "the enrolment code is not valid");
    }
    CHECK(repo().list_devices().size() == 2);
}

TEST_CASE_METHOD(EnrolmentFixture, "an enrolment code works up to and including its expiry",
                 "[unit][server_auth]") {
    const auto admin = service().create_admin_code("AB12", "VA1B2", "", std::chrono::hours(1));

    SECTION("one millisecond late") {
        now = admin.token.expires_at_ms + 1;
        CHECK_THAT(
            require_error(ErrorCode::failed_precondition, [&] { (void)enrol_with(admin.code); }),
            Catch::Contains("expired"));
        CHECK(repo().list_devices().empty());
    }
    SECTION("at the last millisecond") {
        now = admin.token.expires_at_ms;
        CHECK(enrol_with(admin.code).site_ods == "VA1B2");
    }
}

TEST_CASE_METHOD(EnrolmentFixture, "an enrolment request with keys of the wrong size is refused",
                 "[unit][server_auth]") {
    const auto code =
        protocol::EnrolmentCode::parse(service().create_admin_code("AB12", "VA1B2", "").code);
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    auto request = enrol_request(code, signing, box);

    SECTION("auth_key") {
        request.auth_key.pop_back();
        CHECK(require_error(ErrorCode::invalid_argument, [&] { (void)service().enrol(request); }) ==
              "auth_key must be 32 bytes, not 31");
    }
    SECTION("signing_public_key") {
        request.signing_public_key.clear();
        CHECK(require_error(ErrorCode::invalid_argument, [&] { (void)service().enrol(request); }) ==
              "signing_public_key must be 32 bytes, not 0");
    }
    SECTION("box_public_key") {
        request.box_public_key.push_back(0);
        CHECK(require_error(ErrorCode::invalid_argument, [&] { (void)service().enrol(request); }) ==
              "box_public_key must be 32 bytes, not 33");
    }
    SECTION("a device name over 100 characters") {
        request.device_name = std::string(101, 'x');
        CHECK_THAT(
            require_error(ErrorCode::invalid_argument, [&] { (void)service().enrol(request); }),
            Catch::Contains("100 characters"));
    }
    // The code is still good.
    CHECK(repo().list_devices().empty());
    CHECK(service().enrol(enrol_request(code, signing, box, std::string(100, 'x'))).role ==
          protocol::Role::branch);
}

// ---- Invitations -------------------------------------------------------------------

TEST_CASE_METHOD(EnrolmentFixture,
                 "an invited device enrols with the invitation and receives the organisation key",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    auto invite = invitation(protocol::Role::branch, "VA1B3", organisation_key);

    const auto answer = service().invite(hq.device, invite.request);
    CHECK(answer.token_id == invite.code.token_id());
    CHECK(answer.expires_at_ms == now + 72 * kHourMs);

    const auto token = repo().find_token(invite.code.token_id());
    REQUIRE(token.has_value());
    CHECK(token->role == store::DeviceRole::branch);
    CHECK(token->organisation_ods == "AB12");
    CHECK(token->site_ods == "VA1B3");
    CHECK(token->created_by == hq.device.id);
    CHECK(token->created_at_ms == now);
    CHECK(token->verifier == invite.request.verifier);

    now += kHourMs;
    const auto response = enrol_with(invite.code, "Court office");
    CHECK(response.role == protocol::Role::branch);
    CHECK(response.site_ods == "VA1B3");
    CHECK(response.site_name == "Rose Court");
    CHECK(response.organisation_key_envelope == invite.request.organisation_key_envelope);
    const auto opened = protocol::open_organisation_key(
        invite.code, protocol::CodePurpose::enrolment, response.organisation_key_envelope);
    CHECK(same_bytes(opened.view(), organisation_key.view()));
}

TEST_CASE_METHOD(EnrolmentFixture, "who may invite whom", "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch("VA1B2");
    const auto single = enrol_branch("VC9D8", "VC9D8");
    const auto partner = enrol_partner();

    SECTION("headquarters invites headquarters and any site of its organisation") {
        CHECK_NOTHROW(service().invite(
            hq.device, invitation(protocol::Role::headquarters, "", organisation_key).request));
        CHECK_NOTHROW(service().invite(
            hq.device, invitation(protocol::Role::branch, "VA1B2", organisation_key).request));
        CHECK_NOTHROW(service().invite(
            hq.device, invitation(protocol::Role::branch, "VA1B3", organisation_key).request));
        CHECK_THAT(
            require_error(
                ErrorCode::forbidden,
                [&] {
                    (void)service().invite(
                        hq.device,
                        invitation(protocol::Role::branch, "VX9Y8", organisation_key).request);
                }),
            Catch::Contains("site VX9Y8"));
    }
    SECTION("a branch device invites for its own site only") {
        const auto own = service().invite(
            branch.device, invitation(protocol::Role::branch, "VA1B2", organisation_key).request);
        CHECK(repo().find_token(own.token_id)->site_ods == "VA1B2");
        CHECK(require_error(ErrorCode::forbidden, [&] {
                  (void)service().invite(
                      branch.device,
                      invitation(protocol::Role::branch, "VA1B3", organisation_key).request);
              }) == "the branch device of site VA1B2 may not change site VA1B3");
        CHECK(require_error(ErrorCode::forbidden, [&] {
                  (void)service().invite(
                      branch.device,
                      invitation(protocol::Role::headquarters, "", organisation_key).request);
              }) == "only a headquarters device may invite another headquarters device");
    }
    SECTION("a single-site provider's device invites for its site, not a headquarters") {
        CHECK_NOTHROW(service().invite(
            single.device, invitation(protocol::Role::branch, "VC9D8", organisation_key).request));
        CHECK_THAT(
            require_error(
                ErrorCode::forbidden,
                [&] {
                    (void)service().invite(
                        single.device,
                        invitation(protocol::Role::headquarters, "", organisation_key).request);
                }),
            Catch::Contains("only a headquarters device"));
    }
    SECTION("a site that does not exist") {
        CHECK(require_error(ErrorCode::forbidden, [&] {
                  (void)service().invite(
                      hq.device,
                      invitation(protocol::Role::branch, "VZ0Z0", organisation_key).request);
              }) == "there is no site VZ0Z0 in your organisation");
    }
    SECTION("nobody invites a partner device") {
        CHECK_THAT(require_error(
                       ErrorCode::forbidden,
                       [&] {
                           (void)service().invite(
                               hq.device,
                               invitation(protocol::Role::partner, "", organisation_key).request);
                       }),
                   Catch::Contains("administrator"));
    }
    SECTION("a partner device invites nobody") {
        CHECK(require_error(ErrorCode::forbidden, [&] {
                  (void)service().invite(
                      partner.device,
                      invitation(protocol::Role::branch, "VA1B2", organisation_key).request);
              }) == "a partner device may not invite devices");
    }
}

TEST_CASE_METHOD(EnrolmentFixture, "an invitation's token id, verifier and envelope are checked",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    auto request = invitation(protocol::Role::branch, "VA1B2", organisation_key).request;

    SECTION("a token id of 15 characters") {
        request.token_id.pop_back();
        CHECK_THAT(require_error(ErrorCode::invalid_argument,
                                 [&] { (void)service().invite(hq.device, request); }),
                   Catch::Contains("16 lower-case hex"));
    }
    SECTION("an upper-case token id") {
        request.token_id = "0123456789ABCDEF";
        CHECK_THAT(require_error(ErrorCode::invalid_argument,
                                 [&] { (void)service().invite(hq.device, request); }),
                   Catch::Contains("16 lower-case hex"));
    }
    SECTION("a verifier of 31 bytes") {
        request.verifier.pop_back();
        CHECK(require_error(ErrorCode::invalid_argument, [&] {
                  (void)service().invite(hq.device, request);
              }) == "verifier must be 32 bytes, not 31");
    }
    SECTION("no organisation key") {
        request.organisation_key_envelope.clear();
        CHECK_THAT(require_error(ErrorCode::invalid_argument,
                                 [&] { (void)service().invite(hq.device, request); }),
                   Catch::Contains("sealed organisation key"));
    }
    SECTION("an envelope over 1024 bytes") {
        request.organisation_key_envelope.assign(1025, 0xe1);
        CHECK_THAT(require_error(ErrorCode::invalid_argument,
                                 [&] { (void)service().invite(hq.device, request); }),
                   Catch::Contains("sealed organisation key"));
    }
    CHECK_FALSE(repo().find_token(request.token_id).has_value());
}

TEST_CASE_METHOD(EnrolmentFixture, "an envelope of exactly 1024 bytes is accepted",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    auto request = invitation(protocol::Role::branch, "VA1B2", organisation_key).request;
    request.organisation_key_envelope.assign(1024, 0xe1);
    CHECK_NOTHROW(service().invite(hq.device, request));
    CHECK(repo().find_token(request.token_id)->organisation_key_envelope.size() == 1024);
}

TEST_CASE_METHOD(EnrolmentFixture, "an invitation lasts 72 hours unless told, at most 30 days",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto invite_until = [&](std::int64_t expires_at_ms) {
        return service().invite(
            hq.device,
            invitation(protocol::Role::branch, "VA1B2", organisation_key, expires_at_ms).request);
    };

    CHECK(invite_until(0).expires_at_ms == now + 72 * kHourMs);
    CHECK(invite_until(now + 1).expires_at_ms == now + 1);
    CHECK(invite_until(now + 30 * kDayMs).expires_at_ms == now + 30 * kDayMs);

    const auto refused = GENERATE(std::int64_t{0}, std::int64_t{-1}, 30 * kDayMs + 1);
    INFO("expires at now + " << refused);
    const auto expires = refused == 0 ? now : now + refused;
    CHECK_THAT(require_error(ErrorCode::invalid_argument, [&] { (void)invite_until(expires); }),
               Catch::Contains("at most 30d"));
}

TEST_CASE_METHOD(EnrolmentFixture, "an invitation cannot reuse a token id", "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto first = invitation(protocol::Role::branch, "VA1B2", organisation_key);
    service().invite(hq.device, first.request);

    auto again = invitation(protocol::Role::branch, "VA1B3", organisation_key).request;
    again.token_id = first.request.token_id;
    require_error(ErrorCode::already_exists, [&] { (void)service().invite(hq.device, again); });
    CHECK(repo().find_token(first.request.token_id)->site_ods == "VA1B2");
}

// ---- Recovery envelope -------------------------------------------------------------

TEST_CASE_METHOD(EnrolmentFixture, "the organisation's first recovery envelope is kept for it",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch("VA1B3");
    const auto recovery = protocol::EnrolmentCode::generate();
    const protocol::KeyEnvelope envelope{protocol::seal_organisation_key(
        recovery, protocol::CodePurpose::recovery, organisation_key)};

    CHECK(require_error(ErrorCode::not_found, [&] { (void)service().recovery(hq.device); }) ==
          "organisation AB12 has no recovery copy of its key yet");

    service().put_recovery(hq.device, envelope);

    // Every device of the organisation gets it back, and opens it with the recovery code.
    const auto fetched = service().recovery(branch.device);
    CHECK(fetched.sealed == envelope.sealed);
    const auto opened =
        protocol::open_organisation_key(recovery, protocol::CodePurpose::recovery, fetched.sealed);
    CHECK(same_bytes(opened.view(), organisation_key.view()));

    // Another organisation has none.
    const auto elsewhere = enrol_headquarters("XY34");
    require_error(ErrorCode::not_found, [&] { (void)service().recovery(elsewhere.device); });

    // Only the first is accepted: a later device cannot replace the key.
    const auto other_key = crypto::SecretKey::generate();
    const protocol::KeyEnvelope replacement{protocol::seal_organisation_key(
        protocol::EnrolmentCode::generate(), protocol::CodePurpose::recovery, other_key)};
    require_error(ErrorCode::already_exists,
                  [&] { service().put_recovery(branch.device, replacement); });
    CHECK(service().recovery(hq.device).sealed == envelope.sealed);
}

TEST_CASE_METHOD(EnrolmentFixture, "a recovery envelope must be 1 to 1024 bytes",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto size = GENERATE(std::size_t{0}, std::size_t{1025});
    INFO("size " << size);
    CHECK_THAT(
        require_error(ErrorCode::invalid_argument,
                      [&] { service().put_recovery(hq.device, {crypto::Bytes(size, 0x11)}); }),
        Catch::Contains("empty or too large"));
    CHECK_FALSE(repo().find_recovery_envelope("AB12").has_value());
}

TEST_CASE_METHOD(EnrolmentFixture, "a partner device has no organisation key to put or get",
                 "[unit][server_auth]") {
    const auto partner = enrol_partner();
    repo().give_grant("AB12", partner_id, "admin", now, std::nullopt);
    CHECK(require_error(ErrorCode::forbidden, [&] {
              service().put_recovery(partner.device, {crypto::Bytes(72, 1)});
          }) == "a partner device has no organisation key");
    CHECK(require_error(ErrorCode::forbidden, [&] { (void)service().recovery(partner.device); }) ==
          "a partner device has no organisation key");
}

// ---- Identity ----------------------------------------------------------------------

TEST_CASE_METHOD(EnrolmentFixture, "a device's identity is what the server knows of it",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch("VA1B3");
    const auto hq = enrol_headquarters();
    const auto partner = enrol_partner();

    const auto b = service().identity(branch.device);
    CHECK(b == protocol::Identity{branch.device.id, protocol::Role::branch, "AB12", "VA1B3", ""});
    const auto h = service().identity(hq.device);
    CHECK(h == protocol::Identity{hq.device.id, protocol::Role::headquarters, "AB12", "", ""});
    const auto p = service().identity(partner.device);
    CHECK(p == protocol::Identity{partner.device.id, protocol::Role::partner, "", "",
                                  "Care Support Ltd"});
}

}  // namespace dspt::server::auth::test
