// PgRepository: the sync state (registers, their values, each replica's applied
// changes and the organisations' change sequences).
//
// A push is one transaction that first locks its organisation's counter row and holds
// it to commit, so the organisation's pushes, from every process, take their versions
// one after another and commit in that order: a pull paging by version never passes a
// version that commits later. The batch then takes a constant number of statements,
// whatever its size: the replicas and registers it names are read at once, the merge
// runs in memory, and everything it leaves is written by one statement, one array
// parameter per column.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"
#include "server/store/register_merge.hpp"

namespace dspt::server::store {

namespace {

using pg_rows::ArrayLiteral;

// A register of one organisation, named by scope and key.
using PgRegisterName = std::pair<std::string, std::string>;

// The greatest version the writer had seen, kept beside the value for people who
// read the store.
std::int64_t pg_greatest_seen(const Change& change) {
    std::int64_t greatest = 0;
    for (const auto version : change.seen) {
        greatest = std::max(greatest, version);
    }
    return greatest;
}

// Locks the organisation's counter row until the transaction ends and returns the
// last version it gave. Throws not_found for an unknown organisation.
std::int64_t lock_version_counter(pg::Connection& db, std::string_view organisation_ods) {
    constexpr std::string_view kLock =
        "SELECT last_version FROM organisation_versions WHERE organisation_ods = $1 FOR UPDATE";
    pg::Result counter = db.run(kLock, pg::Params().text(organisation_ods));
    if (counter.empty()) {
        // The organisation's first push: its counter row is made, once, here.
        pg_rows::require_organisation(db, organisation_ods);
        db.run(
            "INSERT INTO organisation_versions (organisation_ods, last_version) VALUES ($1, 0) "
            "ON CONFLICT (organisation_ods) DO NOTHING",
            pg::Params().text(organisation_ods));
        counter = db.run(kLock, pg::Params().text(organisation_ods));
    }
    return counter.int64(0, 0);
}

// A replica the batch writes as.
struct PgReplica {
    bool stored = false;          // its row exists
    std::int64_t stored_at = 0;   // high water as stored
    std::int64_t high_water = 0;  // after the batch's changes so far
};

// The replicas the batch names that are bound to a device: by id, their device and
// high water; the rows stay locked until the transaction ends.
std::map<std::string, std::pair<std::string, std::int64_t>, std::less<>> lock_replicas(
    pg::Connection& db, const std::vector<Change>& changes) {
    ArrayLiteral ids;
    for (const auto& change : changes) {
        ids.add(change.replica_id);
    }
    const pg::Result rows = db.run(
        "SELECT replica_id, device_id, high_water FROM replicas WHERE replica_id = ANY($1::text[]) "
        "ORDER BY replica_id FOR UPDATE",
        pg::Params().text(ids.literal()));
    std::map<std::string, std::pair<std::string, std::int64_t>, std::less<>> found;
    for (int row = 0; row < rows.rows(); ++row) {
        found.emplace(rows.text(row, 0), std::pair(rows.text(row, 1), rows.int64(row, 2)));
    }
    return found;
}

// A register the batch touches: as the batch has left it so far, and the versions of
// the values it held before.
struct PgRegisterState {
    std::optional<Register> current;
    std::vector<std::int64_t> stored_versions;
    bool changed = false;
};

// The registers the batch's accepted changes name, with their values, in one
// statement. A register without values (there is none: every register is written
// with its first value) reads as no register, which the merge rule treats alike.
std::map<PgRegisterName, PgRegisterState> read_registers(pg::Connection& db,
                                                         std::string_view organisation_ods,
                                                         const std::vector<Change>& changes) {
    std::map<PgRegisterName, PgRegisterState> registers;
    ArrayLiteral scopes;
    ArrayLiteral keys;
    for (const auto& change : changes) {
        if (change.refused) {
            continue;
        }
        const auto [it, added] =
            registers.try_emplace(PgRegisterName(change.scope, change.register_key));
        if (added) {
            scopes.add(change.scope);
            keys.add(change.register_key);
        }
    }
    if (registers.empty()) {
        return registers;
    }
    const pg::Result rows = db.run(
        "SELECT v.scope, v.register_key, r.version, v.version, v.replica_id, v.seq, v.hlc, "
        "v.base_version, v.payload, v.author "
        "FROM unnest($2::text[], $3::text[]) AS k(scope, register_key) "
        "JOIN registers r ON r.organisation_ods = $1 AND r.scope = k.scope "
        "AND r.register_key = k.register_key "
        "JOIN register_values v ON v.organisation_ods = $1 AND v.scope = k.scope "
        "AND v.register_key = k.register_key "
        "ORDER BY v.scope, v.register_key, v.version",
        pg::Params().text(organisation_ods).text(scopes.literal()).text(keys.literal()));
    for (int row = 0; row < rows.rows(); ++row) {
        auto& state = registers[PgRegisterName(rows.text(row, 0), rows.text(row, 1))];
        if (!state.current) {
            state.current = Register{rows.text(row, 0), rows.text(row, 1), rows.int64(row, 2), {}};
        }
        RegisterValue value{rows.int64(row, 3), rows.text(row, 4),
                            rows.int64(row, 5), static_cast<std::uint64_t>(rows.int64(row, 6)),
                            rows.int64(row, 7), rows.text(row, 8),
                            rows.text(row, 9)};
        state.stored_versions.push_back(value.version);
        state.current->values.push_back(std::move(value));
    }
    return registers;
}

// Applies the merge rule's plan to the register in memory: the change becomes a value
// at `version`, alone (`alone`) or beside the values the plan does not replace.
void merge_in_memory(PgRegisterState& state, const Change& change, std::int64_t version,
                     const std::vector<std::int64_t>& replaced, bool alone) {
    RegisterValue value{version,      change.replica_id,        change.seq,
                        change.hlc,   pg_greatest_seen(change), change.payload,
                        change.author};
    if (!state.current) {
        state.current = Register{change.scope, change.register_key, version, {}};
    }
    auto& values = state.current->values;
    if (alone) {
        values.clear();
    } else {
        std::erase_if(values, [&](const RegisterValue& old) {
            return std::find(replaced.begin(), replaced.end(), old.version) != replaced.end();
        });
    }
    values.push_back(std::move(value));
    state.current->version = version;
    state.changed = true;
}

// Fills in the results of the changes sent again (`again`, by index): `duplicate`
// with their first version, or `refused` again when they were refused the first time.
// A change taken earlier in the same batch answers from `results`.
void answer_again(pg::Connection& db, const std::vector<Change>& changes,
                  std::vector<ChangeResult>& results, const std::vector<bool>& taken,
                  const std::vector<std::size_t>& again) {
    if (again.empty()) {
        return;
    }
    std::map<std::pair<std::string, std::int64_t>, std::pair<std::int64_t, std::int64_t>>
        first;  // (replica, seq) -> (version, outcome)
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (taken[i]) {
            first[{changes[i].replica_id, changes[i].seq}] = {
                results[i].version, static_cast<std::int64_t>(results[i].outcome)};
        }
    }
    ArrayLiteral replicas, seqs;
    for (const auto i : again) {
        replicas.add(changes[i].replica_id);
        seqs.add(changes[i].seq);
    }
    const pg::Result rows = db.run(
        "SELECT a.replica_id, a.seq, a.version, a.outcome FROM unnest($1::text[], $2::bigint[]) "
        "AS k(replica_id, seq) JOIN applied_changes a ON a.replica_id = k.replica_id AND "
        "a.seq = k.seq",
        pg::Params().text(replicas.literal()).text(seqs.literal()));
    for (int row = 0; row < rows.rows(); ++row) {
        first.emplace(std::pair(rows.text(row, 0), rows.int64(row, 1)),
                      std::pair(rows.int64(row, 2), rows.int64(row, 3)));
    }
    for (const auto i : again) {
        const auto& change = changes[i];
        const auto found = first.find({change.replica_id, change.seq});
        if (found == first.end()) {
            fail(ErrorCode::corrupt, "the result of change " + std::to_string(change.seq) +
                                         " of replica " + change.replica_id + " is missing");
        }
        const auto [version, outcome] = found->second;
        results[i] = outcome == static_cast<std::int64_t>(ChangeOutcome::refused)
                         ? ChangeResult{change.seq, ChangeOutcome::refused, 0}
                         : ChangeResult{change.seq, ChangeOutcome::duplicate, version};
    }
}

// What a batch leaves behind, as one array per column, written by one statement.
struct PgBatchWrites {
    // register_values removed
    ArrayLiteral gone_scopes, gone_keys, gone_versions;
    // register_values added
    ArrayLiteral scopes, keys, versions, replicas, seqs, hlcs, bases, payloads, authors;
    // registers at their new version
    ArrayLiteral register_scopes, register_keys, register_versions;
    // applied_changes
    ArrayLiteral result_replicas, result_seqs, outcomes, result_versions;
    // replicas bound or advanced
    ArrayLiteral replica_ids, high_waters;
};

// The values the batch removed and added, and each register's new version.
void collect_register_writes(const std::map<PgRegisterName, PgRegisterState>& registers,
                             std::int64_t first_new_version, PgBatchWrites& out) {
    for (const auto& [name, state] : registers) {
        if (!state.changed) {
            continue;
        }
        const auto& values = state.current->values;
        for (const auto version : state.stored_versions) {
            const bool kept = std::any_of(values.begin(), values.end(), [&](const auto& value) {
                return value.version == version;
            });
            if (!kept) {
                out.gone_scopes.add(name.first);
                out.gone_keys.add(name.second);
                out.gone_versions.add(version);
            }
        }
        for (const auto& value : values) {
            if (value.version < first_new_version) {
                continue;  // stored before the batch
            }
            out.scopes.add(name.first);
            out.keys.add(name.second);
            out.versions.add(value.version);
            out.replicas.add(value.replica_id);
            out.seqs.add(value.seq);
            out.hlcs.add(static_cast<std::int64_t>(value.hlc));
            out.bases.add(value.base_version);
            out.payloads.add(value.payload);
            out.authors.add(value.author);
        }
        out.register_scopes.add(name.first);
        out.register_keys.add(name.second);
        out.register_versions.add(state.current->version);
    }
}

// The result of every change the batch took (not those sent again).
void collect_results(const std::vector<Change>& changes, const std::vector<ChangeResult>& results,
                     const std::vector<bool>& taken, PgBatchWrites& out) {
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (taken[i]) {
            out.result_replicas.add(changes[i].replica_id);
            out.result_seqs.add(results[i].seq);
            out.outcomes.add(static_cast<std::int64_t>(results[i].outcome));
            out.result_versions.add(results[i].version);
        }
    }
}

// The new replicas and those whose high water moved.
void collect_replicas(const std::map<std::string, PgReplica, std::less<>>& replicas,
                      PgBatchWrites& out) {
    for (const auto& [replica_id, replica] : replicas) {
        if (!replica.stored || replica.high_water != replica.stored_at) {
            out.replica_ids.add(replica_id);
            out.high_waters.add(replica.high_water);
        }
    }
}

// Writes the batch in one statement: its values, registers, results, replicas and
// the organisation's last version. Binds the new replicas to the device; a replica
// another device bound meanwhile (from another organisation's push, which does not
// hold this one's lock) is forbidden.
void write_batch(pg::Connection& db, std::string_view organisation_ods, std::string_view device_id,
                 const PgBatchWrites& in, std::int64_t last_version) {
    const pg::Result written = db.run(
        "WITH gone AS (DELETE FROM register_values v USING unnest($3::text[], $4::text[], "
        "$5::bigint[]) AS k(scope, register_key, version) WHERE v.organisation_ods = $1 AND "
        "v.scope = k.scope AND v.register_key = k.register_key AND v.version = k.version), "
        "added AS (INSERT INTO register_values (organisation_ods, scope, register_key, version, "
        "replica_id, seq, hlc, base_version, payload, author) SELECT $1, * FROM "
        "unnest($6::text[], $7::text[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[], "
        "$12::bigint[], $13::text[], $14::text[])), "
        "moved AS (INSERT INTO registers (organisation_ods, scope, register_key, version) "
        "SELECT $1, * FROM unnest($15::text[], $16::text[], $17::bigint[]) ON CONFLICT "
        "(organisation_ods, scope, register_key) DO UPDATE SET version = excluded.version), "
        "applied AS (INSERT INTO applied_changes (replica_id, seq, outcome, version) SELECT * "
        "FROM unnest($18::text[], $19::bigint[], $20::integer[], $21::bigint[])), "
        "counted AS (UPDATE organisation_versions SET last_version = $24 WHERE "
        "organisation_ods = $1 AND last_version < $24), "
        "bound AS (INSERT INTO replicas (replica_id, device_id, organisation_ods, high_water) "
        "SELECT k.replica_id, $2, $1, k.high_water FROM unnest($22::text[], $23::bigint[]) AS "
        "k(replica_id, high_water) ON CONFLICT (replica_id) DO UPDATE SET high_water = "
        "excluded.high_water WHERE replicas.device_id = excluded.device_id RETURNING 1) "
        "SELECT count(*) FROM bound",
        pg::Params()
            .text(organisation_ods)
            .text(device_id)
            .text(in.gone_scopes.literal())
            .text(in.gone_keys.literal())
            .text(in.gone_versions.literal())
            .text(in.scopes.literal())
            .text(in.keys.literal())
            .text(in.versions.literal())
            .text(in.replicas.literal())
            .text(in.seqs.literal())
            .text(in.hlcs.literal())
            .text(in.bases.literal())
            .text(in.payloads.literal())
            .text(in.authors.literal())
            .text(in.register_scopes.literal())
            .text(in.register_keys.literal())
            .text(in.register_versions.literal())
            .text(in.result_replicas.literal())
            .text(in.result_seqs.literal())
            .text(in.outcomes.literal())
            .text(in.result_versions.literal())
            .text(in.replica_ids.literal())
            .text(in.high_waters.literal())
            .int64(last_version));
    if (written.int64(0, 0) != static_cast<std::int64_t>(in.replica_ids.size())) {
        const pg::Result other = db.run(
            "SELECT replica_id FROM replicas WHERE replica_id = ANY($1::text[]) AND "
            "device_id <> $2 ORDER BY replica_id LIMIT 1",
            pg::Params().text(in.replica_ids.literal()).text(device_id));
        fail(ErrorCode::forbidden,
             "replica " + (other.empty() ? "" : other.text(0, 0)) + " belongs to another device");
    }
}

// One push, inside its transaction; throws, having written part of it, when the
// batch is refused (the transaction rolls back).
std::vector<ChangeResult> apply_batch(pg::Connection& db, std::string_view organisation_ods,
                                      std::string_view device_id,
                                      const std::vector<Change>& changes) {
    const std::int64_t first_version = lock_version_counter(db, organisation_ods) + 1;
    if (changes.empty()) {
        return {};
    }
    std::int64_t next_version = first_version;
    const auto bound = lock_replicas(db, changes);
    auto registers = read_registers(db, organisation_ods, changes);
    std::map<std::string, PgReplica, std::less<>> replicas;
    std::vector<ChangeResult> results(changes.size());
    std::vector<bool> taken(changes.size(), false);
    std::vector<std::size_t> again;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const auto& change = changes[i];
        auto it = replicas.find(change.replica_id);
        if (it == replicas.end()) {
            PgReplica replica;
            if (const auto row = bound.find(change.replica_id); row != bound.end()) {
                if (row->second.first != device_id) {
                    fail(ErrorCode::forbidden,
                         "replica " + change.replica_id + " belongs to another device");
                }
                replica = {true, row->second.second, row->second.second};
            }
            it = replicas.emplace(change.replica_id, replica).first;
        }
        auto& high_water = it->second.high_water;
        if (change.seq <= high_water) {
            again.push_back(i);
            continue;
        }
        if (change.seq != high_water + 1) {
            fail(ErrorCode::invalid_argument,
                 "changes of replica " + change.replica_id + " must arrive in order: expected " +
                     std::to_string(high_water + 1) + ", got " + std::to_string(change.seq));
        }
        high_water = change.seq;
        taken[i] = true;
        if (change.refused) {
            // Its seq is taken, so the replica's next changes follow it.
            results[i] = {change.seq, ChangeOutcome::refused, 0};
            continue;
        }
        auto& state = registers.at(PgRegisterName(change.scope, change.register_key));
        ChangeResult result{change.seq, ChangeOutcome::accepted, 0};
        const auto plan = decide_merge(state.current, change);
        switch (plan.decision) {
            case MergeDecision::replace:
                result.version = next_version++;
                merge_in_memory(state, change, result.version, plan.replaced, true);
                break;
            case MergeDecision::unchanged:
                result.outcome = ChangeOutcome::unchanged;
                result.version = state.current->version;
                break;
            case MergeDecision::add_sibling:
                result.outcome = ChangeOutcome::conflict;
                result.version = next_version++;
                merge_in_memory(state, change, result.version, plan.replaced, false);
                break;
        }
        results[i] = result;
    }
    answer_again(db, changes, results, taken, again);
    PgBatchWrites writes;
    collect_register_writes(registers, first_version, writes);
    collect_results(changes, results, taken, writes);
    collect_replicas(replicas, writes);
    // A batch sent again as a whole takes nothing and writes nothing.
    if (!writes.result_replicas.empty()) {
        write_batch(db, organisation_ods, device_id, writes, next_version - 1);
    }
    return results;
}

}  // namespace

std::vector<ChangeResult> PgRepository::apply_changes(std::string_view organisation_ods,
                                                      std::string_view device_id,
                                                      const std::vector<Change>& changes) {
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        return apply_batch(db, organisation_ods, device_id, changes);
    });
}

RegisterPage PgRepository::registers_since(std::string_view organisation_ods,
                                           const std::vector<std::string>& scopes,
                                           std::int64_t since, std::size_t limit) const {
    RegisterPage page;
    page.next_cursor = since;
    if (scopes.empty() || limit == 0) {
        return page;
    }
    ArrayLiteral scope_list;
    for (const auto& scope : scopes) {
        scope_list.add(scope);
    }
    // One more than asked for says whether there is more.
    const auto wanted = static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max() - 1) + 1);
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        const pg::Result rows = db.run(
            "WITH page AS (SELECT scope, register_key, version FROM registers WHERE "
            "organisation_ods = $1 AND version > $2 AND scope = ANY($3::text[]) ORDER BY "
            "version LIMIT $4) "
            "SELECT p.scope, p.register_key, p.version, v.version, v.replica_id, v.seq, v.hlc, "
            "v.base_version, v.payload, v.author FROM page p LEFT JOIN register_values v ON "
            "v.organisation_ods = $1 AND v.scope = p.scope AND v.register_key = p.register_key "
            "ORDER BY p.version, v.version",
            pg::Params()
                .text(organisation_ods)
                .int64(since)
                .text(scope_list.literal())
                .int64(wanted));
        RegisterPage result;
        result.next_cursor = since;
        for (int row = 0; row < rows.rows(); ++row) {
            const std::int64_t version = rows.int64(row, 2);
            if (result.registers.empty() || result.registers.back().version != version) {
                if (result.registers.size() == limit) {
                    result.more = true;
                    break;
                }
                result.registers.push_back(
                    Register{rows.text(row, 0), rows.text(row, 1), version, {}});
                result.next_cursor = version;
            }
            if (!rows.is_null(row, 3)) {
                result.registers.back().values.push_back(
                    {rows.int64(row, 3), rows.text(row, 4), rows.int64(row, 5),
                     static_cast<std::uint64_t>(rows.int64(row, 6)), rows.int64(row, 7),
                     rows.text(row, 8), rows.text(row, 9)});
            }
        }
        return result;
    });
}

std::optional<std::int64_t> PgRepository::replica_high_water(std::string_view replica_id,
                                                             std::string_view device_id) const {
    return pg::in_transaction(
        *pool_, pg::Access::read, [&](pg::Connection& db) -> std::optional<std::int64_t> {
            const pg::Result row =
                db.run("SELECT high_water FROM replicas WHERE replica_id = $1 AND device_id = $2",
                       pg::Params().text(replica_id).text(device_id));
            if (row.empty()) {
                return std::nullopt;
            }
            return row.int64(0, 0);
        });
}

std::map<std::string, std::string> PgRepository::replica_device_names(
    std::string_view organisation_ods, const std::vector<std::string>& replica_ids) const {
    if (replica_ids.empty()) {
        return {};
    }
    ArrayLiteral ids;
    for (const auto& replica_id : replica_ids) {
        ids.add(replica_id);
    }
    return pg::in_transaction(
        *pool_, pg::Access::read, [&](pg::Connection& db) -> std::map<std::string, std::string> {
            const pg::Result rows = db.run(
                "SELECT r.replica_id, d.name FROM replicas r JOIN devices d ON d.id = "
                "r.device_id WHERE r.organisation_ods = $1 AND r.replica_id = ANY($2::text[])",
                pg::Params().text(organisation_ods).text(ids.literal()));
            std::map<std::string, std::string> names;
            for (int row = 0; row < rows.rows(); ++row) {
                names.insert_or_assign(rows.text(row, 0), rows.text(row, 1));
            }
            return names;
        });
}

}  // namespace dspt::server::store
