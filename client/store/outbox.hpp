#pragma once
// The outbox: every local change, in order, waiting to be pushed to the server
// (ARCHITECTURE.md s4).
//
// An entry is {replica_id, seq, hlc, register_key, seen, payload}:
//   seq           contiguous per replica, from 1, never reused;
//   hlc           the hybrid logical time of the change;
//   register_key  "answer/<item>", "plan/<item>", "evidence/<uuid>" or
//                 "profile/<field>": without the standards year, which the
//                 sync engine adds when it pushes (protocol/register_key.hpp);
//   seen          the server versions of the register's values this store
//                 held when the change was made: one normally, every
//                 sibling's while it showed a conflict, none when the
//                 register never came from the server. The server replaces
//                 exactly those values and keeps any other as a conflict;
//   payload       the register's new value as JSON, sealed under the data key
//                 with the seq and the register key in its associated data, so
//                 editing an entry's register key makes it fail to open;
//                 {"deleted": true} for a removal.
//
// append() must be called inside the transaction that writes the change
// itself, so the value and its entry commit together. It merges the last
// stored HLC time into the clock first, so entries written by several
// processes sharing the store still have increasing times in seq order.
//
// Thread-safety: as LocalStore.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/store/field_sealer.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"

namespace dspt::client {

struct OutboxEntry {
    std::string replica_id;
    std::int64_t seq = 0;
    HlcTime hlc;
    std::string register_key;
    std::vector<std::int64_t> seen;
    nlohmann::json payload;
    std::int64_t created_at_ms = 0;
    std::string scope;  // the assessment changed: "" this store's own (LocalStore::scope())
};

class Outbox {
  public:
    // All references must outlive the outbox.
    Outbox(sqlite::Database& db, const crypto::SecretKey& data_key, std::string replica_id,
           HybridClock& clock);

    // Records a change of `scope`'s assessment inside the caller's open
    // transaction; returns its HLC time, which every replica shows as when
    // the change was made.
    HlcTime append(std::string_view register_key, const nlohmann::json& payload,
                   std::int64_t now_ms, std::string_view scope = {});

    // The seq of the newest entry written; 0 before the first.
    std::int64_t last_seq();

    // Number of entries not yet acknowledged by the server.
    std::size_t pending_count();

    // Bytes of the sealed payloads not yet acknowledged.
    std::uint64_t pending_bytes();

    // When the oldest unacknowledged entry was written (Unix ms, this device's
    // clock); 0 when none waits.
    std::int64_t oldest_pending_at_ms();

    // Whether any entry, acknowledged or not, changed `register_key`.
    bool has_entry(std::string_view register_key);

    // The oldest unacknowledged entries, up to `limit`, payloads opened.
    std::vector<OutboxEntry> pending(std::size_t limit);

    // The newest unacknowledged entry of one register of `scope`'s
    // assessment, payload opened; nullopt when none waits.
    std::optional<OutboxEntry> latest_pending(std::string_view scope,
                                              std::string_view register_key);

    // Removes the unacknowledged entries `drop` chooses and numbers the rest
    // again from the first of them, so the seqs the server will see stay
    // contiguous; returns how many went. Only for a store that has sent
    // nothing yet (ErrorCode::failed_precondition once an entry is
    // acknowledged). Call inside a transaction.
    std::size_t discard_unsent(const std::function<bool(const OutboxEntry&)>& drop);

  private:
    // One row of `SELECT kEntryColumns`, payload opened.
    OutboxEntry read_entry(const sqlite::Statement& row);

    sqlite::Database& db_;
    FieldSealer sealer_;
    std::string replica_id_;
    HybridClock& clock_;
};

}  // namespace dspt::client
