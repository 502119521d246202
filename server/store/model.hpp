#pragma once
// The server's stored domain: the registry (organisations and their sites), support
// partners and the grants that let them read an organisation's progress, enrolment
// tokens and devices, as plain values.
//
// These structs are what the Repository (repository.hpp) takes and returns. They hold
// no SQLite, Beast or Asio types, so the auth, HTTP and sync layers and a later
// PostgreSQL repository all use them unchanged. Times are Unix milliseconds (UTC),
// always passed in by the caller: the store never reads a clock.
//
// Identifiers (docs/domain.md, "Identifiers"): an organisation and a site each have an
// ODS-style code, e.g. "AB12" for an HQ ("parent") code and "VA1B2" for a site
// ("child") code; a site also has its CQC location id ("1-123456789"), a separate field
// that is never used in place of the ODS code. A single-site provider may be registered
// under either of its two codes, so the store checks only the shape of a code, not
// which letter it starts with.
//
// The validation helpers below throw dspt::Error(ErrorCode::invalid_argument) with a
// message that names the field and shows (a shortened, printable copy of) the bad value
// and the expected form. They are pure functions, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "common/date.hpp"

namespace dspt::server::store {

// A provider registered with the DSPT: a multi-site group's HQ ("parent") code, or a
// single-site provider.
struct Organisation {
    std::string ods;               // HQ/parent code, e.g. "AB12", or a single-site provider's code
    std::string name;              // as registered with CQC, e.g. "Rose Lodge Care Ltd"
    bool is_headquarters = false;  // true for a multi-site provider's HQ code
    // When the organisation's Cyber Essentials Plus certificate runs out, if it has one.
    std::optional<Date> cyber_essentials_plus_expires;
    std::int64_t created_at_ms = 0;

    bool operator==(const Organisation&) const = default;
};

// A registered location (a care home, a homecare branch) of one organisation.
struct Site {
    std::string ods;               // site/child code, e.g. "VA1B2"
    std::string organisation_ods;  // the organisation it belongs to
    std::string cqc_location_id;   // e.g. "1-123456789"
    std::string name;

    bool operator==(const Site&) const = default;
};

// A support organisation that organisations may let read their progress.
struct Partner {
    std::int64_t id = 0;  // assigned by the store, from 1
    std::string name;     // unique, compared without regard to ASCII case
    std::int64_t created_at_ms = 0;

    bool operator==(const Partner&) const = default;
};

// A support partner's own label for an organisation that grants it access, such as
// a local authority area: the partner's grouping in its summary. Set by the
// partner's devices, never by the organisation; the organisation's grant is what
// lets the partner see the organisation at all.
struct PartnerGroup {
    std::string organisation_ods;
    std::string label;
    std::int64_t set_at_ms = 0;

    bool operator==(const PartnerGroup&) const = default;
};

// One grant from an organisation to a partner: live (not revoked) or revoked, and
// given until revoked or until an end date. Revoked grants are kept as history; a
// new grant after a revoke, or one that changes the end date, is a new Grant.
struct Grant {
    std::string organisation_ods;
    std::int64_t partner_id = 0;
    std::string partner_name;  // read with the grant, for display
    std::int64_t given_at_ms = 0;
    std::string given_by_device;  // the device (or "admin") that gave it
    std::optional<std::int64_t> revoked_at_ms;
    std::string revoked_by_device;  // "" while live
    // The last moment it is in force (the end of its last day, UTC); none: until revoked.
    std::optional<std::int64_t> expires_at_ms;

    bool live() const noexcept { return !revoked_at_ms.has_value(); }
    // Whether the partner may read through it at `at_ms`: live and not past its end.
    bool in_force(std::int64_t at_ms) const noexcept {
        return live() && (!expires_at_ms || at_ms <= *expires_at_ms);
    }

    bool operator==(const Grant&) const = default;
};

// What a device may do (docs/security.md, "The parties").
enum class DeviceRole {
    branch,        // one site of an organisation
    headquarters,  // every site of its organisation
    partner,       // reads the progress of organisations that granted its partner access
};

// "branch", "headquarters" or "partner" (the names the store writes).
std::string_view to_string(DeviceRole role) noexcept;

// The role named by to_string's text; throws ErrorCode::invalid_argument for anything
// else (case matters).
DeviceRole parse_device_role(std::string_view text);

// An enrolled installation of dspt.
//
// Which fields a role uses (validate_device_scope checks it):
//   branch:        organisation_ods and site_ods set, partner_id empty
//   headquarters:  organisation_ods set, site_ods "", partner_id empty
//   partner:       organisation_ods "" and site_ods "", partner_id set
struct Device {
    std::string id;  // a canonical lower-case UUID, assigned by the server
    DeviceRole role = DeviceRole::branch;
    std::string organisation_ods;            // "" for a partner device
    std::string site_ods;                    // branch devices only
    std::optional<std::int64_t> partner_id;  // partner devices only
    crypto::Bytes signing_public_key;        // Ed25519, 32 bytes
    crypto::Bytes box_public_key;            // X25519, 32 bytes
    std::string name;                        // shown to administrators; may be ""
    std::int64_t enrolled_at_ms = 0;
    std::optional<std::int64_t> revoked_at_ms;

    bool revoked() const noexcept { return revoked_at_ms.has_value(); }

    bool operator==(const Device&) const = default;
};

// An invitation for one device to enrol, redeemed once before it expires. The server
// keeps only a verifier of the code's secret (protocol/enrolment_code.hpp). The role,
// organisation, site and partner fields follow the same rules as Device's.
struct EnrolmentToken {
    std::string token_id;    // the code's public part, e.g. 16 lower-hex characters
    crypto::Bytes verifier;  // BLAKE2b-256 of the code's auth key; never the secret
    DeviceRole role = DeviceRole::branch;
    std::string organisation_ods;
    std::string site_ods;
    std::optional<std::int64_t> partner_id;
    std::string created_by;  // "admin" or the inviting device's id
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;  // the token works up to and including this time
    std::optional<std::int64_t> used_at_ms;
    std::string used_by_device;  // "" until used
    // When the code was cancelled before use: by its creator or the operator, or
    // because the device that made it was revoked. Unset while it may be used.
    std::optional<std::int64_t> voided_at_ms;
    // The organisation key sealed by the inviting device for the enrolling one; opaque
    // to the server; may be empty.
    crypto::Bytes organisation_key_envelope;

    bool used() const noexcept { return used_at_ms.has_value(); }
    bool voided() const noexcept { return voided_at_ms.has_value(); }

    bool operator==(const EnrolmentToken&) const = default;
};

// The organisation key sealed under the organisation's recovery code, kept for the day
// every device is lost. Opaque to the server.
struct RecoveryEnvelope {
    std::string organisation_ods;
    crypto::Bytes sealed;
    std::string stored_by_device;
    std::int64_t stored_at_ms = 0;

    bool operator==(const RecoveryEnvelope&) const = default;
};

// One line of a registry import (for example from the ODS/CQC monthly data): a site and
// the organisation it belongs to.
struct RegistryRow {
    std::string organisation_ods;
    std::string organisation_name;
    bool is_headquarters = false;
    std::string site_ods;
    std::string cqc_location_id;
    std::string site_name;

    bool operator==(const RegistryRow&) const = default;
};

// What an import changed. A row that matches what is stored counts nowhere.
struct ImportSummary {
    std::size_t organisations_created = 0;
    std::size_t organisations_updated = 0;  // name or is_headquarters changed
    std::size_t sites_created = 0;
    std::size_t sites_updated = 0;  // name or CQC location id changed

    bool operator==(const ImportSummary&) const = default;
};

// ---- Validation -------------------------------------------------------------------

// Length limits of stored text, in bytes.
inline constexpr std::size_t kMinOdsCodeChars = 3;
inline constexpr std::size_t kMaxOdsCodeChars = 10;
inline constexpr std::size_t kMinCqcDigits = 6;
inline constexpr std::size_t kMaxCqcDigits = 12;
inline constexpr std::size_t kMaxNameBytes = 200;
inline constexpr std::size_t kMaxTokenIdBytes = 64;
inline constexpr std::size_t kMaxActorBytes = 64;  // given_by_device, created_by, ...
inline constexpr std::size_t kMaxNonceBytes = 128;
inline constexpr std::size_t kPublicKeyBytes = 32;  // Ed25519 and X25519 public keys

// True for an ODS-style code: 3 to 10 characters, each A-Z or 0-9.
bool is_valid_ods_code(std::string_view code) noexcept;

// True for a CQC location id: "1-" followed by 6 to 12 digits.
bool is_valid_cqc_location_id(std::string_view id) noexcept;

// True for a canonical lower-case UUID, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex).
bool is_valid_device_id(std::string_view id) noexcept;

// Throws invalid_argument unless is_valid_ods_code(code). `field` names the value in
// the message, e.g. "organisation ODS code".
void validate_ods_code(std::string_view code, std::string_view field = "ODS code");

// Throws invalid_argument unless is_valid_cqc_location_id(id).
void validate_cqc_location_id(std::string_view id);

// Throws invalid_argument unless is_valid_device_id(id).
void validate_device_id(std::string_view id, std::string_view field = "device id");

// Throws invalid_argument unless `name` is a display name: at most kMaxNameBytes bytes,
// no control characters, no leading or trailing space, and (unless allow_empty) not
// empty. `field` names it in the message ("organisation name").
void validate_name(std::string_view name, std::string_view field, bool allow_empty = false);

// Throws invalid_argument unless `actor` names who did something ("admin" or a device
// id): 1 to kMaxActorBytes printable ASCII characters without spaces. The store records
// actors as given; whether a device exists is the caller's to check.
void validate_actor(std::string_view actor, std::string_view field);

// Throws invalid_argument unless the role's fields are set as Device's comment says,
// with valid codes. Existence of the organisation, site and partner is the
// repository's to check.
void validate_device_scope(DeviceRole role, std::string_view organisation_ods,
                           std::string_view site_ods,
                           const std::optional<std::int64_t>& partner_id);

// Throws invalid_argument unless `device` can be stored: a valid id and scope, 32-byte
// public keys, a valid (possibly empty) name.
void validate_device(const Device& device);

// Throws invalid_argument unless `token` can be stored as a new token: a token id of
// printable ASCII without spaces (at most kMaxTokenIdBytes), a non-empty verifier, a
// valid scope, a non-empty created_by, expires_at_ms after created_at_ms, and no
// used_at_ms / used_by_device.
void validate_new_token(const EnrolmentToken& token);

// Throws invalid_argument unless every field of `row` is valid (codes, CQC id, names).
// `row_number` (from 1) is named in the message.
void validate_registry_row(const RegistryRow& row, std::size_t row_number);

}  // namespace dspt::server::store
