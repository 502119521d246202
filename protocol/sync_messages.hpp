#pragma once
// The sync messages (docs/sync.md): a device pushes its outbox
// entries and pulls the registers it may read.
//
// A register is one value that syncs and conflicts: "answer/<item>",
// "plan/<item>", "evidence/<uuid>", "profile/<field>". It lives in a scope:
// a site's ODS code for a site's own assessment, or "" for the organisation-wide
// answers a headquarters device writes for every site.
//
// Payloads are the register's value as JSON text, which the server validates
// and evaluates (publishing needs the answers), but never evidence content:
// an evidence register carries only its metadata and the file key wrapped by
// the organisation key.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "protocol/limits.hpp"
#include "protocol/messages.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/publish_messages.hpp"

namespace dspt::protocol {

// One outbox entry as pushed.
//
// `seen` is what the writer had seen of the register when it made the change:
// the server version of every value it held, one normally, each sibling's
// while it showed a conflict, none for a register it never received. The
// server replaces exactly those values (and the writer's own earlier ones)
// and keeps every other value beside the new one as a conflict.
//
// Version 1 carried a single `base_version` instead; it is read as a `seen`
// of that one version (none when 0).
struct ChangeEntry {
    static constexpr std::string_view kName = "ChangeEntry";
    static constexpr std::uint32_t kVersion = 2;

    std::string replica_id;          // the writing store's id (a UUID)
    std::int64_t seq = 0;            // contiguous per replica, from 1
    std::uint64_t hlc = 0;           // hybrid logical time (48-bit ms << 16 | counter)
    std::string scope;               // a site ODS code, or "" for organisation-wide
    std::string register_key;        // "answer/1.1.1"
    std::vector<std::int64_t> seen;  // the versions of the values the writer held
    std::string payload;             // the new value, JSON text; {"deleted":true} removes
    std::string author;              // who made the change, for people to read

    bool operator==(const ChangeEntry&) const = default;

    template <class Archive>
    void save(Archive& ar, std::uint32_t const version) const {
        detail::check_class_version(kName, version, kVersion);
        ar(replica_id, seq, hlc, scope, register_key,
           detail::ListField{seen, kMaxListEntries, "ChangeEntry.seen"}, payload, author);
    }

    template <class Archive>
    void load(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(replica_id, seq, hlc, scope, register_key);
        if (version >= 2) {
            ar(detail::ListField{seen, kMaxListEntries, "ChangeEntry.seen"});
        } else {
            std::int64_t base_version = 0;
            ar(base_version);
            seen.clear();
            if (base_version != 0) {
                seen.push_back(base_version);
            }
        }
        ar(payload, author);
    }
};

// POST /v1/sync/push: the oldest unacknowledged entries, in seq order.
struct PushRequest {
    static constexpr MessageType kType = MessageType::push_request;
    static constexpr std::string_view kName = "PushRequest";
    static constexpr std::uint32_t kVersion = 1;

    std::vector<ChangeEntry> entries;

    bool operator==(const PushRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{entries, kMaxPushEntries, "PushRequest.entries"});
    }
};

// What the server did with one entry.
enum class PushOutcome : std::uint8_t {
    accepted = 1,   // applied; the register is at `version`
    duplicate = 2,  // applied before (a retry): the first result again
    unchanged = 3,  // the register already held this value
    conflict = 4,   // kept as a sibling of a concurrent value; the register is flagged
    refused = 5,    // not applied, for good (too large, malformed, not this device's to
                    // write): `reason` says why. The entry's seq is taken all the same,
                    // so the replica's later changes follow it; sending it again gets
                    // the same answer.
};

[[nodiscard]] std::string_view to_string(PushOutcome outcome) noexcept;

namespace detail {

[[nodiscard]] PushOutcome outcome_from_wire(std::uint8_t raw);

// A PushOutcome on the wire: one byte, refused when it names no outcome.
struct OutcomeField {
    PushOutcome& outcome;

    template <class Archive>
    void save(Archive& ar) const {
        ar(static_cast<std::uint8_t>(outcome));
    }
    template <class Archive>
    void load(Archive& ar) {
        std::uint8_t raw = 0;
        ar(raw);
        outcome = outcome_from_wire(raw);
    }
};

}  // namespace detail

struct PushResult {
    static constexpr std::string_view kName = "PushResult";
    static constexpr std::uint32_t kVersion = 2;

    std::int64_t seq = 0;
    PushOutcome outcome = PushOutcome::accepted;
    std::int64_t version = 0;  // the register's version after the entry; 0 when refused
    // Version 2: why the entry was refused, for people to read; "" otherwise.
    // Version 1 has no refusal: a refused entry refused the whole push.
    std::string reason;

    bool operator==(const PushResult&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version_number) {
        detail::check_class_version(kName, version_number, kVersion);
        ar(seq, detail::OutcomeField{outcome}, version);
        if (version_number >= 2) {
            ar(reason);
        }
    }
};

// The answer to a push: one result per entry, in the same order.
struct PushResponse {
    static constexpr MessageType kType = MessageType::push_response;
    static constexpr std::string_view kName = "PushResponse";
    static constexpr std::uint32_t kVersion = 1;

    std::vector<PushResult> results;

    bool operator==(const PushResponse&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{results, kMaxPushEntries, "PushResponse.results"});
    }
};

// One value of a register: the shown one, or one of a conflict's siblings.
struct RegisterValue {
    static constexpr std::string_view kName = "RegisterValue";
    static constexpr std::uint32_t kVersion = 1;

    std::int64_t version = 0;  // the server version that value got
    std::string replica_id;
    std::int64_t seq = 0;
    std::uint64_t hlc = 0;
    std::string payload;
    std::string author;

    bool operator==(const RegisterValue&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version_number) {
        detail::check_class_version(kName, version_number, kVersion);
        ar(version, replica_id, seq, hlc, payload, author);
    }
};

// In a pulled register's siblings, the payload's key naming the device that
// wrote the value, as enrolled ("Reception PC"); the server adds it to each
// sibling of a conflict whose writing device it knows. The register's value is
// the payload without it.
inline constexpr std::string_view kConflictDeviceKey = "device";

// A register as it stands on the server.
struct RegisterState {
    static constexpr std::string_view kName = "RegisterState";
    static constexpr std::uint32_t kVersion = 1;

    std::string scope;
    std::string register_key;
    std::int64_t version = 0;             // the latest version; a change based on it resolves
    RegisterValue shown;                  // the greatest (hlc, replica_id) of the siblings
    std::vector<RegisterValue> siblings;  // every concurrent value; empty unless conflicted

    bool conflicted() const noexcept { return !siblings.empty(); }

    bool operator==(const RegisterState&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version_number) {
        detail::check_class_version(kName, version_number, kVersion);
        ar(scope, register_key, version, shown,
           detail::ListField{siblings, kMaxListEntries, "RegisterState.siblings"});
    }
};

// GET /v1/sync/pull?since=<cursor>: the registers changed after the cursor
// that this device may read, in version order, a bounded page at a time.
struct PullResponse {
    static constexpr MessageType kType = MessageType::pull_response;
    static constexpr std::string_view kName = "PullResponse";
    static constexpr std::uint32_t kVersion = 1;

    std::vector<RegisterState> registers;
    std::int64_t next_cursor = 0;  // pass as `since` next time
    bool more = false;             // another page waits

    bool operator==(const PullResponse&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{registers, kMaxPullRegisters, "PullResponse.registers"}, next_cursor,
           more);
    }
};

// GET /v1/blobs/<evidence>: which sealed chunks of an evidence file the server
// holds, so an interrupted upload resumes at the first missing one and a
// download fetches only what is there.
struct BlobStatus {
    static constexpr MessageType kType = MessageType::blob_status;
    static constexpr std::string_view kName = "BlobStatus";
    static constexpr std::uint32_t kVersion = 1;

    std::string evidence_id;
    std::vector<std::uint32_t> held;  // chunk indexes, ascending

    bool operator==(const BlobStatus&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(evidence_id, detail::ListField{held, kMaxBlobChunks, "BlobStatus.held"});
    }
};

// POST /v1/sync: one exchange of a sync (docs/sync.md, "One exchange"). It
// carries what the separate push, pull, health, organisation, publications
// and blob-status requests carry, so an ordinary sync is one request; a sync
// with more to move (further outbox batches or pages, evidence chunks) makes
// further exchanges and chunk requests.
struct SyncRequest {
    static constexpr MessageType kType = MessageType::sync_request;
    static constexpr std::string_view kName = "SyncRequest";
    static constexpr std::uint32_t kVersion = 1;

    // The oldest unacknowledged outbox entries, in seq order, as a push; may
    // be empty.
    std::vector<ChangeEntry> entries;
    std::int64_t since = 0;  // the pull cursor, as `since` of a pull
    // What the device held unsent before this exchange, this batch included;
    // the server records it less this batch (SyncResponse).
    SyncHealth health;
    // What the device already knows: the digests of the publication list and
    // (a headquarters device) the site list from an earlier answer; "" for
    // none. The answer carries a list only when its digest differs.
    std::string publications_digest;
    std::string sites_digest;
    // Evidence files the device has still to upload or download, at most
    // kMaxSyncEvidenceFiles: the answer says which chunks of each it holds.
    std::vector<std::string> evidence;

    bool operator==(const SyncRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{entries, kMaxPushEntries, "SyncRequest.entries"}, since, health,
           publications_digest, sites_digest,
           detail::ListField{evidence, kMaxSyncEvidenceFiles, "SyncRequest.evidence"});
    }
};

// The answer to an exchange. The push is applied before the page is read, so
// the page holds the device's own changes of this batch, as a push followed by
// a pull would.
struct SyncResponse {
    static constexpr MessageType kType = MessageType::sync_response;
    static constexpr std::string_view kName = "SyncResponse";
    static constexpr std::uint32_t kVersion = 1;

    PushResponse push;  // one result per entry sent, in the same order; none for none
    PullResponse page;  // the next page after `since`, its next_cursor and `more`
    // The publication list (as GET /v1/publications answers it) and its
    // digest when the digest differs from the request's; otherwise
    // `publications_changed` false, the list empty and the digest "".
    bool publications_changed = false;
    PublicationList publications;
    std::string publications_digest;
    // A headquarters device: its organisation's sites (as GET /v1/orgs/<ods>
    // lists them) and their digest when it differs from the request's. Other
    // devices: never.
    bool sites_changed = false;
    std::vector<SiteInfo> sites;
    std::string sites_digest;
    // One status per evidence id of the request, in the same order: the
    // chunks the server holds, which are what it has (to download) or what it
    // lacks (to upload).
    std::vector<BlobStatus> evidence;
    // What the server recorded as the device's sync health: `finished` when
    // nothing remained to push after this batch and no page remains.
    bool finished = false;

    bool operator==(const SyncResponse&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(push, page, publications_changed, publications, publications_digest, sites_changed,
           detail::ListField{sites, kMaxListEntries, "SyncResponse.sites"}, sites_digest,
           detail::ListField{evidence, kMaxSyncEvidenceFiles, "SyncResponse.evidence"}, finished);
    }
};

}  // namespace dspt::protocol

CEREAL_CLASS_VERSION(dspt::protocol::ChangeEntry, dspt::protocol::ChangeEntry::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PushRequest, dspt::protocol::PushRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PushResult, dspt::protocol::PushResult::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PushResponse, dspt::protocol::PushResponse::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::RegisterValue, dspt::protocol::RegisterValue::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::RegisterState, dspt::protocol::RegisterState::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PullResponse, dspt::protocol::PullResponse::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::BlobStatus, dspt::protocol::BlobStatus::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::SyncRequest, dspt::protocol::SyncRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::SyncResponse, dspt::protocol::SyncResponse::kVersion)
