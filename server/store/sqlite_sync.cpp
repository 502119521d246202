// SqliteRepository: the sync state (registers, their values, each replica's
// applied changes and the organisations' change sequences).

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "server/store/register_merge.hpp"
#include "server/store/sqlite_connections.hpp"

namespace dspt::server::store {

namespace {

constexpr std::string_view kSelectValues =
    "SELECT version, replica_id, seq, hlc, base_version, payload, author FROM register_values "
    "WHERE organisation_ods = ?1 AND scope = ?2 AND register_key = ?3 ORDER BY version";

// Binds ?1, ?2 and ?3 to a register's organisation, scope and key, the order
// every statement here names a register in. Text is bound without a copy here and
// below: every value bound is the caller's and outlives the statement's use, which a
// ResetGuard in the same scope ends.
void bind_register(sqlite::Statement& statement, std::string_view organisation_ods,
                   std::string_view scope, std::string_view key) {
    statement.bind_unowned(1, organisation_ods);
    statement.bind_unowned(2, scope);
    statement.bind_unowned(3, key);
}

RegisterValue read_value(const sqlite::Statement& row) {
    return {row.column_int64(0), row.column_text(1),
            row.column_int64(2), static_cast<std::uint64_t>(row.column_int64(3)),
            row.column_int64(4), row.column_text(5),
            row.column_text(6)};
}

// `select` is kSelectValues, prepared on the connection that reads.
std::vector<RegisterValue> select_values(sqlite::Statement& select,
                                         std::string_view organisation_ods, std::string_view scope,
                                         std::string_view key) {
    const sqlite::ResetGuard use(select);
    bind_register(select, organisation_ods, scope, key);
    std::vector<RegisterValue> values;
    while (select.step()) {
        values.push_back(read_value(select));
    }
    return values;
}

void require_organisation(SyncStatements& sql, std::string_view organisation_ods) {
    const sqlite::ResetGuard use(sql.select_organisation);
    sql.select_organisation.bind(1, organisation_ods);
    if (!sql.select_organisation.step()) {
        fail(ErrorCode::not_found,
             "organisation " + std::string(organisation_ods) + " is not registered");
    }
}

// The register's values, read in one statement from register_values alone: a
// register's version is always that of its newest value (every write gives the new
// value the register's new version), so its row in `registers` need not be read. A
// register without values (there is none: every register is written with its first
// value) reads as no register, which the merge rule treats alike.
std::optional<Register> select_register(SyncStatements& sql, std::string_view organisation_ods,
                                        std::string_view scope, std::string_view key) {
    auto& select = sql.select_register;
    const sqlite::ResetGuard use(select);
    bind_register(select, organisation_ods, scope, key);
    if (!select.step()) {
        return std::nullopt;
    }
    Register reg{std::string(scope), std::string(key), 0, {}};
    do {
        reg.values.push_back(read_value(select));
    } while (select.step());
    reg.version = reg.values.back().version;  // oldest first
    return reg;
}

// The replica's last applied seq, binding it to `device_id` on first use.
std::int64_t replica_high_water(SyncStatements& sql, std::string_view replica_id,
                                std::string_view device_id, std::string_view organisation_ods) {
    {
        const sqlite::ResetGuard use(sql.select_replica);
        sql.select_replica.bind_unowned(1, replica_id);
        if (sql.select_replica.step()) {
            if (sql.select_replica.column_text(0) != device_id) {
                fail(ErrorCode::forbidden,
                     "replica " + std::string(replica_id) + " belongs to another device");
            }
            return sql.select_replica.column_int64(1);
        }
    }
    const sqlite::ResetGuard use(sql.insert_replica);
    sql.insert_replica.bind_unowned(1, replica_id);
    sql.insert_replica.bind(2, device_id);
    sql.insert_replica.bind(3, organisation_ods);
    sql.insert_replica.execute();
    return 0;
}

void advance_replica(SyncStatements& sql, std::string_view replica_id, std::int64_t high_water) {
    const sqlite::ResetGuard use(sql.advance_replica);
    sql.advance_replica.bind_unowned(1, replica_id);
    sql.advance_replica.bind(2, high_water);
    sql.advance_replica.execute();
}

// The organisation's change sequence during one batch: read once, advanced in
// memory for each version the batch takes, and stored once at its end (inside the
// batch's savepoint, so a refused batch gives its numbers back).
class VersionSequence {
  public:
    VersionSequence(SyncStatements& sql, std::string_view organisation_ods)
        : sql_(sql), organisation_ods_(organisation_ods) {}

    std::int64_t next() {
        if (!loaded_) {
            const sqlite::ResetGuard use(sql_.select_version);
            sql_.select_version.bind(1, organisation_ods_);
            last_ = sql_.select_version.step() ? sql_.select_version.column_int64(0) : 0;
            stored_ = last_;
            loaded_ = true;
        }
        return ++last_;
    }

    void store() {
        if (last_ == stored_) {
            return;
        }
        const sqlite::ResetGuard use(sql_.store_version);
        sql_.store_version.bind(1, organisation_ods_);
        sql_.store_version.bind(2, last_);
        sql_.store_version.execute();
        stored_ = last_;
    }

  private:
    SyncStatements& sql_;
    std::string_view organisation_ods_;
    bool loaded_ = false;      // read on the first next()
    std::int64_t last_ = 0;    // the last number taken
    std::int64_t stored_ = 0;  // the number as stored
};

// The greatest version the writer had seen, kept beside the value for people
// who read the store.
std::int64_t greatest_seen(const Change& change) {
    std::int64_t greatest = 0;
    for (const auto version : change.seen) {
        greatest = std::max(greatest, version);
    }
    return greatest;
}

// Removes the values `replaced` names (every value when `all`), then writes the
// change as a value at `version`, the register's new version. `existed`: the register
// has a row in `registers` (it has values), updated in place; otherwise one is inserted.
void write_value(SyncStatements& sql, std::string_view organisation_ods, const Change& change,
                 std::int64_t version, const std::vector<std::int64_t>& replaced, bool all,
                 bool existed) {
    if (all) {
        auto& remove = sql.delete_values;
        const sqlite::ResetGuard use(remove);
        bind_register(remove, organisation_ods, change.scope, change.register_key);
        remove.execute();
    } else {
        for (const auto old_version : replaced) {
            auto& remove = sql.delete_value;
            const sqlite::ResetGuard use(remove);
            bind_register(remove, organisation_ods, change.scope, change.register_key);
            remove.bind(4, old_version);
            remove.execute();
        }
    }
    {
        auto& insert = sql.insert_value;
        const sqlite::ResetGuard use(insert);
        bind_register(insert, organisation_ods, change.scope, change.register_key);
        insert.bind(4, version);
        insert.bind_unowned(5, change.replica_id);
        insert.bind(6, change.seq);
        insert.bind(7, static_cast<std::int64_t>(change.hlc));
        insert.bind(8, greatest_seen(change));
        insert.bind_unowned(9, change.payload);
        insert.bind_unowned(10, change.author);
        insert.execute();
    }
    auto& version_row = existed ? sql.update_register : sql.insert_register;
    const sqlite::ResetGuard use(version_row);
    bind_register(version_row, organisation_ods, change.scope, change.register_key);
    version_row.bind(4, version);
    version_row.execute();
}

void record_result(SyncStatements& sql, std::string_view replica_id, const ChangeResult& result) {
    const sqlite::ResetGuard use(sql.insert_result);
    sql.insert_result.bind_unowned(1, replica_id);
    sql.insert_result.bind(2, result.seq);
    sql.insert_result.bind(3, static_cast<int>(result.outcome));
    sql.insert_result.bind(4, result.version);
    sql.insert_result.execute();
}

// A change sent again: `duplicate` with its first version, or `refused` again
// when it was refused the first time.
ChangeResult stored_result(SyncStatements& sql, std::string_view replica_id, std::int64_t seq) {
    const sqlite::ResetGuard use(sql.select_result);
    sql.select_result.bind_unowned(1, replica_id);
    sql.select_result.bind(2, seq);
    if (!sql.select_result.step()) {
        fail(ErrorCode::corrupt, "the result of change " + std::to_string(seq) + " of replica " +
                                     std::string(replica_id) + " is missing");
    }
    if (sql.select_result.column_int64(1) == static_cast<std::int64_t>(ChangeOutcome::refused)) {
        return {seq, ChangeOutcome::refused, 0};
    }
    return {seq, ChangeOutcome::duplicate, sql.select_result.column_int64(0)};
}

// One batch, inside the group's transaction; throws, having written part of it,
// when the batch is refused (the caller rolls back to the batch's savepoint).
std::vector<ChangeResult> apply_batch(SyncStatements& sql, std::string_view organisation_ods,
                                      std::string_view device_id,
                                      const std::vector<Change>& changes) {
    require_organisation(sql, organisation_ods);
    VersionSequence versions(sql, organisation_ods);
    struct Replica {
        std::int64_t stored = 0;      // high water as stored
        std::int64_t high_water = 0;  // after this batch's changes so far
    };
    std::map<std::string, Replica, std::less<>> replicas;
    std::vector<ChangeResult> results;
    results.reserve(changes.size());
    for (const auto& change : changes) {
        auto it = replicas.find(change.replica_id);
        if (it == replicas.end()) {
            const auto stored =
                replica_high_water(sql, change.replica_id, device_id, organisation_ods);
            it = replicas.emplace(change.replica_id, Replica{stored, stored}).first;
        }
        auto& high_water = it->second.high_water;
        if (change.seq <= high_water) {
            results.push_back(stored_result(sql, change.replica_id, change.seq));
            continue;
        }
        if (change.seq != high_water + 1) {
            fail(ErrorCode::invalid_argument,
                 "changes of replica " + change.replica_id + " must arrive in order: expected " +
                     std::to_string(high_water + 1) + ", got " + std::to_string(change.seq));
        }
        if (change.refused) {
            // Its seq is taken, so the replica's next changes follow it.
            const ChangeResult refused{change.seq, ChangeOutcome::refused, 0};
            record_result(sql, change.replica_id, refused);
            high_water = change.seq;
            results.push_back(refused);
            continue;
        }
        const auto current =
            select_register(sql, organisation_ods, change.scope, change.register_key);
        ChangeResult result{change.seq, ChangeOutcome::accepted, 0};
        const auto plan = decide_merge(current, change);
        switch (plan.decision) {
            case MergeDecision::replace:
                result.version = versions.next();
                write_value(sql, organisation_ods, change, result.version, plan.replaced,
                            current.has_value(), current.has_value());
                break;
            case MergeDecision::unchanged:
                result.outcome = ChangeOutcome::unchanged;
                result.version = current->version;
                break;
            case MergeDecision::add_sibling:
                result.outcome = ChangeOutcome::conflict;
                result.version = versions.next();
                write_value(sql, organisation_ods, change, result.version, plan.replaced, false,
                            true);
                break;
        }
        record_result(sql, change.replica_id, result);
        high_water = change.seq;
        results.push_back(result);
    }
    // The sequence and each replica's high water are written once, after the
    // batch's last change.
    versions.store();
    for (const auto& [replica_id, replica] : replicas) {
        if (replica.high_water != replica.stored) {
            advance_replica(sql, replica_id, replica.high_water);
        }
    }
    return results;
}

void run(sqlite::Statement& statement) {
    const sqlite::ResetGuard use(statement);
    statement.execute();
}

}  // namespace

std::string_view select_register_values_sql() {
    return kSelectValues;
}

// Each scope read through registers_by_scope and the reads merged by version when
// they are few (kPullScopesOneByOne), else one walk of registers_by_version. Either
// form gives the same rows in the same order.
std::string registers_since_sql(std::size_t scopes) {
    constexpr std::string_view kColumns = "SELECT scope, register_key, version FROM ";
    std::string sql;
    if (scopes <= kPullScopesOneByOne) {
        // A compound SELECT whose ORDER BY each arm's index already gives: SQLite
        // merges the arms as it reads them and stops at the LIMIT, with no sort.
        for (std::size_t i = 0; i < scopes; ++i) {
            sql += std::string(i == 0 ? "" : " UNION ALL ") + std::string(kColumns) +
                   "registers WHERE organisation_ods = ?1 AND scope = ?" + std::to_string(i + 4) +
                   " AND version > ?2";
        }
    } else {
        sql = std::string(kColumns) +
              "registers WHERE organisation_ods = ?1 AND version > ?2 AND " + "scope IN (";
        for (std::size_t i = 0; i < scopes; ++i) {
            sql += (i == 0 ? "?" : ", ?") + std::to_string(i + 4);
        }
        sql += ")";
    }
    return sql + " ORDER BY version LIMIT ?3";
}

SyncStatements::SyncStatements(sqlite::Database& db)
    : select_organisation(db, "SELECT 1 FROM organisations WHERE ods = ?1"),
      select_register(db, kSelectValues),
      select_replica(db, "SELECT device_id, high_water FROM replicas WHERE replica_id = ?1"),
      insert_replica(db,
                     "INSERT INTO replicas (replica_id, device_id, organisation_ods, high_water) "
                     "VALUES (?1, ?2, ?3, 0)"),
      advance_replica(db, "UPDATE replicas SET high_water = ?2 WHERE replica_id = ?1"),
      select_version(db,
                     "SELECT last_version FROM organisation_versions WHERE organisation_ods = ?1"),
      store_version(db,
                    "INSERT INTO organisation_versions (organisation_ods, last_version) VALUES "
                    "(?1, ?2) ON CONFLICT (organisation_ods) DO UPDATE SET last_version = "
                    "excluded.last_version"),
      delete_values(db,
                    "DELETE FROM register_values WHERE organisation_ods = ?1 AND scope = ?2 AND "
                    "register_key = ?3"),
      delete_value(db,
                   "DELETE FROM register_values WHERE organisation_ods = ?1 AND scope = ?2 AND "
                   "register_key = ?3 AND version = ?4"),
      insert_value(db,
                   "INSERT INTO register_values (organisation_ods, scope, register_key, version, "
                   "replica_id, seq, hlc, base_version, payload, author) VALUES (?1, ?2, ?3, ?4, "
                   "?5, ?6, ?7, ?8, ?9, ?10)"),
      insert_register(db,
                      "INSERT INTO registers (organisation_ods, scope, register_key, version) "
                      "VALUES (?1, ?2, ?3, ?4)"),
      update_register(db,
                      "UPDATE registers SET version = ?4 WHERE organisation_ods = ?1 AND scope = "
                      "?2 AND register_key = ?3"),
      insert_result(db,
                    "INSERT INTO applied_changes (replica_id, seq, outcome, version) VALUES (?1, "
                    "?2, ?3, ?4)"),
      select_result(db,
                    "SELECT version, outcome FROM applied_changes WHERE replica_id = ?1 AND "
                    "seq = ?2"),
      savepoint(db, "SAVEPOINT push_batch"),
      release(db, "RELEASE push_batch"),
      rollback_to(db, "ROLLBACK TO push_batch") {}

std::vector<ChangeResult> SqliteRepository::apply_changes(std::string_view organisation_ods,
                                                          std::string_view device_id,
                                                          const std::vector<Change>& changes) {
    PendingBatch batch{organisation_ods, device_id, changes, {}, nullptr};
    batches_->submit(batch, [this](auto& group) { commit_group(group); });
    if (batch.error) {
        std::rethrow_exception(batch.error);
    }
    return std::move(batch.results);
}

void SqliteRepository::commit_group(GroupCommit<PendingBatch>::Group& group) {
    write([&](Writer& writer) {
        auto& sql = writer.sync;
        // A push's batch, or a device's health report.
        const auto apply_pending = [](Writer& on, PendingBatch& batch) {
            if (batch.health != nullptr) {
                write_sync_health(on.db, *batch.health);
            } else {
                batch.results =
                    apply_batch(on.sync, batch.organisation_ods, batch.device_id, batch.changes);
            }
        };
        // Taken only now that the transaction holds the write lock: batches that
        // queued while it waited join this group.
        auto batches = group.take();
        if (batches.size() == 1) {
            // The usual start: one batch, first in its transaction, needs no
            // savepoint. Refused, it throws, the transaction rolls back, and its
            // caller alone gets the error from submit() (nothing else is taken).
            PendingBatch& batch = *batches.front();
            apply_pending(writer, batch);
            batches = group.take_more();
        }
        // Batches that queued while those before them were applied join the same
        // commit, each in its own savepoint, until none waits (or the group is full).
        while (!batches.empty()) {
            for (PendingBatch* batch : batches) {
                run(sql.savepoint);
                try {
                    apply_pending(writer, *batch);
                } catch (...) {
                    // This batch alone is undone and refused; the group goes on. A
                    // failure to roll back leaves the transaction unknown: it
                    // throws, and the whole group fails.
                    batch->error = std::current_exception();
                    batch->results.clear();
                    run(sql.rollback_to);
                }
                run(sql.release);
            }
            batches = group.take_more();
        }
    });
}

RegisterPage SqliteRepository::registers_since(std::string_view organisation_ods,
                                               const std::vector<std::string>& scopes,
                                               std::int64_t since, std::size_t limit) const {
    // A scope named twice is read once, as the IN list of the single walk reads it.
    std::vector<std::string> distinct = scopes;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    return read(true, [&](Reader& reader) {
        RegisterPage page;
        page.next_cursor = since;
        if (distinct.empty() || limit == 0) {
            return page;
        }
        sqlite::Statement select(reader.db, registers_since_sql(distinct.size()));
        select.bind(1, organisation_ods);
        select.bind(2, since);
        select.bind(3, static_cast<std::int64_t>(limit) + 1);
        for (std::size_t i = 0; i < distinct.size(); ++i) {
            select.bind(static_cast<int>(i + 4), distinct[i]);
        }
        while (select.step()) {
            if (page.registers.size() == limit) {
                page.more = true;
                break;
            }
            Register reg{select.column_text(0), select.column_text(1), select.column_int64(2), {}};
            reg.values =
                select_values(reader.select_values, organisation_ods, reg.scope, reg.register_key);
            page.next_cursor = reg.version;
            page.registers.push_back(std::move(reg));
        }
        return page;
    });
}

}  // namespace dspt::server::store
