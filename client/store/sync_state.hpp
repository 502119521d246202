#pragma once
// What the local store knows of the server (docs/sync.md, "What a device learns, and when"): the
// pull cursor, the server version of each register, the acknowledgement of
// pushed outbox entries, the registers pulled from other devices, and the
// conflicts the server reported.
//
// Each function is one IMMEDIATE transaction, so a page pulled and its cursor,
// or a push's acknowledgements, are stored together or not at all.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto/secret_key.hpp"

namespace dspt::client {

class LocalStore;

// How the server's scopes (a site's ODS code, "" organisation-wide) map to the
// store's assessments (LocalStore::scope()): the device's own scope is the
// store's own assessment "", the organisation-wide scope seen from a branch is
// LocalStore::kOrganisationScope, and a branch's site seen from headquarters
// keeps its code.
struct ScopeMap {
    std::string own;  // the device's scope on the server: its site, or "" for headquarters

    std::string local(std::string_view server_scope) const;
    std::string server(std::string_view local_scope) const;
};

// The server's answer to one pushed outbox entry. `settled`: the register
// holds the entry's value alone, at `version` (the server said "accepted" or
// "unchanged"). A conflict or a duplicate answer teaches nothing of the
// register's other values: only a pull does.
struct PushAck {
    std::int64_t seq = 0;
    std::string scope;  // the store's
    std::string register_key;
    std::int64_t version = 0;
    bool settled = false;
};

// One register as pulled: its latest version, the value every replica shows,
// and, while in conflict, every sibling value with who wrote it.
struct PulledRegister {
    std::string scope;
    std::string register_key;  // the store's form, without the year: "answer/1.1.1"
    std::int64_t version = 0;
    nlohmann::json shown;            // the value's JSON object
    std::string shown_replica;       // who wrote it: this store's own changes come back too
    nlohmann::json siblings;         // an array of {replica_id, author, hlc, version, value}; empty
                                     // unless in conflict
    nlohmann::json shown_sibling;    // the shown value in the siblings' form
    std::int64_t shown_at_ms = 0;    // when it was written: its HLC time's milliseconds
    std::vector<std::int64_t> seen;  // the version of every value it holds
    std::uint64_t latest_hlc = 0;    // the greatest HLC time of its values
};

// What waits to be sent: outbox entries and evidence files not yet uploaded.
struct SyncBacklog {
    std::size_t changes = 0;        // entries and files
    std::uint64_t bytes = 0;        // their payloads and file sizes
    std::int64_t oldest_at_ms = 0;  // when the oldest was written (Unix ms); 0 when none
};
SyncBacklog sync_backlog(LocalStore& store);

// When a sync last finished (Unix ms), or nullopt before the first.
std::optional<std::int64_t> last_sync(LocalStore& store);
void record_sync(LocalStore& store, std::int64_t at_ms);

// The site codes of the organisation, as a headquarters device last heard
// them from the server (empty before its first sync), and the digest the
// server gave that list ("" when none).
std::vector<std::string> known_sites(LocalStore& store);
void remember_sites(LocalStore& store, const std::vector<std::string>& sites,
                    const std::string& digest = {});
std::string known_sites_digest(LocalStore& store);

// The sites' names by code, as the server last listed them (a screen names the
// site it shows); empty before a headquarters device has heard them. Kept
// before the list itself, whose digest then stands for both.
std::map<std::string, std::string> known_site_names(LocalStore& store);
void remember_site_names(LocalStore& store, const std::map<std::string, std::string>& names);

// The cursor to pull from; 0 before the first pull.
std::int64_t pull_cursor(LocalStore& store);

// Moves the pull cursor back to just before `version`, unless it stands there
// already, so the next pull fetches again every register changed since (a
// register whose change was dropped here takes the server's value again). Call
// inside the caller's transaction.
void rewind_pull_cursor(LocalStore& store, std::int64_t version);

// Forgets where the store stands with the server, for a new standards year:
// the pull cursor, every register's version and every conflict, so the next
// sync pulls the new year's registers from the start. Call inside the
// caller's transaction.
void reset_sync_position(LocalStore& store);

// Marks the entries acknowledged; a settled entry's register is then known to
// hold its value only, so later edits replace it.
void acknowledge_pushed(LocalStore& store, const std::vector<PushAck>& acks, std::int64_t now_ms);

// Applies a page of pulled registers, each in its assessment (`scopes`), and
// stores `next_cursor`, together. Every register records the values it holds,
// which the next edit names as seen. A register with changes still waiting in
// the outbox keeps its local value for display (the server decides when they
// arrive), but a value another device wrote meanwhile is shown beside it as a
// conflict; every other register takes the shown value. A conflicted register
// is listed in conflicts until a pull shows it settled. The store's clock
// takes in the pulled times, so a later edit here orders after what it saw. Evidence files are
// recorded to download; a file's key is opened with `organisation_key`, which may be null only
// while no file arrives. Register keys are as the store keeps them, without their year (the sync
// engine keeps only the store's year). A pulled answer of an item carried over from the previous
// year clears its mark to review: another device reviewed it. Profile registers ("profile/<field>")
// set the organisation profile, whatever their scope. Returns how many registers other replicas
// changed.
std::size_t apply_pulled(LocalStore& store, const std::vector<PulledRegister>& registers,
                         const ScopeMap& scopes, std::int64_t next_cursor,
                         const crypto::SecretKey* organisation_key);

// The registers of the chosen assessment (LocalStore::scope()) in conflict,
// each with its siblings as pulled; find_conflict and forget_conflict work on
// the same assessment.
struct ConflictRecord {
    std::string register_key;
    nlohmann::json siblings;
};
std::vector<ConflictRecord> open_conflicts(LocalStore& store);

// Conflicts in every assessment the store holds.
std::size_t count_conflicts(LocalStore& store);

// The conflict of one register, if it has one.
std::optional<ConflictRecord> find_conflict(LocalStore& store, const std::string& register_key);

// Forgets a conflict this device has resolved; a later pull lists it again if
// the server still holds it (another device changed it meanwhile).
void forget_conflict(LocalStore& store, const std::string& register_key);

}  // namespace dspt::client
