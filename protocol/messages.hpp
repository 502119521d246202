#pragma once
// The messages of the dsptsync wire protocol: plain structs, no behaviour.
//
// Contract:
//   - Field names are the contract between the client and the server; the
//     encoding is cereal's portable binary archive (codec.hpp), so the order in
//     serialize() is the wire order. Never reorder, remove or retype a field:
//     add new fields at the end under a new class version (kVersion, checked
//     by serialize) and a new protocol version (version.hpp).
//   - Every struct names its MessageType (kType), its name (kName, used in
//     error messages) and its cereal class version (kVersion, registered with
//     CEREAL_CLASS_VERSION at the end of this file).
//   - Byte fields are crypto::Bytes (std::vector<unsigned char>) and may hold
//     any bytes, including none. Decoding checks structure only (every byte
//     consumed, known enum values, known class versions); the sizes and forms
//     protocol/README.md gives for each field are checked by the handler that
//     uses them.
//   - Integers are exact-width; times are Unix milliseconds (std::int64_t).
//
// Thread safety: plain values; the usual rules for std types apply.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "common/crypto/bytes.hpp"
#include "protocol/limits.hpp"

namespace dspt::protocol {

using crypto::Bytes;

// What a device may do (docs/security.md, "The parties"). The numbers are the wire
// values; never renumber. 0 is not a role.
enum class Role : std::uint8_t {
    branch = 1,        // one site of an organisation
    headquarters = 2,  // every site of its organisation
    partner = 3,       // reads the progress of organisations that granted it access
};

// "branch", "headquarters" or "partner" ("" for a value outside the enum).
[[nodiscard]] std::string_view to_string(Role role) noexcept;

// The role named by to_string's text. Throws Error(ErrorCode::invalid_argument)
// for anything else (case matters, no surrounding spaces).
[[nodiscard]] Role parse_role(std::string_view text);

// The message carried by an envelope. Grouped by area in blocks of 0x100 so a
// new message lands next to its relatives. Never renumber or reuse a value;
// 0 is reserved (never a message).
//   0x01xx devices and enrolment
//   0x02xx organisations, sites and the recovery key
//   0x03xx partner grants
//   0x04xx reserved: sync (push, pull, blobs)
//   0x05xx publishing
enum class MessageType : std::uint16_t {
    enrol_request = 0x0101,
    enrol_response = 0x0102,
    identity = 0x0103,
    invite_request = 0x0104,
    invite_response = 0x0105,
    invite_view = 0x0106,
    invite_list = 0x0107,
    session_request = 0x0108,
    session_offer = 0x0109,
    key_envelope = 0x0201,
    site_info = 0x0202,
    organisation_view = 0x0203,
    grant_request = 0x0301,
    grant_view = 0x0302,
    grant_list = 0x0303,
    partner_group_request = 0x0304,
    push_request = 0x0401,
    push_response = 0x0402,
    pull_response = 0x0403,
    blob_status = 0x0404,
    sync_request = 0x0405,
    sync_response = 0x0406,
    publish_request = 0x0501,
    publish_response = 0x0502,
    publication_list = 0x0503,
    sync_health = 0x0601,
    progress_report = 0x0602,
    partner_summary = 0x0603,
    web_login_link = 0x0701,
};

// The struct name of a message type ("EnrolRequest"), or "" for a value this
// build does not know.
[[nodiscard]] std::string_view to_string(MessageType type) noexcept;

namespace detail {

// Throws Error(ErrorCode::protocol) unless 1 <= version <= current: a struct
// from a newer peer, or one saved without a version, is refused.
void check_class_version(std::string_view type, std::uint32_t version, std::uint32_t current);

// The Role with wire value raw; throws Error(ErrorCode::protocol) for a value
// outside the enum, so a decoded message never holds an unknown role.
[[nodiscard]] Role role_from_wire(std::uint8_t raw);

// Serialises a Role as its one-byte wire value and checks it on load. Message
// structs write `RoleField{role}` instead of `role`: cereal's generic enum
// support would accept any byte, and the decoder (codec.cpp) deliberately
// does not compile with bare enums.
struct RoleField {
    Role& role;

    template <class Archive>
    void save(Archive& ar) const {
        ar(static_cast<std::uint8_t>(role));
    }
    template <class Archive>
    void load(Archive& ar) {
        std::uint8_t raw = 0;
        ar(raw);
        role = role_from_wire(raw);
    }
};

// Throws Error(ErrorCode::limit_exceeded) when `what` (a list field,
// "PushRequest.entries") holds more than max elements.
void check_list_length(std::string_view what, std::size_t count, std::size_t max);

// Serialises a list with the most elements it may hold (limits.hpp). Message
// structs write `ListField{entries, kMaxPushEntries, "PushRequest.entries"}`
// instead of `entries`; the bytes are cereal's list (a u64 count, then the
// elements). Loading reads the count through the decoder's archive
// (detail/bounded_input_archive.hpp), which refuses one over max before a
// single element is read or allocated, then appends the elements as they are
// read; saving refuses a list over max, so whatever encode() writes decodes.
template <class List>  // a std::vector, const when saving
struct ListField {
    List& items;
    std::size_t max;
    std::string_view what;

    template <class Archive>
    void save(Archive& ar) const {
        check_list_length(what, items.size(), max);
        ar(items);
    }
    template <class Archive>
    void load(Archive& ar) {
        using T = typename List::value_type;
        std::size_t count = 0;
        if constexpr (requires { ar.read_count(std::size_t{1}, what, max); }) {
            count = ar.read_count(std::is_arithmetic_v<T> ? sizeof(T) : 1, what, max);
        } else {  // another cereal archive (tests read encode's bytes with cereal's own)
            cereal::size_type declared = 0;
            ar(cereal::make_size_tag(declared));
            check_list_length(what, declared, max);
            count = static_cast<std::size_t>(declared);
        }
        items.clear();
        for (std::size_t i = 0; i < count; ++i) {
            items.emplace_back();
            ar(items.back());
        }
    }
};

template <class List>
ListField(List&, std::size_t, std::string_view) -> ListField<List>;

}  // namespace detail

// Satisfied by every message struct below; encode() and decode() take only these.
template <class T>
concept Message = requires {
    { T::kType } -> std::convertible_to<MessageType>;
    { T::kName } -> std::convertible_to<std::string_view>;
    { T::kVersion } -> std::convertible_to<std::uint32_t>;
};

// POST /v1/enrol: a new device redeems an enrolment code.
struct EnrolRequest {
    static constexpr MessageType kType = MessageType::enrol_request;
    static constexpr std::string_view kName = "EnrolRequest";
    static constexpr std::uint32_t kVersion = 1;

    std::string token_id;      // the code's 16 lower-hex token id
    Bytes auth_key;            // 32 bytes, auth_key(secret) (enrolment_code.hpp); the
                               // server compares BLAKE2b-256 of it with its verifier
    Bytes signing_public_key;  // Ed25519, 32 bytes: signs this device's requests
    Bytes box_public_key;      // X25519, 32 bytes: receives sealed keys
    std::string device_name;   // shown to administrators ("Reception PC")

    bool operator==(const EnrolRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(token_id, auth_key, signing_public_key, box_public_key, device_name);
    }
};

// The answer to EnrolRequest: who the device now is.
struct EnrolResponse {
    static constexpr MessageType kType = MessageType::enrol_response;
    static constexpr std::string_view kName = "EnrolResponse";
    static constexpr std::uint32_t kVersion = 1;

    std::string device_id;  // assigned by the server; the X-Dspt-Device value
    Role role = Role::branch;
    std::string organisation_ods;  // "" for a partner device
    std::string organisation_name;
    std::string site_ods;  // "" unless role is branch
    std::string site_name;
    std::string partner_name;              // "" unless role is partner
    bool organisation_key_exists = false;  // the organisation already has a key
    Bytes organisation_key_envelope;       // the organisation key sealed by the inviting
                                           // device under seal_key(secret); empty when none

    bool operator==(const EnrolResponse&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(device_id, detail::RoleField{role}, organisation_ods, organisation_name, site_ods,
           site_name, partner_name, organisation_key_exists, organisation_key_envelope);
    }
};

// GET /v1/whoami: the authenticated device as the server knows it.
struct Identity {
    static constexpr MessageType kType = MessageType::identity;
    static constexpr std::string_view kName = "Identity";
    static constexpr std::uint32_t kVersion = 1;

    std::string device_id;
    Role role = Role::branch;
    std::string organisation_ods;  // "" for a partner device
    std::string site_ods;          // "" unless role is branch
    std::string partner_name;      // "" unless role is partner

    bool operator==(const Identity&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(device_id, detail::RoleField{role}, organisation_ods, site_ods, partner_name);
    }
};

// POST /v1/invites: an enrolled device registers an enrolment code it made.
// The code itself never reaches the server: only its token id (in the answer,
// chosen by the server) and the verifier.
struct InviteRequest {
    static constexpr MessageType kType = MessageType::invite_request;
    static constexpr std::string_view kName = "InviteRequest";
    static constexpr std::uint32_t kVersion = 1;

    std::string token_id;             // 16 lower-hex characters: the new code's first part
    Role role = Role::branch;         // the role the enrolling device will get
    std::string site_ods;             // the site of a branch device, else ""
    Bytes verifier;                   // 32 bytes: BLAKE2b-256 of auth_key(secret)
    Bytes organisation_key_envelope;  // the organisation key sealed under seal_key(secret),
                                      // or empty
    std::int64_t expires_at_ms = 0;   // the code stops working at this time

    bool operator==(const InviteRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(token_id, detail::RoleField{role}, site_ods, verifier, organisation_key_envelope,
           expires_at_ms);
    }
};

// The answer to InviteRequest.
struct InviteResponse {
    static constexpr MessageType kType = MessageType::invite_response;
    static constexpr std::string_view kName = "InviteResponse";
    static constexpr std::uint32_t kVersion = 1;

    std::string token_id;            // 16 lower-hex characters: the code's first part
    std::int64_t expires_at_ms = 0;  // as granted (the server may shorten it)

    bool operator==(const InviteResponse&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(token_id, expires_at_ms);
    }
};

// One enrolment code a device made that nobody has used yet.
struct InviteView {
    static constexpr MessageType kType = MessageType::invite_view;
    static constexpr std::string_view kName = "InviteView";
    static constexpr std::uint32_t kVersion = 1;

    std::string token_id;  // the code's first part; never its secret
    Role role = Role::branch;
    std::string site_ods;  // the site of a branch device, else ""
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;

    bool operator==(const InviteView&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(token_id, detail::RoleField{role}, site_ods, created_at_ms, expires_at_ms);
    }
};

// GET /v1/invites: the codes the asking device made that still work (neither
// used, cancelled nor expired), oldest first.
struct InviteList {
    static constexpr MessageType kType = MessageType::invite_list;
    static constexpr std::string_view kName = "InviteList";
    static constexpr std::uint32_t kVersion = 1;

    std::vector<InviteView> invites;

    bool operator==(const InviteList&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{invites, kMaxListEntries, "InviteList.invites"});
    }
};

// PUT and GET /v1/org/recovery: the organisation key sealed under the
// recovery code's seal key, kept by the server and opaque to it.
struct KeyEnvelope {
    static constexpr MessageType kType = MessageType::key_envelope;
    static constexpr std::string_view kName = "KeyEnvelope";
    static constexpr std::uint32_t kVersion = 1;

    Bytes sealed;

    bool operator==(const KeyEnvelope&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(sealed);
    }
};

// One registered location of an organisation.
struct SiteInfo {
    static constexpr MessageType kType = MessageType::site_info;
    static constexpr std::string_view kName = "SiteInfo";
    static constexpr std::uint32_t kVersion = 1;

    std::string ods;              // the site's ODS-style code
    std::string cqc_location_id;  // e.g. "1-000000001"
    std::string name;

    bool operator==(const SiteInfo&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(ods, cqc_location_id, name);
    }
};

// GET /v1/orgs/<ods>: an organisation and its sites.
struct OrganisationView {
    static constexpr MessageType kType = MessageType::organisation_view;
    static constexpr std::string_view kName = "OrganisationView";
    static constexpr std::uint32_t kVersion = 1;

    std::string ods;
    std::string name;
    bool is_headquarters = false;
    std::vector<SiteInfo> sites;  // in the server's order (by ods)

    bool operator==(const OrganisationView&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(ods, name, is_headquarters,
           detail::ListField{sites, kMaxListEntries, "OrganisationView.sites"});
    }
};

// POST /v1/orgs/<ods>/grants: the organisation lets a partner read its progress.
struct GrantRequest {
    static constexpr MessageType kType = MessageType::grant_request;
    static constexpr std::string_view kName = "GrantRequest";
    static constexpr std::uint32_t kVersion = 2;

    std::string partner_name;
    // Version 2: the last day the grant is in force, "YYYY-MM-DD" (through the end of
    // that day, UTC); "" until revoked.
    std::string until;

    bool operator==(const GrantRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(partner_name);
        if (version >= 2) {
            ar(until);
        }
    }
};

// One grant, live or revoked.
struct GrantView {
    static constexpr MessageType kType = MessageType::grant_view;
    static constexpr std::string_view kName = "GrantView";
    static constexpr std::uint32_t kVersion = 2;

    std::string organisation_ods;
    std::string partner_name;
    std::int64_t given_at_ms = 0;
    std::int64_t revoked_at_ms = 0;  // 0 while the grant is live
    // Version 2: the last moment the grant is in force (the end of its last day,
    // UTC); 0 until revoked.
    std::int64_t expires_at_ms = 0;

    bool operator==(const GrantView&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(organisation_ods, partner_name, given_at_ms, revoked_at_ms);
        if (version >= 2) {
            ar(expires_at_ms);
        }
    }
};

// GET /v1/orgs/<ods>/grants: every grant of an organisation, revoked ones included.
struct GrantList {
    static constexpr MessageType kType = MessageType::grant_list;
    static constexpr std::string_view kName = "GrantList";
    static constexpr std::uint32_t kVersion = 1;

    std::vector<GrantView> grants;

    bool operator==(const GrantList&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{grants, kMaxListEntries, "GrantList.grants"});
    }
};

}  // namespace dspt::protocol

// Class versions, written once per type per message (cereal).
CEREAL_CLASS_VERSION(dspt::protocol::EnrolRequest, dspt::protocol::EnrolRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::EnrolResponse, dspt::protocol::EnrolResponse::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::Identity, dspt::protocol::Identity::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::InviteRequest, dspt::protocol::InviteRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::InviteResponse, dspt::protocol::InviteResponse::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::InviteView, dspt::protocol::InviteView::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::InviteList, dspt::protocol::InviteList::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::KeyEnvelope, dspt::protocol::KeyEnvelope::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::SiteInfo, dspt::protocol::SiteInfo::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::OrganisationView, dspt::protocol::OrganisationView::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::GrantRequest, dspt::protocol::GrantRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::GrantView, dspt::protocol::GrantView::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::GrantList, dspt::protocol::GrantList::kVersion)
