// SqliteRepository: the sync state (registers, their values, each replica's
// applied changes and the organisations' change sequences).

#include <map>

#include "common/error.hpp"
#include "server/store/register_merge.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

constexpr const char* kSelectValues =
    "SELECT version, replica_id, seq, hlc, base_version, payload, author FROM register_values "
    "WHERE organisation_ods = ?1 AND scope = ?2 AND register_key = ?3 ORDER BY version";

RegisterValue read_value(const sqlite::Statement& row) {
    return {row.column_int64(0), row.column_text(1),
            row.column_int64(2), static_cast<std::uint64_t>(row.column_int64(3)),
            row.column_int64(4), row.column_text(5),
            row.column_text(6)};
}

std::vector<RegisterValue> select_values(sqlite::Database& db, std::string_view organisation_ods,
                                         std::string_view scope, std::string_view key) {
    sqlite::Statement select(db, kSelectValues);
    select.bind(1, organisation_ods);
    select.bind(2, scope);
    select.bind(3, key);
    std::vector<RegisterValue> values;
    while (select.step()) {
        values.push_back(read_value(select));
    }
    return values;
}

std::optional<Register> select_register(sqlite::Database& db, std::string_view organisation_ods,
                                        std::string_view scope, std::string_view key) {
    sqlite::Statement select(db,
                             "SELECT version FROM registers WHERE organisation_ods = ?1 AND "
                             "scope = ?2 AND register_key = ?3");
    select.bind(1, organisation_ods);
    select.bind(2, scope);
    select.bind(3, key);
    if (!select.step()) {
        return std::nullopt;
    }
    Register reg{std::string(scope), std::string(key), select.column_int64(0), {}};
    reg.values = select_values(db, organisation_ods, scope, key);
    return reg;
}

// The replica's last applied seq, binding it to `device_id` on first use.
std::int64_t replica_high_water(sqlite::Database& db, std::string_view replica_id,
                                std::string_view device_id, std::string_view organisation_ods) {
    sqlite::Statement select(
        db, "SELECT device_id, organisation_ods, high_water FROM replicas WHERE replica_id = ?1");
    select.bind(1, replica_id);
    if (select.step()) {
        if (select.column_text(0) != device_id) {
            fail(ErrorCode::forbidden,
                 "replica " + std::string(replica_id) + " belongs to another device");
        }
        return select.column_int64(2);
    }
    sqlite::Statement insert(db,
                             "INSERT INTO replicas (replica_id, device_id, organisation_ods, "
                             "high_water) VALUES (?1, ?2, ?3, 0)");
    insert.bind(1, replica_id);
    insert.bind(2, device_id);
    insert.bind(3, organisation_ods);
    insert.execute();
    return 0;
}

std::int64_t next_version(sqlite::Database& db, std::string_view organisation_ods) {
    sqlite::Statement bump(db,
                           "INSERT INTO organisation_versions (organisation_ods, last_version) "
                           "VALUES (?1, 1) ON CONFLICT (organisation_ods) DO UPDATE SET "
                           "last_version = last_version + 1 RETURNING last_version");
    bump.bind(1, organisation_ods);
    if (!bump.step()) {
        fail(ErrorCode::internal, "the change sequence did not advance");
    }
    return bump.column_int64(0);
}

void write_value(sqlite::Database& db, std::string_view organisation_ods, const Change& change,
                 std::int64_t version, bool replace_siblings) {
    // Accepted: every sibling goes. A conflict: the writer's own earlier value
    // goes, since its later change supersedes it; the other replicas' stay.
    sqlite::Statement remove(db,
                             std::string("DELETE FROM register_values WHERE organisation_ods = ?1 "
                                         "AND scope = ?2 AND register_key = ?3") +
                                 (replace_siblings ? "" : " AND replica_id = ?4"));
    remove.bind(1, organisation_ods);
    remove.bind(2, change.scope);
    remove.bind(3, change.register_key);
    if (!replace_siblings) {
        remove.bind(4, change.replica_id);
    }
    remove.execute();
    sqlite::Statement insert(db,
                             "INSERT INTO register_values (organisation_ods, scope, register_key, "
                             "version, replica_id, seq, hlc, base_version, payload, author) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    insert.bind(1, organisation_ods);
    insert.bind(2, change.scope);
    insert.bind(3, change.register_key);
    insert.bind(4, version);
    insert.bind(5, change.replica_id);
    insert.bind(6, change.seq);
    insert.bind(7, static_cast<std::int64_t>(change.hlc));
    insert.bind(8, change.base_version);
    insert.bind(9, change.payload);
    insert.bind(10, change.author);
    insert.execute();
    sqlite::Statement upsert(db,
                             "INSERT INTO registers (organisation_ods, scope, register_key, "
                             "version) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (organisation_ods, "
                             "scope, register_key) DO UPDATE SET version = excluded.version");
    upsert.bind(1, organisation_ods);
    upsert.bind(2, change.scope);
    upsert.bind(3, change.register_key);
    upsert.bind(4, version);
    upsert.execute();
}

void record_result(sqlite::Database& db, std::string_view replica_id, const ChangeResult& result) {
    sqlite::Statement insert(db,
                             "INSERT INTO applied_changes (replica_id, seq, outcome, version) "
                             "VALUES (?1, ?2, ?3, ?4)");
    insert.bind(1, replica_id);
    insert.bind(2, result.seq);
    insert.bind(3, static_cast<int>(result.outcome));
    insert.bind(4, result.version);
    insert.execute();
    sqlite::Statement advance(db, "UPDATE replicas SET high_water = ?2 WHERE replica_id = ?1");
    advance.bind(1, replica_id);
    advance.bind(2, result.seq);
    advance.execute();
}

ChangeResult stored_result(sqlite::Database& db, std::string_view replica_id, std::int64_t seq) {
    sqlite::Statement select(
        db, "SELECT version FROM applied_changes WHERE replica_id = ?1 AND seq = ?2");
    select.bind(1, replica_id);
    select.bind(2, seq);
    if (!select.step()) {
        fail(ErrorCode::corrupt, "the result of change " + std::to_string(seq) + " of replica " +
                                     std::string(replica_id) + " is missing");
    }
    return {seq, ChangeOutcome::duplicate, select.column_int64(0)};
}

}  // namespace

std::vector<ChangeResult> SqliteRepository::apply_changes(std::string_view organisation_ods,
                                                          std::string_view device_id,
                                                          const std::vector<Change>& changes) {
    return write([&](Writer& writer) {
        auto& db = writer.db;
        rows::require_organisation(db, organisation_ods);
        std::map<std::string, std::int64_t> high_water;
        std::vector<ChangeResult> results;
        results.reserve(changes.size());
        for (const auto& change : changes) {
            auto [it, fresh] = high_water.try_emplace(change.replica_id, 0);
            if (fresh) {
                it->second = replica_high_water(db, change.replica_id, device_id, organisation_ods);
            }
            if (change.seq <= it->second) {
                results.push_back(stored_result(db, change.replica_id, change.seq));
                continue;
            }
            if (change.seq != it->second + 1) {
                fail(ErrorCode::invalid_argument, "changes of replica " + change.replica_id +
                                                      " must arrive in order: expected " +
                                                      std::to_string(it->second + 1) + ", got " +
                                                      std::to_string(change.seq));
            }
            const auto current =
                select_register(db, organisation_ods, change.scope, change.register_key);
            ChangeResult result{change.seq, ChangeOutcome::accepted, 0};
            switch (decide_merge(current, change)) {
                case MergeDecision::replace:
                    result.version = next_version(db, organisation_ods);
                    write_value(db, organisation_ods, change, result.version, true);
                    break;
                case MergeDecision::unchanged:
                    result.outcome = ChangeOutcome::unchanged;
                    result.version = current->version;
                    break;
                case MergeDecision::add_sibling:
                    result.outcome = ChangeOutcome::conflict;
                    result.version = next_version(db, organisation_ods);
                    write_value(db, organisation_ods, change, result.version, false);
                    break;
            }
            record_result(db, change.replica_id, result);
            it->second = change.seq;
            results.push_back(result);
        }
        return results;
    });
}

RegisterPage SqliteRepository::registers_since(std::string_view organisation_ods,
                                               const std::vector<std::string>& scopes,
                                               std::int64_t since, std::size_t limit) const {
    return read(true, [&](Reader& reader) {
        RegisterPage page;
        page.next_cursor = since;
        if (scopes.empty() || limit == 0) {
            return page;
        }
        std::string placeholders;
        for (std::size_t i = 0; i < scopes.size(); ++i) {
            placeholders += (i == 0 ? "?" : ", ?") + std::to_string(i + 4);
        }
        sqlite::Statement select(reader.db,
                                 "SELECT scope, register_key, version FROM registers WHERE "
                                 "organisation_ods = ?1 AND version > ?2 AND scope IN (" +
                                     placeholders + ") ORDER BY version LIMIT ?3");
        select.bind(1, organisation_ods);
        select.bind(2, since);
        select.bind(3, static_cast<std::int64_t>(limit) + 1);
        for (std::size_t i = 0; i < scopes.size(); ++i) {
            select.bind(static_cast<int>(i + 4), scopes[i]);
        }
        while (select.step()) {
            if (page.registers.size() == limit) {
                page.more = true;
                break;
            }
            Register reg{select.column_text(0), select.column_text(1), select.column_int64(2), {}};
            reg.values = select_values(reader.db, organisation_ods, reg.scope, reg.register_key);
            page.next_cursor = reg.version;
            page.registers.push_back(std::move(reg));
        }
        return page;
    });
}

}  // namespace dspt::server::store
