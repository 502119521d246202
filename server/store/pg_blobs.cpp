// PgRepository: the sealed chunks of evidence files, a bytea row of about 1 MiB each.
//
// Locks. A chunk written under a quota locks its organisation's row (FOR NO KEY
// UPDATE, which foreign keys and other writers' reads do not wait for), so two
// uploads of one organisation, from any process, cannot both pass the check on the
// same free room. A chunk's file row is locked (FOR SHARE) before the chunk is
// written, and a collection locks the files it removes (FOR UPDATE) before their
// chunks, so the two never wait for each other in a circle; a collection also holds
// its organisations' change counters, so no push that names a file commits between
// its check and its removal.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

// Who holds the file; with `lock`, its row stays locked FOR SHARE until the end of
// the transaction, so it cannot be removed meanwhile.
std::optional<BlobOwner> select_blob_owner(pg::Connection& db, std::string_view evidence_id,
                                           bool lock) {
    const pg::Result row =
        db.run(std::string("SELECT organisation_ods, scope FROM blobs WHERE evidence_id = $1") +
                   (lock ? " FOR SHARE" : ""),
               pg::Params().text(evidence_id));
    if (row.empty()) {
        return std::nullopt;
    }
    return BlobOwner{row.text(0, 0), row.text(0, 1)};
}

// Throws limit_exceeded unless the organisation's chunks, with chunk `index` of the
// file replaced by `size` bytes, fit in `quota_bytes`. Locks the organisation's row,
// so that the room it counts stays free until the transaction ends.
void check_blob_quota(pg::Connection& db, const BlobOwner& owner, std::string_view evidence_id,
                      std::uint32_t index, std::uint64_t size, std::uint64_t quota_bytes) {
    db.run("SELECT 1 FROM organisations WHERE ods = $1 FOR NO KEY UPDATE",
           pg::Params().text(owner.organisation_ods));
    const pg::Result held = db.run(
        "SELECT (SELECT COALESCE(SUM(octet_length(c.data)), 0) FROM blobs b JOIN blob_chunks c "
        "ON c.evidence_id = b.evidence_id WHERE b.organisation_ods = $1), "
        "(SELECT COALESCE(SUM(octet_length(data)), 0) FROM blob_chunks WHERE evidence_id = $2 "
        "AND idx = $3)",
        pg::Params().text(owner.organisation_ods).text(evidence_id).int64(index));
    const auto used = static_cast<std::uint64_t>(held.int64(0, 0));
    const auto replaced = static_cast<std::uint64_t>(held.int64(0, 1));
    if (used - replaced + size > quota_bytes) {
        constexpr std::uint64_t kMiB = 1024 * 1024;
        fail(ErrorCode::limit_exceeded,
             "the organisation's evidence storage on the server is full (" +
                 std::to_string(used / kMiB) + " MiB of " + std::to_string(quota_bytes / kMiB) +
                 " MiB): remove evidence files no longer needed, or ask the server's operator "
                 "for more room");
    }
}

// Whether a register value keeps its evidence file: any value but a removal
// ({"deleted": true}); a value that is not JSON keeps it too.
bool value_keeps_file(std::string_view payload) {
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return true;
    }
    const auto deleted = json.find("deleted");
    if (deleted == json.end()) {
        return true;
    }
    if (deleted->is_boolean()) {
        return !deleted->get<bool>();
    }
    return !(deleted->is_number() && deleted->get<double>() == 1.0);
}

// The files claimed before `before_ms` that no live evidence register of their
// organisation names ("<year>/evidence/<id>" in any scope), by id with their
// organisation; with `among`, only files of those ids.
std::map<std::string, std::string> unreferenced_files(pg::Connection& db, std::int64_t before_ms,
                                                      const pg_rows::ArrayLiteral* among) {
    std::string sql =
        "SELECT b.evidence_id, b.organisation_ods, v.payload FROM blobs b LEFT JOIN "
        "register_values v ON v.organisation_ods = b.organisation_ods AND v.register_key LIKE "
        "'%/evidence/' || b.evidence_id WHERE b.created_at < $1";
    pg::Params params;
    params.int64(before_ms);
    if (among != nullptr) {
        sql += " AND b.evidence_id = ANY($2::text[])";
        params.text(among->literal());
    }
    const pg::Result rows = db.run(sql, params);
    std::map<std::string, std::string> files;
    std::set<std::string> kept;
    for (int row = 0; row < rows.rows(); ++row) {
        const std::string evidence_id = rows.text(row, 0);
        if (!rows.is_null(row, 2) && value_keeps_file(rows.view(row, 2))) {
            kept.insert(evidence_id);
        } else {
            files.emplace(evidence_id, rows.text(row, 1));
        }
    }
    std::erase_if(files, [&](const auto& file) { return kept.contains(file.first); });
    return files;
}

}  // namespace

std::vector<StorageUse> PgRepository::storage_use() const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        const pg::Result rows = db.run(
            "SELECT b.organisation_ods, COUNT(DISTINCT b.evidence_id), "
            "COALESCE(SUM(octet_length(c.data)), 0) FROM blobs b LEFT JOIN blob_chunks c ON "
            "c.evidence_id = b.evidence_id GROUP BY b.organisation_ods ORDER BY "
            "b.organisation_ods");
        std::vector<StorageUse> use;
        for (int row = 0; row < rows.rows(); ++row) {
            use.push_back({rows.text(row, 0), static_cast<std::uint64_t>(rows.int64(row, 1)),
                           static_cast<std::uint64_t>(rows.int64(row, 2))});
        }
        return use;
    });
}

StorageUse PgRepository::collect_unreferenced_blobs(std::int64_t before_ms) {
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        StorageUse removed;
        // Found without locks, since it reads every old file...
        const auto candidates = unreferenced_files(db, before_ms, nullptr);
        if (candidates.empty()) {
            return removed;
        }
        std::set<std::string> organisations;
        pg_rows::ArrayLiteral ids;
        for (const auto& [evidence_id, organisation_ods] : candidates) {
            ids.add(evidence_id);
            organisations.insert(organisation_ods);
        }
        pg_rows::ArrayLiteral counters;
        for (const auto& organisation_ods : organisations) {
            counters.add(organisation_ods);
        }
        // ...then checked again holding their organisations' change counters, taken
        // in one order by every collector: a push naming one of the files waits until
        // this ends, and one that committed before is seen.
        db.run(
            "INSERT INTO organisation_versions (organisation_ods, last_version) SELECT o, 0 FROM "
            "unnest($1::text[]) AS o ON CONFLICT (organisation_ods) DO NOTHING",
            pg::Params().text(counters.literal()));
        db.run(
            "SELECT 1 FROM organisation_versions WHERE organisation_ods = ANY($1::text[]) ORDER "
            "BY organisation_ods FOR UPDATE",
            pg::Params().text(counters.literal()));
        pg_rows::ArrayLiteral still;
        for (const auto& file : unreferenced_files(db, before_ms, &ids)) {
            still.add(file.first);
        }
        if (still.empty()) {
            return removed;
        }
        // Locked before their chunks, as a chunk upload locks them, and measured now
        // that no upload can change them.
        const pg::Result locked = db.run(
            "SELECT b.evidence_id, (SELECT COALESCE(SUM(octet_length(c.data)), 0) FROM "
            "blob_chunks c WHERE c.evidence_id = b.evidence_id) FROM blobs b WHERE "
            "b.evidence_id = ANY($1::text[]) ORDER BY b.evidence_id FOR UPDATE OF b",
            pg::Params().text(still.literal()));
        pg_rows::ArrayLiteral going;
        for (int row = 0; row < locked.rows(); ++row) {
            going.add(locked.view(row, 0));
            ++removed.files;
            removed.bytes += static_cast<std::uint64_t>(locked.int64(row, 1));
        }
        if (going.empty()) {
            return removed;
        }
        db.run("DELETE FROM blob_chunks WHERE evidence_id = ANY($1::text[])",
               pg::Params().text(going.literal()));
        db.run("DELETE FROM blobs WHERE evidence_id = ANY($1::text[])",
               pg::Params().text(going.literal()));
        return removed;
    });
}

std::optional<BlobOwner> PgRepository::find_blob(std::string_view evidence_id) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return select_blob_owner(db, evidence_id, false);
    });
}

void PgRepository::put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner,
                                  std::uint32_t index, crypto::ByteView sealed, std::int64_t at_ms,
                                  std::uint64_t quota_bytes) {
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        if (quota_bytes > 0) {
            check_blob_quota(db, owner, evidence_id, index, sealed.size(), quota_bytes);
        }
        auto existing = select_blob_owner(db, evidence_id, true);
        if (!existing) {
            pg_rows::require_organisation(db, owner.organisation_ods);
            // A concurrent first chunk may claim it first: then that claim holds.
            db.run(
                "INSERT INTO blobs (evidence_id, organisation_ods, scope, created_at) VALUES "
                "($1, $2, $3, $4) ON CONFLICT (evidence_id) DO NOTHING",
                pg::Params()
                    .text(evidence_id)
                    .text(owner.organisation_ods)
                    .text(owner.scope)
                    .int64(at_ms));
            existing = select_blob_owner(db, evidence_id, true);
        }
        if (!existing || *existing != owner) {
            fail(ErrorCode::forbidden,
                 "evidence file " + std::string(evidence_id) + " belongs to another site");
        }
        db.run(
            "INSERT INTO blob_chunks (evidence_id, idx, data) VALUES ($1, $2, $3) ON CONFLICT "
            "(evidence_id, idx) DO UPDATE SET data = excluded.data",
            pg::Params().text(evidence_id).int64(index).bytes(sealed));
    });
}

std::vector<std::uint32_t> PgRepository::blob_chunks_held(std::string_view evidence_id) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        const pg::Result rows =
            db.run("SELECT idx FROM blob_chunks WHERE evidence_id = $1 ORDER BY idx",
                   pg::Params().text(evidence_id));
        std::vector<std::uint32_t> held;
        held.reserve(static_cast<std::size_t>(rows.rows()));
        for (int row = 0; row < rows.rows(); ++row) {
            held.push_back(static_cast<std::uint32_t>(rows.int64(row, 0)));
        }
        return held;
    });
}

std::optional<crypto::Bytes> PgRepository::blob_chunk(std::string_view evidence_id,
                                                      std::uint32_t index) const {
    return pg::in_transaction(
        *pool_, pg::Access::read, [&](pg::Connection& db) -> std::optional<crypto::Bytes> {
            const pg::Result row =
                db.run("SELECT data FROM blob_chunks WHERE evidence_id = $1 AND idx = $2",
                       pg::Params().text(evidence_id).int64(index));
            if (row.empty()) {
                return std::nullopt;
            }
            return row.bytes(0, 0);
        });
}

}  // namespace dspt::server::store
