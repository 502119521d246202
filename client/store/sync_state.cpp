#include "client/store/sync_state.hpp"

#include <algorithm>

#include "client/store/evidence_transfer.hpp"
#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::client {

namespace {

constexpr std::string_view kPullCursor = "pull_cursor";
constexpr std::string_view kLastSync = "last_sync";
constexpr std::string_view kConflicts = "conflicts";
constexpr std::string_view kSites = "organisation_sites";
constexpr std::string_view kSitesDigest = "organisation_sites_digest";
constexpr std::string_view kSiteNames = "organisation_site_names";

// Records what the store holds of a register: its version and the version of
// each of its values. An older answer than the one recorded changes nothing.
void set_seen(sqlite::Database& db, const std::string& scope, const std::string& register_key,
              std::int64_t version, const std::vector<std::int64_t>& seen) {
    sqlite::Statement upsert(db,
                             "INSERT INTO register_versions(scope, register_key, version, seen)"
                             " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(scope, register_key) DO UPDATE"
                             " SET version = excluded.version, seen = excluded.seen"
                             " WHERE excluded.version >= register_versions.version");
    upsert.bind(1, scope);
    upsert.bind(2, register_key);
    upsert.bind(3, version);
    upsert.bind(4, nlohmann::json(seen).dump());
    upsert.execute();
}

std::string text_of(const nlohmann::json& value, const char* field) {
    const auto it = value.find(field);
    return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void apply_answer(LocalStore& store, const std::string& scope, const std::string& item_id,
                  const nlohmann::json& value, std::int64_t at_ms) {
    if (value.value("deleted", false)) {
        store.delete_answer_row(scope, item_id);
        return;
    }
    store.write_answer_row(scope, item_id, text_of(value, "value"), text_of(value, "comment"),
                           text_of(value, "answered_by"), at_ms);
}

void apply_plan(LocalStore& store, const std::string& scope, const std::string& item_id,
                const nlohmann::json& value, std::int64_t at_ms) {
    if (value.value("deleted", false)) {
        store.delete_plan_row(scope, item_id);
        return;
    }
    store.write_plan_row(scope, item_id, value.dump(), at_ms);
}

void store_conflict(LocalStore& store, const std::string& scope, const std::string& register_key,
                    const nlohmann::json& siblings) {
    auto& db = store.database();
    if (siblings.empty()) {
        sqlite::Statement remove(db,
                                 "DELETE FROM conflicts WHERE scope = ?1 AND register_key = ?2");
        remove.bind(1, scope);
        remove.bind(2, register_key);
        remove.execute();
        return;
    }
    sqlite::Statement upsert(db,
                             "INSERT INTO conflicts(scope, register_key, siblings) VALUES(?1, ?2,"
                             " ?3) ON CONFLICT(scope, register_key) DO UPDATE SET siblings ="
                             " excluded.siblings");
    upsert.bind(1, scope);
    upsert.bind(2, register_key);
    upsert.bind(
        3, sqlite::Blob(store.sealer().seal(kConflicts, LocalStore::row_key(scope, register_key),
                                            "siblings", siblings.dump())));
    upsert.execute();
}

// A register this store changed and has not yet sent, pulled with values of
// other devices: the values this store's pending change will meet on the
// server, shown now beside it as a conflict. This store's own earlier values
// leave, as they will on the server, and so does a value equal to the pending
// one. Nothing else left: no conflict.
void record_conflict_beside(LocalStore& store, const std::string& scope, const PulledRegister& reg,
                            const OutboxEntry& pending) {
    const auto& replica = store.info().replica_id;
    auto siblings = nlohmann::json::array();
    for (const auto& value :
         reg.siblings.empty() ? nlohmann::json::array({reg.shown_sibling}) : reg.siblings) {
        // Another device's value, unless it is the same as this one's.
        if (value.is_object() && value.value("replica_id", std::string()) != replica &&
            value.value("value", nlohmann::json()) != pending.payload) {
            siblings.push_back(value);
        }
    }
    if (!siblings.empty()) {
        siblings.push_back({{"replica_id", replica},
                            {"author", pending.payload.value("answered_by", std::string())},
                            {"hlc", pending.hlc.raw()},
                            {"version", 0},
                            {"value", pending.payload}});
    }
    store_conflict(store, scope, reg.register_key, siblings);
}

// Records a file another device added, or forgets one it removed. A record
// this device cannot use (an item its standards do not have, a key that does
// not open) is left out rather than stopping the sync; returns whether the
// file was recorded or forgotten.
bool apply_evidence(EvidenceTransfers& transfers, const std::string& scope,
                    const PulledRegister& reg, const crypto::SecretKey* organisation_key) {
    const auto id = reg.register_key.substr(reg.register_key.find('/') + 1);
    if (reg.shown.value("deleted", false)) {
        transfers.forget(id);
        return true;
    }
    if (organisation_key == nullptr) {
        fail(ErrorCode::failed_precondition,
             "this device has no organisation key to open evidence files: run 'dspt "
             "recover-key'");
    }
    if (reg.shown.value("id", std::string()) != id) {
        return false;
    }
    try {
        transfers.receive(scope, reg.shown, *organisation_key);
        return true;
    } catch (const Error& e) {
        if (e.code() != ErrorCode::invalid_argument && e.code() != ErrorCode::not_found &&
            e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        return false;
    }
}

}  // namespace

std::string ScopeMap::local(std::string_view server_scope) const {
    if (server_scope == own) {
        return {};
    }
    return server_scope.empty() ? std::string(LocalStore::kOrganisationScope)
                                : std::string(server_scope);
}

std::string ScopeMap::server(std::string_view local_scope) const {
    if (local_scope.empty()) {
        return own;
    }
    return local_scope == LocalStore::kOrganisationScope ? std::string() : std::string(local_scope);
}

SyncBacklog sync_backlog(LocalStore& store) {
    EvidenceTransfers transfers(store);
    const auto uploads = transfers.uploads_pending().size();
    std::int64_t oldest = store.outbox().oldest_pending_at_ms();
    const auto oldest_file = transfers.oldest_upload_added_at_ms();
    if (oldest_file > 0 && (oldest == 0 || oldest_file < oldest)) {
        oldest = oldest_file;
    }
    return {store.outbox().pending_count() + uploads,
            store.outbox().pending_bytes() + transfers.upload_bytes_pending(), oldest};
}

std::optional<std::int64_t> last_sync(LocalStore& store) {
    if (!meta::get(store.database(), kLastSync)) {
        return std::nullopt;
    }
    return meta::require_int(store.database(), kLastSync);
}

void record_sync(LocalStore& store, std::int64_t at_ms) {
    meta::set(store.database(), kLastSync, std::to_string(at_ms));
}

std::vector<std::string> known_sites(LocalStore& store) {
    const auto text = meta::get(store.database(), kSites);
    if (!text) {
        return {};
    }
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_array()) {
        fail(ErrorCode::corrupt, "the store's list of the organisation's sites is damaged");
    }
    return json.get<std::vector<std::string>>();
}

void remember_sites(LocalStore& store, const std::vector<std::string>& sites,
                    const std::string& digest) {
    // The list before its digest: a store cut between the two asks for the list again.
    meta::set(store.database(), kSites, nlohmann::json(sites).dump());
    meta::set(store.database(), kSitesDigest, digest);
}

std::string known_sites_digest(LocalStore& store) {
    return meta::get(store.database(), kSitesDigest).value_or("");
}

std::map<std::string, std::string> known_site_names(LocalStore& store) {
    const auto text = meta::get(store.database(), kSiteNames);
    if (!text) {
        return {};
    }
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object()) {
        fail(ErrorCode::corrupt, "the store's list of the organisation's site names is damaged");
    }
    return json.get<std::map<std::string, std::string>>();
}

void remember_site_names(LocalStore& store, const std::map<std::string, std::string>& names) {
    meta::set(store.database(), kSiteNames, nlohmann::json(names).dump());
}

std::int64_t pull_cursor(LocalStore& store) {
    const auto text = meta::get(store.database(), kPullCursor);
    return text ? meta::require_int(store.database(), kPullCursor) : 0;
}

void rewind_pull_cursor(LocalStore& store, std::int64_t version) {
    const auto before = std::max<std::int64_t>(version - 1, 0);
    if (before < pull_cursor(store)) {
        meta::set(store.database(), kPullCursor, std::to_string(before));
    }
}

void reset_sync_position(LocalStore& store) {
    auto& db = store.database();
    meta::erase(db, kPullCursor);
    db.execute("DELETE FROM register_versions");
    db.execute("DELETE FROM conflicts");
}

void acknowledge_pushed(LocalStore& store, const std::vector<PushAck>& acks, std::int64_t now_ms) {
    auto& db = store.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    sqlite::Statement ack(db, "UPDATE outbox SET acked_at = ?2 WHERE seq = ?1");
    for (const auto& entry : acks) {
        const sqlite::ResetGuard use(ack);
        ack.bind(1, entry.seq);
        ack.bind(2, now_ms);
        ack.execute();
        if (entry.settled) {
            set_seen(db, entry.scope, entry.register_key, entry.version, {entry.version});
        }
    }
    tx.commit();
}

std::size_t apply_pulled(LocalStore& store, const std::vector<PulledRegister>& registers,
                         const ScopeMap& scopes, std::int64_t next_cursor,
                         const crypto::SecretKey* organisation_key) {
    auto& db = store.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    EvidenceTransfers transfers(store);
    std::size_t changed = 0;
    std::uint64_t latest_hlc = 0;
    for (const auto& reg : registers) {
        latest_hlc = std::max(latest_hlc, reg.latest_hlc);
        const auto slash = reg.register_key.find('/');
        const auto kind = reg.register_key.substr(0, slash);
        const auto name = slash == std::string::npos ? "" : reg.register_key.substr(slash + 1);
        // The profile is the organisation's whichever device holds it: kept
        // under the store's own scope, where its changes are written.
        const bool profile = kind == "profile";
        const auto scope = profile ? std::string() : scopes.local(reg.scope);
        set_seen(db, scope, reg.register_key, reg.version, reg.seen);
        // A profile register shows the same value everywhere even while in
        // conflict; only items have conflicts to resolve.
        if (const auto pending = store.outbox().latest_pending(scope, reg.register_key)) {
            if (!profile) {
                record_conflict_beside(store, scope, reg, *pending);
            }
            continue;  // the server decides when this device's changes arrive
        }
        if (!profile) {
            store_conflict(store, scope, reg.register_key, reg.siblings);
        }
        if (reg.shown_replica == store.info().replica_id && reg.siblings.empty()) {
            continue;  // this store's own change, back from the server
        }
        if (kind == "answer") {
            store.item(name);  // an item this store's standards know, or a damaged page
            apply_answer(store, scope, name, reg.shown, reg.shown_at_ms);
            store.clear_review_mark(scope, name);  // another device reviewed it
        } else if (kind == "plan") {
            store.item(name);
            apply_plan(store, scope, name, reg.shown, reg.shown_at_ms);
        } else if (kind == "evidence") {
            if (!apply_evidence(transfers, scope, reg, organisation_key)) {
                continue;
            }
        } else if (!profile || !store.write_profile_field(name, reg.shown)) {
            continue;
        }
        ++changed;
    }
    // The receive step of the hybrid clock: the next change here is stamped
    // later than every change this page showed, whatever this device's wall
    // clock says (Outbox::append merges the stored time).
    if (latest_hlc > static_cast<std::uint64_t>(meta::require_int(db, meta::kHlc))) {
        meta::set(db, meta::kHlc, std::to_string(latest_hlc));
    }
    meta::set(db, kPullCursor, std::to_string(next_cursor));
    tx.commit();
    return changed;
}

std::vector<ConflictRecord> open_conflicts(LocalStore& store) {
    sqlite::Statement select(
        store.database(),
        "SELECT register_key, siblings FROM conflicts WHERE scope = ?1 ORDER BY register_key");
    select.bind(1, store.scope());
    std::vector<ConflictRecord> conflicts;
    while (select.step()) {
        ConflictRecord record;
        record.register_key = select.column_text(0);
        record.siblings = nlohmann::json::parse(
            store.sealer().open(kConflicts, LocalStore::row_key(store.scope(), record.register_key),
                                "siblings", select.column_blob(1), "conflict"));
        conflicts.push_back(std::move(record));
    }
    return conflicts;
}

std::size_t count_conflicts(LocalStore& store) {
    sqlite::Statement count(store.database(), "SELECT COUNT(*) FROM conflicts");
    count.step();
    return static_cast<std::size_t>(count.column_int64(0));
}

std::optional<ConflictRecord> find_conflict(LocalStore& store, const std::string& register_key) {
    for (auto& conflict : open_conflicts(store)) {
        if (conflict.register_key == register_key) {
            return std::move(conflict);
        }
    }
    return std::nullopt;
}

void forget_conflict(LocalStore& store, const std::string& register_key) {
    sqlite::Statement remove(store.database(),
                             "DELETE FROM conflicts WHERE scope = ?1 AND register_key = ?2");
    remove.bind(1, store.scope());
    remove.bind(2, register_key);
    remove.execute();
}

}  // namespace dspt::client
