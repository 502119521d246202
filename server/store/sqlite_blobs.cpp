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

}  // namespace

std::optional<BlobOwner> SqliteRepository::find_blob(std::string_view evidence_id) const {
    return read(false, [&](Reader& reader) { return select_owner(reader.db, evidence_id); });
}

void SqliteRepository::put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner,
                                      std::uint32_t index, crypto::ByteView sealed,
                                      std::int64_t at_ms) {
    write([&](Writer& writer) {
        auto& db = writer.db;
        const auto existing = select_owner(db, evidence_id);
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
                              "INSERT INTO blob_chunks (evidence_id, idx, data) VALUES (?1, ?2, "
                              "?3) ON CONFLICT (evidence_id, idx) DO UPDATE SET data = "
                              "excluded.data");
        put.bind(1, evidence_id);
        put.bind(2, static_cast<std::int64_t>(index));
        put.bind(3, sqlite::Blob(sealed.data(), sealed.size()));
        put.execute();
    });
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
