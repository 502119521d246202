// SqliteRepository: the sealed chunks of evidence files.

#include <algorithm>
#include <set>

#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

std::optional<BlobOwner> select_owner(sqlite::Database& db, std::string_view evidence_id) {
    sqlite::Statement select(db,
                             "SELECT organisation_ods, scope FROM blobs WHERE evidence_id = ?1");
    select.bind(1, evidence_id);
    if (!select.step()) {
        return std::nullopt;
    }
    return BlobOwner{select.column_text(0), select.column_text(1)};
}

// The sealed chunk bytes of the file claimed in `blobs b`: those in files
// (chunk_files) and those in the table (blob_chunks, written before schema step 15 or
// restored from a backup).
constexpr const char* kFileBytes =
    "(SELECT COALESCE(SUM(length(c.data)), 0) FROM blob_chunks c "
    "WHERE c.evidence_id = b.evidence_id) + "
    "(SELECT COALESCE(SUM(f.bytes), 0) FROM chunk_files f WHERE f.evidence_id = b.evidence_id)";

// Sealed chunk bytes the organisation's files hold.
std::uint64_t bytes_held(sqlite::Database& db, std::string_view organisation_ods) {
    sqlite::Statement sum(db, std::string("SELECT COALESCE(SUM(") + kFileBytes +
                                  "), 0) FROM blobs b WHERE b.organisation_ods = ?1");
    sum.bind(1, organisation_ods);
    sum.step();
    return static_cast<std::uint64_t>(sum.column_int64(0));
}

// Where chunk `index` of a file is held, if anywhere.
struct HeldChunk {
    std::uint64_t bytes = 0;
    std::optional<std::string> file;  // its name in EvidenceFiles; nullopt: in blob_chunks
};

std::optional<HeldChunk> find_chunk(sqlite::Database& db, std::string_view evidence_id,
                                    std::uint32_t index) {
    sqlite::Statement file(
        db, "SELECT bytes, name FROM chunk_files WHERE evidence_id = ?1 AND idx = ?2");
    file.bind(1, evidence_id);
    file.bind(2, static_cast<std::int64_t>(index));
    if (file.step()) {
        return HeldChunk{static_cast<std::uint64_t>(file.column_int64(0)), file.column_text(1)};
    }
    sqlite::Statement row(
        db, "SELECT length(data) FROM blob_chunks WHERE evidence_id = ?1 AND idx = ?2");
    row.bind(1, evidence_id);
    row.bind(2, static_cast<std::int64_t>(index));
    if (row.step()) {
        return HeldChunk{static_cast<std::uint64_t>(row.column_int64(0)), std::nullopt};
    }
    return std::nullopt;
}

// The organisation's chunk bytes, from the writer's tally (ChunkTally), summed from
// the tables when the tally does not hold them or may be out of date.
std::uint64_t& tallied_bytes(sqlite::Database& db, ChunkTally& tally,
                             std::string_view organisation_ods) {
    sqlite::Statement version(db, "PRAGMA data_version");
    version.step();
    const auto data_version = version.column_int64(0);
    if (tally.stale.exchange(false) || data_version != tally.data_version) {
        tally.bytes.clear();
        tally.data_version = data_version;
    }
    auto held = tally.bytes.find(organisation_ods);
    if (held == tally.bytes.end()) {
        held = tally.bytes.emplace(std::string(organisation_ods), bytes_held(db, organisation_ods))
                   .first;
    }
    return held->second;
}

// The files no live evidence register of their organisation names ("<year>/
// evidence/<id>" in any scope, with a value that is not a removal), among those
// claimed before ?1.
constexpr const char* kUnreferenced = R"sql(
    SELECT b.evidence_id, b.organisation_ods,
           (SELECT COALESCE(SUM(length(c.data)), 0) FROM blob_chunks c
             WHERE c.evidence_id = b.evidence_id) +
           (SELECT COALESCE(SUM(f.bytes), 0) FROM chunk_files f
             WHERE f.evidence_id = b.evidence_id)
      FROM blobs b
     WHERE b.created_at < ?1
       AND NOT EXISTS (
           SELECT 1 FROM register_values v
            WHERE v.organisation_ods = b.organisation_ods
              AND v.register_key LIKE '%/evidence/' || b.evidence_id
              AND NOT (json_valid(v.payload)
                       AND COALESCE(json_extract(v.payload, '$.deleted'), 0) = 1))
)sql";

// A chunk file left by a write whose row never committed is removed only once it
// is this old, whatever collection's grace: a chunk being stored now has its file
// written, and not yet its row.
constexpr std::int64_t kStrayFileAgeMs = 10 * 60 * 1000;

}  // namespace

std::vector<StorageUse> SqliteRepository::storage_use() const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(reader.db, std::string("SELECT b.organisation_ods, COUNT(*), "
                                                        "COALESCE(SUM(") +
                                                kFileBytes +
                                                "), 0) FROM blobs b GROUP BY b.organisation_ods "
                                                "ORDER BY b.organisation_ods");
        std::vector<StorageUse> use;
        while (select.step()) {
            use.push_back({select.column_text(0),
                           static_cast<std::uint64_t>(select.column_int64(1)),
                           static_cast<std::uint64_t>(select.column_int64(2))});
        }
        return use;
    });
}

StorageUse SqliteRepository::collect_unreferenced_blobs(std::int64_t before_ms) {
    std::vector<std::string> files;            // removed from the store
    std::set<std::string, std::less<>> named;  // every file a row still names
    const auto collected = write([&](Writer& writer) {
        auto& db = writer.db;
        std::vector<std::string> ids;
        StorageUse removed;
        {
            sqlite::Statement select(db, kUnreferenced);
            select.bind(1, before_ms);
            while (select.step()) {
                ids.push_back(select.column_text(0));
                ++removed.files;
                removed.bytes += static_cast<std::uint64_t>(select.column_int64(2));
            }
        }
        writer.chunk_tally.bytes.clear();
        sqlite::Statement names(db, "SELECT name FROM chunk_files WHERE evidence_id = ?1");
        sqlite::Statement chunks(db, "DELETE FROM blob_chunks WHERE evidence_id = ?1");
        sqlite::Statement file_rows(db, "DELETE FROM chunk_files WHERE evidence_id = ?1");
        sqlite::Statement claim(db, "DELETE FROM blobs WHERE evidence_id = ?1");
        for (const auto& id : ids) {
            names.reset();
            names.bind(1, id);
            while (names.step()) {
                files.push_back(names.column_text(0));
            }
            for (auto* statement : {&chunks, &file_rows, &claim}) {
                statement->reset();
                statement->bind(1, id);
                statement->execute();
            }
        }
        sqlite::Statement all(db, "SELECT name FROM chunk_files");
        while (all.step()) {
            named.insert(all.column_text(0));
        }
        return removed;
    });
    // The rows are gone: a reader that still found one finds no file, and answers as
    // for a chunk never sent.
    for (const auto& name : files) {
        evidence_files_->remove(name);
    }
    evidence_files_->sweep(
        named, std::min(before_ms,
                        static_cast<std::int64_t>(HybridClock::system_millis()) - kStrayFileAgeMs));
    return collected;
}

std::optional<BlobOwner> SqliteRepository::find_blob(std::string_view evidence_id) const {
    return read(false, [&](Reader& reader) { return select_owner(reader.db, evidence_id); });
}

void SqliteRepository::put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner,
                                      std::uint32_t index, crypto::ByteView sealed,
                                      std::int64_t at_ms, std::uint64_t quota_bytes) {
    // The file first, outside the write lock, and on disk before the row that names
    // it commits (EvidenceFiles, "Durability").
    const auto name = evidence_files_->write(evidence_id, index, sealed);
    std::optional<std::string> replaced_file;
    bool tallied = false;  // the writer's tally counts this chunk, committed or not
    try {
        write([&](Writer& writer) {
            auto& db = writer.db;
            const auto existing = select_owner(db, evidence_id);
            const auto replaced = find_chunk(db, evidence_id, index);
            std::uint64_t* held = nullptr;
            std::uint64_t held_after = 0;
            if (quota_bytes > 0) {
                held = &tallied_bytes(db, writer.chunk_tally, owner.organisation_ods);
                const auto used = *held;
                held_after = used - (replaced ? replaced->bytes : 0) + sealed.size();
                if (held_after > quota_bytes) {
                    constexpr std::uint64_t kMiB = 1024 * 1024;
                    fail(ErrorCode::limit_exceeded,
                         "the organisation's evidence storage on the server is full (" +
                             std::to_string(used / kMiB) + " MiB of " +
                             std::to_string(quota_bytes / kMiB) +
                             " MiB): remove evidence files no longer needed, or ask the server's "
                             "operator for more room");
                }
            } else if (const auto tally = writer.chunk_tally.bytes.find(owner.organisation_ods);
                       tally != writer.chunk_tally.bytes.end()) {
                writer.chunk_tally.bytes.erase(tally);  // summed again when a quota asks
            }
            if (!existing) {
                rows::require_organisation(db, owner.organisation_ods);
                sqlite::Statement claim(db,
                                        "INSERT INTO blobs (evidence_id, organisation_ods, scope, "
                                        "created_at) VALUES (?1, ?2, ?3, ?4)");
                claim.bind(1, evidence_id);
                claim.bind(2, owner.organisation_ods);
                claim.bind(3, owner.scope);
                claim.bind(4, at_ms);
                claim.execute();
            } else if (*existing != owner) {
                fail(ErrorCode::forbidden,
                     "evidence file " + std::string(evidence_id) + " belongs to another site");
            }
            if (replaced && !replaced->file) {
                sqlite::Statement remove(
                    db, "DELETE FROM blob_chunks WHERE evidence_id = ?1 AND idx = ?2");
                remove.bind(1, evidence_id);
                remove.bind(2, static_cast<std::int64_t>(index));
                remove.execute();
            }
            sqlite::Statement put(db,
                                  "INSERT INTO chunk_files (evidence_id, idx, bytes, name) VALUES "
                                  "(?1, ?2, ?3, ?4) ON CONFLICT (evidence_id, idx) DO UPDATE SET "
                                  "bytes = excluded.bytes, name = excluded.name");
            put.bind(1, evidence_id);
            put.bind(2, static_cast<std::int64_t>(index));
            put.bind(3, static_cast<std::int64_t>(sealed.size()));
            put.bind(4, name);
            put.execute();
            if (held != nullptr) {
                *held = held_after;
                tallied = true;
            }
            if (replaced) {
                replaced_file = replaced->file;
            }
        });
    } catch (...) {
        if (tallied) {
            writer_->chunk_tally.stale = true;  // counted a chunk the store does not hold
        }
        evidence_files_->remove(name);
        throw;
    }
    if (replaced_file) {
        evidence_files_->remove(*replaced_file);
    }
}

std::vector<std::uint32_t> SqliteRepository::blob_chunks_held(std::string_view evidence_id) const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(reader.db,
                                 "SELECT idx FROM chunk_files WHERE evidence_id = ?1 UNION "
                                 "SELECT idx FROM blob_chunks WHERE evidence_id = ?1 ORDER BY 1");
        select.bind(1, evidence_id);
        std::vector<std::uint32_t> held;
        while (select.step()) {
            held.push_back(static_cast<std::uint32_t>(select.column_int64(0)));
        }
        return held;
    });
}

std::optional<crypto::Bytes> SqliteRepository::blob_chunk(std::string_view evidence_id,
                                                          std::uint32_t index) const {
    // A file can be replaced (the chunk sent again) or collected between reading its
    // row and opening it: the row is read again once, and a chunk still without a
    // file is one the server no longer holds.
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::optional<crypto::Bytes> in_table;
        const auto held = read(false, [&](Reader& reader) -> std::optional<HeldChunk> {
            auto chunk = find_chunk(reader.db, evidence_id, index);
            if (chunk && !chunk->file) {
                sqlite::Statement select(
                    reader.db, "SELECT data FROM blob_chunks WHERE evidence_id = ?1 AND idx = ?2");
                select.bind(1, evidence_id);
                select.bind(2, static_cast<std::int64_t>(index));
                if (!select.step()) {
                    return std::nullopt;
                }
                in_table = select.column_blob(0);
            }
            return chunk;
        });
        if (!held || in_table) {
            return in_table;
        }
        if (auto bytes = evidence_files_->read(*held->file, held->bytes)) {
            return bytes;
        }
    }
    return std::nullopt;
}

}  // namespace dspt::server::store
