// SqliteRepository: the sealed chunks of evidence files.

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

// Sealed chunk bytes the organisation's files hold.
std::uint64_t bytes_held(sqlite::Database& db, std::string_view organisation_ods) {
    sqlite::Statement sum(db,
                          "SELECT COALESCE(SUM(length(c.data)), 0) FROM blobs b JOIN blob_chunks c "
                          "ON c.evidence_id = b.evidence_id WHERE b.organisation_ods = ?1");
    sum.bind(1, organisation_ods);
    sum.step();
    return static_cast<std::uint64_t>(sum.column_int64(0));
}

std::uint64_t chunk_bytes(sqlite::Database& db, std::string_view evidence_id, std::uint32_t index) {
    sqlite::Statement size(
        db, "SELECT length(data) FROM blob_chunks WHERE evidence_id = ?1 AND idx = ?2");
    size.bind(1, evidence_id);
    size.bind(2, static_cast<std::int64_t>(index));
    return size.step() ? static_cast<std::uint64_t>(size.column_int64(0)) : 0;
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
             WHERE c.evidence_id = b.evidence_id)
      FROM blobs b
     WHERE b.created_at < ?1
       AND NOT EXISTS (
           SELECT 1 FROM register_values v
            WHERE v.organisation_ods = b.organisation_ods
              AND v.register_key LIKE '%/evidence/' || b.evidence_id
              AND NOT (json_valid(v.payload)
                       AND COALESCE(json_extract(v.payload, '$.deleted'), 0) = 1))
)sql";

}  // namespace

std::vector<StorageUse> SqliteRepository::storage_use() const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(
            reader.db,
            "SELECT b.organisation_ods, COUNT(DISTINCT b.evidence_id), "
            "COALESCE(SUM(length(c.data)), 0) FROM blobs b LEFT JOIN blob_chunks c ON "
            "c.evidence_id = b.evidence_id GROUP BY b.organisation_ods ORDER BY "
            "b.organisation_ods");
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
    return write([&](Writer& writer) {
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
        sqlite::Statement chunks(db, "DELETE FROM blob_chunks WHERE evidence_id = ?1");
        sqlite::Statement claim(db, "DELETE FROM blobs WHERE evidence_id = ?1");
        for (const auto& id : ids) {
            for (auto* statement : {&chunks, &claim}) {
                statement->reset();
                statement->bind(1, id);
                statement->execute();
            }
        }
        return removed;
    });
}

std::optional<BlobOwner> SqliteRepository::find_blob(std::string_view evidence_id) const {
    return read(false, [&](Reader& reader) { return select_owner(reader.db, evidence_id); });
}

void SqliteRepository::put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner,
                                      std::uint32_t index, crypto::ByteView sealed,
                                      std::int64_t at_ms, std::uint64_t quota_bytes) {
    bool tallied = false;  // the writer's tally counts this chunk, committed or not
    try {
        write([&](Writer& writer) {
            auto& db = writer.db;
            const auto existing = select_owner(db, evidence_id);
            std::uint64_t* held = nullptr;
            std::uint64_t held_after = 0;
            if (quota_bytes > 0) {
                held = &tallied_bytes(db, writer.chunk_tally, owner.organisation_ods);
                const auto used = *held;
                const auto replaced = chunk_bytes(db, evidence_id, index);
                held_after = used - replaced + sealed.size();
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
            sqlite::Statement put(db,
                                  "INSERT INTO blob_chunks (evidence_id, idx, data) VALUES (?1, "
                                  "?2, ?3) ON CONFLICT (evidence_id, idx) DO UPDATE SET data = "
                                  "excluded.data");
            put.bind(1, evidence_id);
            put.bind(2, static_cast<std::int64_t>(index));
            put.bind_unowned(3, sqlite::Blob(sealed.data(), sealed.size()));
            put.execute();
            if (held != nullptr) {
                *held = held_after;
                tallied = true;
            }
        });
    } catch (...) {
        if (tallied) {
            writer_->chunk_tally.stale = true;  // counted a chunk the store does not hold
        }
        throw;
    }
}

std::vector<std::uint32_t> SqliteRepository::blob_chunks_held(std::string_view evidence_id) const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(reader.db,
                                 "SELECT idx FROM blob_chunks WHERE evidence_id = ?1 ORDER BY idx");
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
    return read(false, [&](Reader& reader) -> std::optional<crypto::Bytes> {
        sqlite::Statement select(
            reader.db, "SELECT data FROM blob_chunks WHERE evidence_id = ?1 AND idx = ?2");
        select.bind(1, evidence_id);
        select.bind(2, static_cast<std::int64_t>(index));
        if (!select.step()) {
            return std::nullopt;
        }
        return select.column_blob(0);
    });
}

}  // namespace dspt::server::store
