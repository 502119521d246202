#include "client/store/evidence_transfer.hpp"

#include "client/store/evidence_format.hpp"
#include "client/store/local_store.hpp"
#include "common/crypto/aead.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/error.hpp"
#include "common/sqlite/blob_reader.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::client {

namespace fmt = evidence_format;

namespace {

std::vector<EvidenceFile> files_in(LocalStore& store, EvidenceTransfer transfer) {
    sqlite::Statement select(store.database(),
                             "SELECT id FROM evidence WHERE transfer = ?1 ORDER BY added_at, id");
    select.bind(1, static_cast<std::int64_t>(transfer));
    std::vector<std::string> ids;
    while (select.step()) {
        ids.push_back(select.column_text(0));
    }
    std::vector<EvidenceFile> files;
    for (const auto& id : ids) {
        files.push_back(store.evidence().find(id));
    }
    return files;
}

}  // namespace

std::vector<EvidenceFile> EvidenceTransfers::uploads_pending() {
    return files_in(store_, EvidenceTransfer::to_upload);
}

std::uint64_t EvidenceTransfers::upload_bytes_pending() {
    sqlite::Statement sum(store_.database(),
                          "SELECT COALESCE(SUM(size), 0) FROM evidence WHERE transfer = ?1");
    sum.bind(1, static_cast<std::int64_t>(EvidenceTransfer::to_upload));
    sum.step();
    return static_cast<std::uint64_t>(sum.column_int64(0));
}

std::int64_t EvidenceTransfers::oldest_upload_added_at_ms() {
    sqlite::Statement oldest(store_.database(),
                             "SELECT COALESCE(MIN(added_at), 0) FROM evidence WHERE transfer = ?1");
    oldest.bind(1, static_cast<std::int64_t>(EvidenceTransfer::to_upload));
    oldest.step();
    return oldest.column_int64(0);
}

bool EvidenceTransfers::reads_chunks_apart() const {
    const auto& path = store_.database().path();
    return !path.empty() && path != ":memory:";
}

EvidenceTransfers::SealedChunk EvidenceTransfers::sealed_chunk(std::string_view evidence_id,
                                                               std::uint32_t index) {
    if (!chunk_reader_ && reads_chunks_apart()) {
        const auto& path = store_.database().path();
        chunk_reader_.emplace(path, sqlite::OpenOptions{sqlite::OpenMode::read_only});
    }
    auto& db = chunk_reader_ ? *chunk_reader_ : store_.database();
    std::int64_t rowid = 0;
    SealedChunk chunk;
    {
        sqlite::Statement select(db,
                                 "SELECT rowid, coalesce(body_hash, '') FROM evidence_chunks "
                                 "WHERE evidence_id = ?1 AND idx = ?2");
        select.bind(1, evidence_id);
        select.bind(2, static_cast<std::int64_t>(index));
        if (!select.step()) {
            fail(ErrorCode::corrupt, "chunk " + std::to_string(index) + " of evidence file " +
                                         std::string(evidence_id) + " is missing from the store");
        }
        rowid = select.column_int64(0);
        chunk.body_hash = select.column_text(1);
    }
    // Read straight into the request body it becomes: one copy of a mebibyte, not three.
    sqlite::read_blob(db, "evidence_chunks", "data", rowid, chunk.sealed);
    return chunk;
}

crypto::SecretKey EvidenceTransfers::file_key(std::string_view evidence_id) {
    sqlite::Statement select(store_.database(), "SELECT file_key FROM evidence WHERE id = ?1");
    select.bind(1, evidence_id);
    if (!select.step()) {
        fail(ErrorCode::not_found, "there is no evidence file with id " + std::string(evidence_id));
    }
    try {
        return crypto::unwrap_key(store_.data_key(), select.column_blob(0),
                                  crypto::as_byte_view(fmt::local_key_ad(evidence_id)));
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::corrupt,
             "the key of evidence file " + std::string(evidence_id) + " fails its integrity check");
    }
}

void EvidenceTransfers::finish_upload(std::string_view evidence_id,
                                      const crypto::SecretKey& organisation_key) {
    auto& db = store_.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    const auto file = store_.evidence().find(evidence_id);
    if (file.transfer != EvidenceTransfer::to_upload) {
        return;  // finished by another process meanwhile
    }
    sqlite::Statement select(db, "SELECT manifest FROM evidence WHERE id = ?1");
    select.bind(1, evidence_id);
    select.step();
    const auto manifest = fmt::open_manifest(store_.sealer(), file.id, select.column_blob(0));
    auto manifest_now = manifest;
    manifest_now.item = file.item_id;
    const auto key = file_key(file.id);
    const auto wrapped = crypto::wrap_key(organisation_key, key,
                                          crypto::as_byte_view(fmt::organisation_key_ad(file.id)));
    const auto value = manifest_now.register_value(file.id, key, wrapped);
    mark_on_server(file.id);
    store_.outbox().append("evidence/" + file.id, value, store_.now_ms(), file.scope);
    tx.commit();
}

void EvidenceTransfers::receive(const std::string& scope, const nlohmann::json& value,
                                const crypto::SecretKey& organisation_key) {
    auto& db = store_.database();
    if (!value.contains("id") || !value["id"].is_string() || !value.contains("file_key") ||
        !value["file_key"].is_string()) {
        fail(ErrorCode::invalid_argument, "the evidence record has no id or key");
    }
    const auto id = value["id"].get<std::string>();
    sqlite::Statement exists(db, "SELECT scope, item_id, transfer FROM evidence WHERE id = ?1");
    exists.bind(1, id);
    if (exists.step()) {
        // A file carried over from the previous year that another device
        // reviewed: it is part of the new year here too, and its item with it.
        if (static_cast<EvidenceTransfer>(exists.column_int64(2)) == EvidenceTransfer::carried) {
            mark_on_server(id);
            store_.clear_review_mark(exists.column_text(0), exists.column_text(1));
        }
        return;
    }
    const auto file_key = crypto::unwrap_key(
        organisation_key, crypto::from_base64(value["file_key"].get<std::string>()),
        crypto::as_byte_view(fmt::organisation_key_ad(id)));
    const auto manifest =
        fmt::Manifest::from_value(value, id, file_key, EvidenceStore::kMaxFileBytes);
    const auto slot = evidence_slot(store_, manifest.item);
    sqlite::Statement insert(db,
                             "INSERT INTO evidence(id, item_id, manifest, file_key, size, "
                             "chunk_count, added_at, transfer, scope) VALUES(?1, ?2, ?3, ?4, ?5, "
                             "?6, ?7, ?8, ?9)");
    insert.bind(1, id);
    insert.bind(2, slot);
    insert.bind(3, sqlite::Blob(fmt::seal_manifest(store_.sealer(), id, manifest)));
    insert.bind(4, sqlite::Blob(crypto::wrap_key(store_.data_key(), file_key,
                                                 crypto::as_byte_view(fmt::local_key_ad(id)))));
    insert.bind(5, static_cast<std::int64_t>(manifest.size));
    insert.bind(6, static_cast<std::int64_t>(manifest.chunks));
    insert.bind(7, store_.now_ms());
    insert.bind(8, static_cast<std::int64_t>(manifest.chunks == 0 ? EvidenceTransfer::synced
                                                                  : EvidenceTransfer::downloading));
    insert.bind(9, scope);
    insert.execute();
}

void EvidenceTransfers::mark_on_server(std::string_view evidence_id) {
    // A file carried over while it was still downloading has chunks to fetch.
    sqlite::Statement mark(store_.database(),
                           "UPDATE evidence SET transfer = CASE WHEN chunk_count = (SELECT COUNT(*)"
                           " FROM evidence_chunks WHERE evidence_id = ?1) THEN ?2 ELSE ?3 END"
                           " WHERE id = ?1");
    mark.bind(1, evidence_id);
    mark.bind(2, static_cast<std::int64_t>(EvidenceTransfer::synced));
    mark.bind(3, static_cast<std::int64_t>(EvidenceTransfer::downloading));
    mark.execute();
}

void EvidenceTransfers::forget(std::string_view evidence_id) {
    sqlite::Statement remove(store_.database(), "DELETE FROM evidence WHERE id = ?1");
    remove.bind(1, evidence_id);
    remove.execute();
}

std::vector<EvidenceFile> EvidenceTransfers::downloads_pending() {
    return files_in(store_, EvidenceTransfer::downloading);
}

std::vector<std::uint32_t> EvidenceTransfers::chunks_here(std::string_view evidence_id) {
    sqlite::Statement select(store_.database(),
                             "SELECT idx FROM evidence_chunks WHERE evidence_id = ?1 ORDER BY idx");
    select.bind(1, evidence_id);
    std::vector<std::uint32_t> held;
    while (select.step()) {
        held.push_back(static_cast<std::uint32_t>(select.column_int64(0)));
    }
    return held;
}

void EvidenceTransfers::store_chunk(std::string_view evidence_id, std::uint32_t index,
                                    crypto::ByteView sealed) {
    auto& db = store_.database();
    const auto file = store_.evidence().find(evidence_id);
    const auto what = "chunk " + std::to_string(index) + " of evidence file " + file.id;
    if (index >= file.chunk_count) {
        fail(ErrorCode::corrupt,
             what + " is beyond the file's " + std::to_string(file.chunk_count) + " chunks");
    }
    try {
        const auto plain = crypto::Aead::open(file_key(file.id), sealed,
                                              crypto::as_byte_view(fmt::chunk_ad(file.id, index)));
        const auto expected = index + 1 < file.chunk_count
                                  ? fmt::kChunkBytes
                                  : file.size - std::uint64_t{index} * fmt::kChunkBytes;
        if (plain.size() != expected) {
            fail(ErrorCode::corrupt, what + " from the server has the wrong length");
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::corrupt, what + " from the server fails its integrity check");
    }
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    sqlite::Statement insert(db,
                             "INSERT OR REPLACE INTO evidence_chunks(evidence_id, idx, data) "
                             "VALUES(?1, ?2, ?3)");
    insert.bind(1, file.id);
    insert.bind(2, static_cast<std::int64_t>(index));
    insert.bind_unowned(3, sqlite::Blob(sealed.data(), sealed.size()));
    insert.execute();
    sqlite::Statement complete(db,
                               "UPDATE evidence SET transfer = ?2 WHERE id = ?1 AND chunk_count = "
                               "(SELECT COUNT(*) FROM evidence_chunks WHERE evidence_id = ?1)");
    complete.bind(1, file.id);
    complete.bind(2, static_cast<std::int64_t>(EvidenceTransfer::synced));
    complete.execute();
    tx.commit();
}

}  // namespace dspt::client
