#include "server/store/device_rules.hpp"

#include "common/crypto/constant_time.hpp"
#include "common/date.hpp"
#include "common/error.hpp"

namespace dspt::server::store {

namespace {

void check_device_matches_token(const Device& device, const EnrolmentToken& token) {
    if (device.role != token.role || device.organisation_ods != token.organisation_ods ||
        device.site_ods != token.site_ods || device.partner_id != token.partner_id) {
        fail(ErrorCode::invalid_argument,
             "the device's role, organisation, site or partner differ from enrolment token " +
                 token.token_id + "'s");
    }
}

}  // namespace

std::string new_code_step(const EnrolmentToken& token) {
    if (token.created_by != "admin") {
        return "Ask head office (or the device that invited you) for a new code: on an enrolled "
               "device of the organisation they run 'dspt invite " +
               (token.site_ods.empty() ? std::string("--hq") : "--site " + token.site_ods) +
               "'; then run 'dspt enrol --server URL --code NEW-CODE' here";
    }
    std::string command = "dspt-server admin enrol-code ";
    if (token.partner_id) {
        command += "--partner NAME";
    } else {
        command += "--org " + token.organisation_ods +
                   (token.site_ods.empty() ? std::string() : " --site " + token.site_ods);
    }
    return "Ask the server's operator for a new code (they run '" + command +
           "'); then run 'dspt enrol --server URL --code NEW-CODE' here";
}

std::string token_label(std::string_view token_id) {
    for (const char c : token_id) {
        if (c <= 0x20 || c >= 0x7f) {
            return "(malformed id)";
        }
    }
    if (token_id.empty() || token_id.size() > kMaxTokenIdBytes) {
        return "(malformed id)";
    }
    return std::string(token_id);
}

void check_token_site(const std::optional<Site>& site, std::string_view site_ods,
                      std::string_view organisation_ods) {
    if (!site) {
        fail(ErrorCode::not_found, "site " + std::string(site_ods) + " is not registered");
    }
    if (site->organisation_ods != organisation_ods) {
        fail(ErrorCode::failed_precondition, "site " + site->ods + " belongs to organisation " +
                                                 site->organisation_ods + ", not " +
                                                 std::string(organisation_ods));
    }
}

const EnrolmentToken& check_enrolment(const std::optional<EnrolmentToken>& token,
                                      std::string_view token_id, crypto::ByteView verifier,
                                      const Device& device, std::int64_t at_ms,
                                      EnrolmentReader& reader) {
    if (!token) {
        fail(ErrorCode::not_found, "no enrolment token " + token_label(token_id));
    }
    // Checked before anything about the token's state, so a caller without the
    // secret learns only that the id exists.
    if (!crypto::constant_time_equal(verifier, token->verifier)) {
        fail(ErrorCode::unauthenticated,
             "the code does not match enrolment token " + token->token_id);
    }
    if (token->used_at_ms) {
        const auto user = reader.find_device(token->used_by_device);
        const auto who = user && !user->name.empty()
                             ? "\"" + user->name + "\" (" + token->used_by_device + ")"
                             : token->used_by_device;
        fail(ErrorCode::failed_precondition,
             "enrolment code " + token->token_id + " was already used, on " +
                 long_moment_text(*token->used_at_ms) + " by device " + who +
                 ": a code enrols one device. " + new_code_step(*token));
    }
    if (at_ms > token->expires_at_ms) {
        fail(ErrorCode::failed_precondition, "enrolment code " + token->token_id + " expired on " +
                                                 long_moment_text(token->expires_at_ms) + ". " +
                                                 new_code_step(*token));
    }
    if (token->voided_at_ms) {
        fail(ErrorCode::failed_precondition,
             "enrolment code " + token->token_id + " was cancelled on " +
                 long_moment_text(*token->voided_at_ms) + ". " + new_code_step(*token));
    }
    if (const auto creator = reader.find_device(token->created_by);
        creator && creator->revoked_at_ms) {
        fail(ErrorCode::failed_precondition,
             "enrolment code " + token->token_id + " was cancelled: device " + creator->id +
                 ", which made it, was revoked. " + new_code_step(*token));
    }
    check_device_matches_token(device, *token);
    if (reader.find_device(device.id)) {
        fail(ErrorCode::already_exists, "device " + device.id + " is already enrolled");
    }
    // A key pair belongs to one device for life, revoked or not: a second
    // device holding it could take the first one's signed requests as its own.
    if (reader.public_key_enrolled(device)) {
        fail(ErrorCode::already_exists,
             "this device's public key is already enrolled, by another device; a device "
             "makes new keys for each enrolment (the code was not used)");
    }
    return *token;
}

void fail_device_enrolled_meanwhile(const Device& device) {
    fail(ErrorCode::already_exists,
         "device " + device.id +
             " or its public key was enrolled meanwhile, by another "
             "enrolment; a device makes new keys for each enrolment (the code was not used)");
}

void fail_token_changed(const EnrolmentToken& token) {
    fail(ErrorCode::internal,
         "enrolment token " + token.token_id + " changed during its own transaction");
}

const EnrolmentToken& check_voidable(const std::optional<EnrolmentToken>& token,
                                     std::string_view token_id, std::string_view created_by) {
    if (!token || (!created_by.empty() && token->created_by != created_by)) {
        fail(ErrorCode::not_found, "no enrolment code " + token_label(token_id));
    }
    if (token->used_at_ms) {
        fail(ErrorCode::failed_precondition, "enrolment code " + token->token_id +
                                                 " was already used, by device " +
                                                 token->used_by_device);
    }
    if (token->voided_at_ms) {
        fail(ErrorCode::failed_precondition,
             "enrolment code " + token->token_id + " was already cancelled");
    }
    return *token;
}

void check_revocable(const std::optional<Device>& device, std::string_view id) {
    if (!device) {
        fail(ErrorCode::not_found, "device " + std::string(id) +
                                       " is not enrolled: 'dspt-server admin list-devices' "
                                       "lists the devices and their ids");
    }
    if (device->revoked_at_ms) {
        fail(ErrorCode::failed_precondition, "device " + device->id + " was already revoked, on " +
                                                 long_moment_text(*device->revoked_at_ms));
    }
}

void validate_recovery_envelope(std::string_view organisation_ods, crypto::ByteView sealed,
                                std::string_view device_id) {
    validate_ods_code(organisation_ods, "organisation ODS code");
    validate_actor(device_id, "device");
    if (sealed.empty()) {
        fail(ErrorCode::invalid_argument, "the recovery envelope is empty");
    }
}

void fail_recovery_envelope_kept(std::string_view organisation_ods,
                                 std::string_view stored_by_device, std::int64_t stored_at_ms) {
    fail(ErrorCode::already_exists, "organisation " + std::string(organisation_ods) +
                                        " already has a recovery envelope, put by device " +
                                        std::string(stored_by_device) + " on " +
                                        long_moment_text(stored_at_ms));
}

std::int64_t nonce_window_start(std::string_view device_id, std::string_view nonce,
                                std::int64_t at_ms, std::int64_t window_ms) {
    if (device_id.empty() || device_id.size() > kMaxActorBytes) {
        fail(ErrorCode::invalid_argument, "remember_nonce needs a device id of 1 to " +
                                              std::to_string(kMaxActorBytes) + " bytes");
    }
    if (nonce.empty() || nonce.size() > kMaxNonceBytes) {
        fail(ErrorCode::invalid_argument, "a request nonce must have 1 to " +
                                              std::to_string(kMaxNonceBytes) + " bytes, not " +
                                              std::to_string(nonce.size()));
    }
    if (at_ms < 0 || window_ms <= 0) {
        fail(ErrorCode::invalid_argument,
             "remember_nonce needs a time of at least 0 and a positive window (got at_ms " +
                 std::to_string(at_ms) + ", window_ms " + std::to_string(window_ms) + ")");
    }
    // No overflow: at_ms >= 0 and window_ms > 0.
    return at_ms - window_ms;
}

}  // namespace dspt::server::store
