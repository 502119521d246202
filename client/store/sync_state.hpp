#pragma once
// What the local store knows of the server (ARCHITECTURE.md section 4): the
// pull cursor, the server version of each register, the acknowledgement of
// pushed outbox entries, the registers pulled from other devices, and the
// conflicts the server reported.
//
// Each function is one IMMEDIATE transaction, so a page pulled and its cursor,
// or a push's acknowledgements, are stored together or not at all.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto/secret_key.hpp"

namespace dspt::client {

class LocalStore;

// The server's answer to one pushed outbox entry.
struct PushAck {
    std::int64_t seq = 0;
    std::string register_key;
    std::int64_t version = 0;
};

// One register as pulled: its latest version, the value every replica shows,
// and, while in conflict, every sibling value with who wrote it.
struct PulledRegister {
    std::string scope;
    std::string register_key;
    std::int64_t version = 0;
    nlohmann::json shown;       // the value's JSON object
    std::string shown_replica;  // who wrote it: this store's own changes come back too
    nlohmann::json siblings;    // an array of {replica_id, author, hlc, version, value}; empty
};

// What waits to be sent: outbox entries and evidence files not yet uploaded.
struct SyncBacklog {
    std::size_t changes = 0;  // entries and files
    std::uint64_t bytes = 0;  // their payloads and file sizes
};
SyncBacklog sync_backlog(LocalStore& store);

// When a sync last finished (Unix ms), or nullopt before the first.
std::optional<std::int64_t> last_sync(LocalStore& store);
void record_sync(LocalStore& store, std::int64_t at_ms);

// The cursor to pull from; 0 before the first pull.
std::int64_t pull_cursor(LocalStore& store);

// Marks the entries acknowledged and records the server version of their
// registers, so later edits are based on it.
void acknowledge_pushed(LocalStore& store, const std::vector<PushAck>& acks, std::int64_t now_ms);

// Applies a page of pulled registers of `own_scope` and stores `next_cursor`,
// together. A register with changes still waiting in the outbox keeps its
// local value (the server decides when they arrive); every other register takes
// the shown value. A conflicted register is listed in conflicts until a pull
// shows it settled. Evidence files of other scopes (a branch's, on a
// headquarters device) are recorded apart, to download; other registers of
// other scopes only move the cursor. A file's key is opened with
// `organisation_key`, which may be null only while no file arrives. Returns how
// many registers other replicas changed.
std::size_t apply_pulled(LocalStore& store, const std::vector<PulledRegister>& registers,
                         const std::string& own_scope, std::int64_t next_cursor,
                         const crypto::SecretKey* organisation_key);

// The registers in conflict, each with its siblings as pulled.
struct ConflictRecord {
    std::string register_key;
    nlohmann::json siblings;
};
std::vector<ConflictRecord> open_conflicts(LocalStore& store);

// The conflict of one register, if it has one.
std::optional<ConflictRecord> find_conflict(LocalStore& store, const std::string& register_key);

// Forgets a conflict this device has resolved; a later pull lists it again if
// the server still holds it (another device changed it meanwhile).
void forget_conflict(LocalStore& store, const std::string& register_key);

}  // namespace dspt::client
