#include "server/auth/enrolment_service.hpp"

#include "common/crypto/constant_time.hpp"
#include "common/crypto/random.hpp"
#include "common/duration.hpp"
#include "common/error.hpp"
#include "protocol/enrolment_code.hpp"
#include "protocol/signing.hpp"

namespace dspt::server::auth {

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kMaxDeviceNameChars = 100;
constexpr std::size_t kMaxEnvelopeBytes = 1024;

std::int64_t to_ms(std::chrono::seconds duration) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

protocol::Role to_protocol(store::DeviceRole role) {
    switch (role) {
        case store::DeviceRole::branch:
            return protocol::Role::branch;
        case store::DeviceRole::headquarters:
            return protocol::Role::headquarters;
        case store::DeviceRole::partner:
            return protocol::Role::partner;
    }
    return protocol::Role::branch;
}

void require_size(const crypto::Bytes& bytes, std::size_t size, const char* what) {
    if (bytes.size() != size) {
        fail(ErrorCode::invalid_argument, std::string(what) + " must be " + std::to_string(size) +
                                              " bytes, not " + std::to_string(bytes.size()));
    }
}

}  // namespace

EnrolmentService::EnrolmentService(store::Repository& repository, const AccessPolicy& policy,
                                   Clock clock)
    : repository_(repository), policy_(policy), clock_(std::move(clock)) {}

AdminCode EnrolmentService::create_admin_code(const std::string& organisation_ods,
                                              const std::string& site_ods,
                                              const std::string& partner_name,
                                              std::chrono::seconds lifetime) {
    if (lifetime.count() <= 0 || lifetime > kMaxCodeLifetime) {
        fail(ErrorCode::invalid_argument,
             "a code lasts at most " + format_duration(kMaxCodeLifetime));
    }
    store::EnrolmentToken token;
    if (!partner_name.empty()) {
        if (!organisation_ods.empty() || !site_ods.empty()) {
            fail(ErrorCode::invalid_argument,
                 "a partner's code names the partner only, not an organisation or site");
        }
        const auto partner = repository_.find_partner_by_name(partner_name);
        if (!partner) {
            fail(ErrorCode::not_found, "there is no partner named \"" + partner_name + "\"");
        }
        token.role = store::DeviceRole::partner;
        token.partner_id = partner->id;
    } else {
        const auto organisation = repository_.find_organisation(organisation_ods);
        if (!organisation) {
            fail(ErrorCode::not_found, "there is no organisation " + organisation_ods);
        }
        token.organisation_ods = organisation->ods;
        if (site_ods.empty()) {
            if (!organisation->is_headquarters) {
                fail(ErrorCode::invalid_argument,
                     "organisation " + organisation->ods +
                         " has no headquarters: give --site CODE for the device of its site");
            }
            token.role = store::DeviceRole::headquarters;
        } else {
            const auto site = repository_.find_site(site_ods);
            if (!site || site->organisation_ods != organisation->ods) {
                fail(ErrorCode::not_found,
                     "organisation " + organisation->ods + " has no site " + site_ods);
            }
            token.role = store::DeviceRole::branch;
            token.site_ods = site->ods;
        }
    }
    auto code = protocol::EnrolmentCode::generate();
    token.token_id = code.token_id();
    token.verifier = protocol::verifier(protocol::auth_key(code.secret()));
    token.created_by = "admin";
    token.created_at_ms = clock_();
    token.expires_at_ms = token.created_at_ms + to_ms(lifetime);
    repository_.create_token(token);
    return {code.to_string(), std::move(token)};
}

protocol::EnrolResponse EnrolmentService::enrol(const protocol::EnrolRequest& request) {
    require_size(request.auth_key, kKeyBytes, "auth_key");
    require_size(request.signing_public_key, kKeyBytes, "signing_public_key");
    require_size(request.box_public_key, kKeyBytes, "box_public_key");
    if (request.device_name.size() > kMaxDeviceNameChars) {
        fail(ErrorCode::invalid_argument, "the device name is longer than " +
                                              std::to_string(kMaxDeviceNameChars) + " characters");
    }
    // Unknown and wrong codes get the same answer, so codes cannot be probed.
    const auto token = protocol::EnrolmentCode::is_token_id(request.token_id)
                           ? repository_.find_token(request.token_id)
                           : std::nullopt;
    if (!token ||
        !crypto::constant_time_equal(protocol::verifier(request.auth_key), token->verifier)) {
        fail(ErrorCode::unauthenticated, "the enrolment code is not valid");
    }

    const auto now = clock_();
    if (token->used() && now <= token->expires_at_ms) {
        // A retry by the device that used the code, whose answer was lost on the
        // way: the same keys get the same answer, until the code's expiry.
        const auto enrolled = repository_.find_device(token->used_by_device);
        if (enrolled && !enrolled->revoked() &&
            crypto::constant_time_equal(enrolled->signing_public_key, request.signing_public_key) &&
            crypto::constant_time_equal(enrolled->box_public_key, request.box_public_key)) {
            return response_for(*enrolled, *token);
        }
    }

    store::Device device;
    device.id = crypto::random_uuid();
    device.role = token->role;
    device.organisation_ods = token->organisation_ods;
    device.site_ods = token->site_ods;
    device.partner_id = token->partner_id;
    device.signing_public_key = request.signing_public_key;
    device.box_public_key = request.box_public_key;
    device.name = request.device_name;
    device.enrolled_at_ms = now;
    // Consumes the code and adds the device atomically; a used or expired code
    // fails here even when two devices race with the same code.
    device = repository_.enrol_device(token->token_id, protocol::verifier(request.auth_key), device,
                                      device.enrolled_at_ms);
    return response_for(device, *token);
}

protocol::EnrolResponse EnrolmentService::response_for(const store::Device& device,
                                                       const store::EnrolmentToken& token) const {
    protocol::EnrolResponse response;
    response.device_id = device.id;
    response.role = to_protocol(device.role);
    if (device.role == store::DeviceRole::partner) {
        response.partner_name = repository_.find_partner(*device.partner_id)->name;
        return response;
    }
    const auto organisation = repository_.find_organisation(device.organisation_ods);
    response.organisation_ods = organisation->ods;
    response.organisation_name = organisation->name;
    if (!device.site_ods.empty()) {
        response.site_ods = device.site_ods;
        response.site_name = repository_.find_site(device.site_ods)->name;
    }
    response.organisation_key_exists =
        repository_.find_recovery_envelope(organisation->ods).has_value();
    response.organisation_key_envelope = token.organisation_key_envelope;
    return response;
}

protocol::InviteResponse EnrolmentService::invite(const store::Device& inviter,
                                                  const protocol::InviteRequest& request) {
    if (inviter.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "a partner device may not invite devices");
    }
    store::EnrolmentToken token;
    token.organisation_ods = inviter.organisation_ods;
    switch (request.role) {
        case protocol::Role::headquarters:
            if (inviter.role != store::DeviceRole::headquarters) {
                fail(ErrorCode::forbidden,
                     "only a headquarters device may invite another headquarters device");
            }
            token.role = store::DeviceRole::headquarters;
            break;
        case protocol::Role::branch: {
            const auto site = repository_.find_site(request.site_ods);
            if (!site) {
                fail(ErrorCode::forbidden,
                     "there is no site " + request.site_ods + " in your organisation");
            }
            policy_.require_site(inviter, *site, Access::write);
            token.role = store::DeviceRole::branch;
            token.site_ods = site->ods;
            break;
        }
        case protocol::Role::partner:
            fail(ErrorCode::forbidden,
                 "partner devices are enrolled by the server's administrator");
    }
    if (!protocol::EnrolmentCode::is_token_id(request.token_id)) {
        fail(ErrorCode::invalid_argument, "the token id must be 16 lower-case hex characters");
    }
    require_size(request.verifier, kKeyBytes, "verifier");
    if (request.organisation_key_envelope.empty() ||
        request.organisation_key_envelope.size() > kMaxEnvelopeBytes) {
        fail(ErrorCode::invalid_argument, "an invitation carries the sealed organisation key");
    }
    const auto now = clock_();
    const auto expires =
        request.expires_at_ms == 0 ? now + to_ms(kDefaultInviteLifetime) : request.expires_at_ms;
    if (expires <= now || expires > now + to_ms(kMaxCodeLifetime)) {
        fail(ErrorCode::invalid_argument,
             "an invitation lasts at most " + format_duration(kMaxCodeLifetime));
    }
    token.token_id = request.token_id;
    token.verifier = request.verifier;
    token.created_by = inviter.id;
    token.created_at_ms = now;
    token.expires_at_ms = expires;
    token.organisation_key_envelope = request.organisation_key_envelope;
    repository_.create_token(token);
    return {token.token_id, token.expires_at_ms};
}

namespace {

protocol::InviteView invite_view(const store::EnrolmentToken& token) {
    protocol::InviteView view;
    view.token_id = token.token_id;
    view.role = to_protocol(token.role);
    view.site_ods = token.site_ods;
    view.created_at_ms = token.created_at_ms;
    view.expires_at_ms = token.expires_at_ms;
    return view;
}

}  // namespace

protocol::InviteList EnrolmentService::invites(const store::Device& device) {
    protocol::InviteList list;
    for (const auto& token : repository_.usable_tokens("", device.id, clock_())) {
        list.invites.push_back(invite_view(token));
    }
    return list;
}

protocol::InviteView EnrolmentService::cancel_invite(const store::Device& device,
                                                     std::string_view token_id) {
    if (!protocol::EnrolmentCode::is_token_id(token_id)) {
        fail(ErrorCode::not_found, "you made no code " + std::string(token_id.substr(0, 40)));
    }
    return invite_view(repository_.void_token(token_id, device.id, clock_()));
}

void EnrolmentService::put_recovery(const store::Device& device,
                                    const protocol::KeyEnvelope& envelope) {
    if (device.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "a partner device has no organisation key");
    }
    if (envelope.sealed.empty() || envelope.sealed.size() > kMaxEnvelopeBytes) {
        fail(ErrorCode::invalid_argument, "the recovery envelope is empty or too large");
    }
    repository_.put_recovery_envelope(device.organisation_ods, envelope.sealed, device.id,
                                      clock_());
}

protocol::KeyEnvelope EnrolmentService::recovery(const store::Device& device) {
    if (device.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "a partner device has no organisation key");
    }
    auto envelope = repository_.find_recovery_envelope(device.organisation_ods);
    if (!envelope) {
        fail(ErrorCode::not_found,
             "organisation " + device.organisation_ods + " has no recovery copy of its key yet");
    }
    return {std::move(envelope->sealed)};
}

protocol::Identity EnrolmentService::identity(const store::Device& device) {
    protocol::Identity identity;
    identity.device_id = device.id;
    identity.role = to_protocol(device.role);
    identity.organisation_ods = device.organisation_ods;
    identity.site_ods = device.site_ods;
    if (device.partner_id) {
        const auto partner = repository_.find_partner(*device.partner_id);
        identity.partner_name = partner ? partner->name : "";
    }
    return identity;
}

}  // namespace dspt::server::auth
