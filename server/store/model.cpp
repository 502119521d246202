#include "server/store/model.hpp"

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "server/store/sync_health_model.hpp"

namespace dspt::server::store {

namespace {

bool is_upper_or_digit(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool is_lower_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

// A bad value as it appears in a message: quoted, at most 40 characters, with control
// and non-ASCII bytes shown as '?', so a hostile value cannot forge log lines.
std::string shown(std::string_view value) {
    constexpr std::size_t kMaxShown = 40;
    std::string text = "\"";
    for (std::size_t i = 0; i < value.size() && i < kMaxShown; ++i) {
        const char c = value[i];
        text += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (value.size() > kMaxShown) {
        text += "...";
    }
    text += '"';
    return text;
}

[[noreturn]] void fail_invalid(std::string message) {
    fail(ErrorCode::invalid_argument, std::move(message));
}

bool is_printable_token(std::string_view text) noexcept {
    for (const char c : text) {
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
    }
    return true;
}

}  // namespace

void validate_actor(std::string_view actor, std::string_view field) {
    if (actor.empty() || actor.size() > kMaxActorBytes || !is_printable_token(actor)) {
        fail_invalid(std::string(field) + " " + shown(actor) +
                     " is not valid: use \"admin\" or a device id");
    }
}

std::string_view to_string(DeviceRole role) noexcept {
    switch (role) {
        case DeviceRole::branch:
            return "branch";
        case DeviceRole::headquarters:
            return "headquarters";
        case DeviceRole::partner:
            return "partner";
    }
    return "";
}

DeviceRole parse_device_role(std::string_view text) {
    for (const DeviceRole role :
         {DeviceRole::branch, DeviceRole::headquarters, DeviceRole::partner}) {
        if (text == to_string(role)) {
            return role;
        }
    }
    fail_invalid("unknown device role " + shown(text) +
                 ": expected branch, headquarters or partner");
}

bool is_valid_ods_code(std::string_view code) noexcept {
    if (code.size() < kMinOdsCodeChars || code.size() > kMaxOdsCodeChars) {
        return false;
    }
    for (const char c : code) {
        if (!is_upper_or_digit(c)) {
            return false;
        }
    }
    return true;
}

bool is_valid_cqc_location_id(std::string_view id) noexcept {
    if (id.size() < 2 || id[0] != '1' || id[1] != '-') {
        return false;
    }
    const std::string_view digits = id.substr(2);
    if (digits.size() < kMinCqcDigits || digits.size() > kMaxCqcDigits) {
        return false;
    }
    for (const char c : digits) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

bool is_valid_device_id(std::string_view id) noexcept {
    if (id.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? id[i] != '-' : !is_lower_hex(id[i])) {
            return false;
        }
    }
    return true;
}

void validate_ods_code(std::string_view code, std::string_view field) {
    if (!is_valid_ods_code(code)) {
        fail_invalid(std::string(field) + " " + shown(code) +
                     " is not valid: use 3 to 10 upper-case letters and digits, e.g. \"AB12\" "
                     "or \"VA1B2\"");
    }
}

void validate_cqc_location_id(std::string_view id) {
    if (!is_valid_cqc_location_id(id)) {
        fail_invalid("CQC location id " + shown(id) +
                     " is not valid: use \"1-\" followed by 6 to 12 digits, e.g. "
                     "\"1-123456789\"");
    }
}

void validate_device_id(std::string_view id, std::string_view field) {
    if (!is_valid_device_id(id)) {
        fail_invalid(std::string(field) + " " + shown(id) +
                     " is not valid: use a lower-case UUID such as "
                     "\"0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b\"");
    }
}

void validate_name(std::string_view name, std::string_view field, bool allow_empty) {
    if (name.empty()) {
        if (!allow_empty) {
            fail_invalid(std::string(field) + " must not be empty");
        }
        return;
    }
    if (name.size() > kMaxNameBytes) {
        fail_invalid(std::string(field) + " is " + std::to_string(name.size()) +
                     " bytes long; the limit is " + std::to_string(kMaxNameBytes));
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            fail_invalid(std::string(field) + " " + shown(name) + " contains a control character");
        }
    }
    if (name.front() == ' ' || name.back() == ' ') {
        fail_invalid(std::string(field) + " " + shown(name) + " starts or ends with a space");
    }
}

void validate_device_scope(DeviceRole role, std::string_view organisation_ods,
                           std::string_view site_ods,
                           const std::optional<std::int64_t>& partner_id) {
    const std::string role_name(to_string(role));
    switch (role) {
        case DeviceRole::branch:
            validate_ods_code(organisation_ods, "organisation ODS code");
            validate_ods_code(site_ods, "site ODS code");
            break;
        case DeviceRole::headquarters:
            validate_ods_code(organisation_ods, "organisation ODS code");
            if (!site_ods.empty()) {
                fail_invalid("a headquarters device has no site, but site " + shown(site_ods) +
                             " was given");
            }
            break;
        case DeviceRole::partner:
            if (!organisation_ods.empty() || !site_ods.empty()) {
                fail_invalid("a partner device belongs to no organisation or site");
            }
            if (!partner_id) {
                fail_invalid("a partner device needs a partner id");
            }
            return;
    }
    if (partner_id) {
        fail_invalid("a " + role_name + " device must not have a partner id");
    }
}

void validate_device(const Device& device) {
    validate_device_id(device.id);
    validate_device_scope(device.role, device.organisation_ods, device.site_ods, device.partner_id);
    if (device.signing_public_key.size() != kPublicKeyBytes) {
        fail_invalid("the device's signing public key has " +
                     std::to_string(device.signing_public_key.size()) + " bytes, expected " +
                     std::to_string(kPublicKeyBytes));
    }
    if (device.box_public_key.size() != kPublicKeyBytes) {
        fail_invalid("the device's box public key has " +
                     std::to_string(device.box_public_key.size()) + " bytes, expected " +
                     std::to_string(kPublicKeyBytes));
    }
    validate_name(device.name, "device name", true);
}

void validate_new_token(const EnrolmentToken& token) {
    if (token.token_id.empty() || token.token_id.size() > kMaxTokenIdBytes ||
        !is_printable_token(token.token_id)) {
        fail_invalid("token id " + shown(token.token_id) +
                     " is not valid: use 1 to 64 printable ASCII characters without spaces");
    }
    if (token.verifier.empty()) {
        fail_invalid("enrolment token " + token.token_id + " has an empty verifier");
    }
    validate_device_scope(token.role, token.organisation_ods, token.site_ods, token.partner_id);
    validate_actor(token.created_by, "created_by");
    if (token.expires_at_ms <= token.created_at_ms) {
        fail_invalid("enrolment token " + token.token_id +
                     " must expire after it is created (expires_at_ms " +
                     std::to_string(token.expires_at_ms) + ", created_at_ms " +
                     std::to_string(token.created_at_ms) + ")");
    }
    if (token.used_at_ms || !token.used_by_device.empty()) {
        fail_invalid("a new enrolment token cannot already be used");
    }
}

void validate_registry_row(const RegistryRow& row, std::size_t row_number) {
    const std::string where = "registry row " + std::to_string(row_number) + ": ";
    try {
        validate_ods_code(row.organisation_ods, "organisation ODS code");
        validate_name(row.organisation_name, "organisation name");
        validate_ods_code(row.site_ods, "site ODS code");
        validate_cqc_location_id(row.cqc_location_id);
        validate_name(row.site_name, "site name");
    } catch (const Error& e) {
        throw Error(e.code(), where + e.what());
    }
}

void validate_sync_health_report(const SyncHealthReport& report) {
    if (report.reported_at_ms < 0 || report.oldest_pending_age_ms < 0) {
        fail(ErrorCode::invalid_argument,
             "a sync health report has no negative time or age (device " + report.device_id + ")");
    }
    if (report.pending_changes > INT64_MAX || report.pending_bytes > INT64_MAX) {
        fail(ErrorCode::invalid_argument,
             "a sync health report counts at most 2^63-1 changes and bytes (device " +
                 report.device_id + ")");
    }
}

}  // namespace dspt::server::store
