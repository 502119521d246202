#include "client/store/outbox.hpp"

#include <algorithm>

#include "client/store/change_limits.hpp"
#include "client/store/meta_table.hpp"
#include "common/error.hpp"
#include "common/sqlite/statement.hpp"

namespace dspt::client {

namespace {

constexpr std::string_view kOutboxTable = "outbox";
// The columns Outbox::read_entry reads, in its order.
constexpr const char* kEntryColumns =
    "seq, replica_id, hlc, register_key, seen, payload, created_at, scope";

// The payload's row in its associated data: the seq, the assessment and the
// register it changes, so a payload cannot be moved to another entry nor its
// register key or scope edited. The store's own assessment adds nothing, as
// before scopes existed.
std::string row_key(std::int64_t seq, std::string_view scope, std::string_view register_key) {
    return std::to_string(seq) + "/" + (scope.empty() ? "" : std::string(scope) + "/") +
           std::string(register_key);
}

// An entry's `seen` column: a JSON array of versions.
std::vector<std::int64_t> parse_seen(const std::string& text, std::int64_t seq) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_array() || !std::all_of(json.begin(), json.end(), [](const auto& version) {
            return version.is_number_integer();
        })) {
        fail(ErrorCode::corrupt,
             "outbox entry " + std::to_string(seq) + " is damaged: what it had seen does not read");
    }
    return json.get<std::vector<std::int64_t>>();
}

}  // namespace

Outbox::Outbox(sqlite::Database& db, const crypto::SecretKey& data_key, std::string replica_id,
               HybridClock& clock)
    : db_(db), sealer_(data_key), replica_id_(std::move(replica_id)), clock_(clock) {}

HlcTime Outbox::append(std::string_view register_key, const nlohmann::json& payload,
                       std::int64_t now_ms, std::string_view scope) {
    if (!db_.in_transaction()) {
        fail(ErrorCode::internal, "an outbox entry must be written in its change's transaction");
    }
    const std::int64_t seq = meta::require_int(db_, meta::kNextSeq);
    // Another process with the same store may have written entries since this
    // one opened it, with later times than this process's clock has seen. The
    // stored time is read under the transaction's write lock, so merging it in
    // keeps every replica's entries in increasing HLC order.
    const HlcTime hlc = clock_.update(
        HlcTime::from_raw(static_cast<std::uint64_t>(meta::require_int(db_, meta::kHlc))));

    std::string seen = "[]";
    {
        sqlite::Statement held(
            db_, "SELECT seen FROM register_versions WHERE scope = ?1 AND register_key = ?2");
        held.bind(1, scope);
        held.bind(2, register_key);
        if (held.step()) {
            seen = held.column_text(0);
        }
    }

    check_change_value(register_key, payload);
    {
        // This change supersedes one of the register set aside.
        sqlite::Statement replaced(db_,
                                   "DELETE FROM outbox WHERE scope = ?1 AND register_key = ?2 AND "
                                   "set_aside IS NOT NULL");
        replaced.bind(1, scope);
        replaced.bind(2, register_key);
        replaced.execute();
    }
    const auto sealed =
        sealer_.seal(kOutboxTable, row_key(seq, scope, register_key), "payload", payload.dump());
    sqlite::Statement insert(db_,
                             "INSERT INTO outbox(seq, replica_id, hlc, register_key, seen,"
                             " payload, created_at, scope, base_version) VALUES(?1, ?2, ?3, ?4, ?5,"
                             " ?6, ?7, ?8, 0)");
    insert.bind(1, seq);
    insert.bind(2, replica_id_);
    insert.bind(3, static_cast<std::int64_t>(hlc.raw()));
    insert.bind(4, register_key);
    insert.bind(5, seen);
    insert.bind(6, sqlite::Blob(sealed));
    insert.bind(7, now_ms);
    insert.bind(8, scope);
    insert.execute();

    meta::set(db_, meta::kNextSeq, std::to_string(seq + 1));
    meta::set(db_, meta::kHlc, std::to_string(hlc.raw()));
    return hlc;
}

std::size_t Outbox::pending_count() {
    sqlite::Statement count(
        db_, "SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL AND set_aside IS NULL");
    count.step();
    return static_cast<std::size_t>(count.column_int64(0));
}

std::int64_t Outbox::last_seq() {
    return meta::require_int(db_, meta::kNextSeq) - 1;
}

std::uint64_t Outbox::pending_bytes() {
    sqlite::Statement sum(db_,
                          "SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox WHERE acked_at IS "
                          "NULL AND set_aside IS NULL");
    sum.step();
    return static_cast<std::uint64_t>(sum.column_int64(0));
}

std::int64_t Outbox::oldest_pending_at_ms() {
    sqlite::Statement oldest(
        db_,
        "SELECT COALESCE(MIN(created_at), 0) FROM outbox WHERE acked_at IS NULL AND "
        "set_aside IS NULL");
    oldest.step();
    return oldest.column_int64(0);
}

bool Outbox::has_entry(std::string_view register_key) {
    sqlite::Statement select(db_, "SELECT 1 FROM outbox WHERE register_key = ?1 LIMIT 1");
    select.bind(1, register_key);
    return select.step();
}

OutboxEntry Outbox::read_entry(const sqlite::Statement& row) {
    OutboxEntry entry;
    entry.seq = row.column_int64(0);
    entry.replica_id = row.column_text(1);
    entry.hlc = HlcTime::from_raw(static_cast<std::uint64_t>(row.column_int64(2)));
    entry.register_key = row.column_text(3);
    entry.seen = parse_seen(row.column_text(4), entry.seq);
    entry.scope = row.column_text(7);
    const auto text =
        sealer_.open(kOutboxTable, row_key(entry.seq, entry.scope, entry.register_key), "payload",
                     row.column_blob(5), "outbox entry " + std::to_string(entry.seq));
    entry.payload = nlohmann::json::parse(text);
    entry.created_at_ms = row.column_int64(6);
    return entry;
}

std::vector<OutboxEntry> Outbox::pending(std::size_t limit) {
    sqlite::Statement select(db_, std::string("SELECT ") + kEntryColumns +
                                      " FROM outbox WHERE acked_at IS NULL AND set_aside IS NULL"
                                      " ORDER BY seq LIMIT ?1");
    select.bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutboxEntry> entries;
    while (select.step()) {
        entries.push_back(read_entry(select));
    }
    return entries;
}

std::vector<OutboxEntry> Outbox::item_history(std::string_view scope, std::string_view item,
                                              std::size_t limit) {
    sqlite::Statement select(
        db_, std::string("SELECT ") + kEntryColumns +
                 " FROM outbox WHERE scope = ?1 AND (?2 = '' AND (register_key LIKE 'answer/%' OR"
                 " register_key LIKE 'plan/%') OR register_key IN ('answer/' || ?2, 'plan/' || ?2))"
                 " ORDER BY seq DESC LIMIT ?3");
    select.bind(1, scope);
    select.bind(2, item);
    select.bind(3, static_cast<std::int64_t>(limit));
    std::vector<OutboxEntry> entries;
    while (select.step()) {
        entries.push_back(read_entry(select));
    }
    return entries;
}

std::optional<OutboxEntry> Outbox::latest_pending(std::string_view scope,
                                                  std::string_view register_key) {
    sqlite::Statement select(db_, std::string("SELECT ") + kEntryColumns +
                                      " FROM outbox WHERE acked_at IS NULL AND scope = ?1 AND"
                                      " register_key = ?2 ORDER BY seq DESC LIMIT 1");
    select.bind(1, scope);
    select.bind(2, register_key);
    if (!select.step()) {
        return std::nullopt;
    }
    return read_entry(select);
}

void Outbox::set_aside(std::int64_t seq, std::string_view reason) {
    if (!db_.in_transaction()) {
        fail(ErrorCode::internal, "an outbox entry is set aside inside a transaction");
    }
    sqlite::Statement update(db_, "UPDATE outbox SET set_aside = ?2 WHERE seq = ?1");
    update.bind(1, seq);
    update.bind(2, reason.empty() ? std::string_view("refused by the server") : reason);
    update.execute();
}

std::vector<OutboxSummary> Outbox::summary(std::size_t limit) {
    // The waiting entries are bounded by `limit`; those set aside are few and
    // all listed.
    sqlite::Statement select(
        db_,
        "SELECT seq, scope, register_key, created_at, set_aside, payload FROM (SELECT * FROM"
        " outbox WHERE acked_at IS NULL AND set_aside IS NULL ORDER BY seq LIMIT ?1) UNION ALL"
        " SELECT seq, scope, register_key, created_at, set_aside, payload FROM outbox WHERE"
        " set_aside IS NOT NULL ORDER BY seq");
    select.bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutboxSummary> rows;
    while (select.step()) {
        OutboxSummary row;
        row.seq = select.column_int64(0);
        row.scope = select.column_text(1);
        row.register_key = select.column_text(2);
        row.created_at_ms = select.column_int64(3);
        row.set_aside = select.column_text(4);
        const auto slash = row.register_key.find('/');
        if (row.register_key.starts_with("evidence/")) {
            // An evidence file's record names its item inside the sealed payload.
            const auto value = nlohmann::json::parse(
                sealer_.open(kOutboxTable, row_key(row.seq, row.scope, row.register_key), "payload",
                             select.column_blob(5), "outbox entry " + std::to_string(row.seq)),
                nullptr, false);
            row.item = value.is_object() ? value.value("item", std::string()) : std::string();
        } else if (!row.register_key.starts_with("profile/") && slash != std::string::npos) {
            row.item = row.register_key.substr(slash + 1);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<OutboxSummary> Outbox::set_aside_entries() {
    auto rows = summary(0);
    return rows;
}

bool Outbox::drop_set_aside(std::int64_t seq) {
    if (!db_.in_transaction()) {
        fail(ErrorCode::internal, "an outbox entry is dropped inside a transaction");
    }
    sqlite::Statement remove(db_, "DELETE FROM outbox WHERE seq = ?1 AND set_aside IS NOT NULL");
    remove.bind(1, seq);
    remove.execute();
    return db_.changes() > 0;
}

void Outbox::rehome(const std::string& replica_id) {
    if (!db_.in_transaction()) {
        fail(ErrorCode::internal, "the outbox moves to a new replica inside a transaction");
    }
    if (const auto set_aside = set_aside_entries().size(); set_aside > 0) {
        fail(ErrorCode::failed_precondition,
             std::to_string(set_aside) + (set_aside == 1 ? " change is" : " changes are") +
                 " set aside: answer again or drop them first (dspt outbox)");
    }
    const auto entries = pending(static_cast<std::size_t>(meta::require_int(db_, meta::kNextSeq)));
    db_.execute("DELETE FROM outbox");
    std::int64_t seq = 1;
    sqlite::Statement insert(db_,
                             "INSERT INTO outbox(seq, replica_id, hlc, register_key, seen,"
                             " payload, created_at, scope, base_version) VALUES(?1, ?2, ?3, ?4, ?5,"
                             " ?6, ?7, ?8, 0)");
    for (const auto& entry : entries) {
        const sqlite::ResetGuard use(insert);
        insert.bind(1, seq);
        insert.bind(2, replica_id);
        insert.bind(3, static_cast<std::int64_t>(entry.hlc.raw()));
        insert.bind(4, entry.register_key);
        insert.bind(5, nlohmann::json(entry.seen).dump());
        insert.bind(6, sqlite::Blob(sealer_.seal(kOutboxTable,
                                                 row_key(seq, entry.scope, entry.register_key),
                                                 "payload", entry.payload.dump())));
        insert.bind(7, entry.created_at_ms);
        insert.bind(8, entry.scope);
        insert.execute();
        ++seq;
    }
    meta::set(db_, meta::kNextSeq, std::to_string(seq));
    meta::set(db_, meta::kSyncReplicaId, replica_id);
}

std::size_t Outbox::discard_unsent(const std::function<bool(const OutboxEntry&)>& drop) {
    if (!db_.in_transaction()) {
        fail(ErrorCode::internal, "the outbox is renumbered inside a transaction");
    }
    sqlite::Statement acked(
        db_, "SELECT 1 FROM outbox WHERE acked_at IS NOT NULL OR set_aside IS NOT NULL LIMIT 1");
    if (acked.step()) {
        fail(ErrorCode::failed_precondition,
             "changes of this store have reached the server already; they cannot be withdrawn");
    }
    const auto entries = pending(static_cast<std::size_t>(meta::require_int(db_, meta::kNextSeq)));
    if (entries.empty()) {
        return 0;
    }
    db_.execute("DELETE FROM outbox");
    std::int64_t seq = entries.front().seq;
    std::size_t discarded = 0;
    sqlite::Statement insert(db_,
                             "INSERT INTO outbox(seq, replica_id, hlc, register_key, seen,"
                             " payload, created_at, scope, base_version) VALUES(?1, ?2, ?3, ?4, ?5,"
                             " ?6, ?7, ?8, 0)");
    for (const auto& entry : entries) {
        if (drop(entry)) {
            ++discarded;
            continue;
        }
        const sqlite::ResetGuard use(insert);
        insert.bind(1, seq);
        insert.bind(2, entry.replica_id);
        insert.bind(3, static_cast<std::int64_t>(entry.hlc.raw()));
        insert.bind(4, entry.register_key);
        insert.bind(5, nlohmann::json(entry.seen).dump());
        insert.bind(6, sqlite::Blob(sealer_.seal(kOutboxTable,
                                                 row_key(seq, entry.scope, entry.register_key),
                                                 "payload", entry.payload.dump())));
        insert.bind(7, entry.created_at_ms);
        insert.bind(8, entry.scope);
        insert.execute();
        ++seq;
    }
    meta::set(db_, meta::kNextSeq, std::to_string(seq));
    return discarded;
}

}  // namespace dspt::client
