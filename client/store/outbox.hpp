#pragma once
// The outbox: every local change, in order, waiting to be pushed to the server
// (docs/sync.md, "The outbox").
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
// A change the server refused for good (PushOutcome::refused) is set aside:
// it keeps its row, with the server's reason, and is not sent again (the server
// has taken its seq, so the entries after it follow without a gap). Until then
// it counts as the register's waiting change, so a pull keeps the value it
// wrote on this device, where the user can change it. A newer change of the
// same register replaces it; otherwise it stays until the user drops it.
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

// A change waiting to be sent or set aside, as `dspt outbox` lists it.
struct OutboxSummary {
    std::int64_t seq = 0;
    std::string scope;
    std::string register_key;  // "answer/1.1.1"
    std::string item;          // the item it changes; "" for the profile
    std::int64_t created_at_ms = 0;
    std::string set_aside;  // the server's reason; "" while waiting
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

    // Number of entries not yet acknowledged by the server (set aside ones
    // excepted: they wait for the user, not the server).
    std::size_t pending_count();

    // Bytes of the sealed payloads not yet acknowledged.
    std::uint64_t pending_bytes();

    // When the oldest unacknowledged entry was written (Unix ms, this device's
    // clock); 0 when none waits.
    std::int64_t oldest_pending_at_ms();

    // Whether any entry, acknowledged or not, changed `register_key`.
    bool has_entry(std::string_view register_key);

    // The oldest unacknowledged entries not set aside, up to `limit`, payloads
    // opened: what the next push sends.
    std::vector<OutboxEntry> pending(std::size_t limit);

    // The newest unacknowledged entry of one register of `scope`'s
    // assessment, payload opened; nullopt when none waits.
    std::optional<OutboxEntry> latest_pending(std::string_view scope,
                                              std::string_view register_key);

    // Sets the entry `seq` aside with the server's `reason`: it is not sent
    // again. Call inside a transaction.
    void set_aside(std::int64_t seq, std::string_view reason);

    // Entries set aside, oldest first.
    std::vector<OutboxSummary> set_aside_entries();

    // The answer and action-plan changes of `scope` this store made, sent or
    // not, newest first, up to `limit`: of `item` only, or of every item when
    // it is empty. The outbox keeps every change made here, so this is the
    // device's own history of those values, except what rehome() forgot.
    std::vector<OutboxEntry> item_history(std::string_view scope, std::string_view item,
                                          std::size_t limit);

    // Entries waiting to be sent (up to `limit`) and every entry set aside, in
    // seq order.
    std::vector<OutboxSummary> summary(std::size_t limit);

    // Discards the entry set aside as `seq`; returns whether there was one.
    // Call inside a transaction.
    bool drop_set_aside(std::int64_t seq);

    // Removes the unacknowledged entries `drop` chooses and numbers the rest
    // again from the first of them, so the seqs the server will see stay
    // contiguous; returns how many went. Only for a store that has sent
    // nothing yet (ErrorCode::failed_precondition once an entry is
    // acknowledged or set aside). Call inside a transaction.
    std::size_t discard_unsent(const std::function<bool(const OutboxEntry&)>& drop);

    // Moves the entries not yet sent to a new replica id, numbered again from
    // 1, and forgets the entries the server has answered: for a store enrolled
    // again under a new device, whose old replica the server keeps bound to the
    // old one. Refused (failed_precondition) while entries are set aside, whose
    // seqs the old replica took. The store must be opened again afterwards, as
    // this Outbox keeps the old replica id. Call inside a transaction.
    void rehome(const std::string& replica_id);

  private:
    // One row of `SELECT kEntryColumns`, payload opened.
    OutboxEntry read_entry(const sqlite::Statement& row);

    sqlite::Database& db_;
    FieldSealer sealer_;
    std::string replica_id_;
    HybridClock& clock_;
};

}  // namespace dspt::client
