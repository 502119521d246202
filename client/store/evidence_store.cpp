#include "client/store/evidence_store.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "client/store/change_limits.hpp"
#include "client/store/evidence_format.hpp"
#include "client/store/local_store.hpp"
#include "common/crypto/aead.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "protocol/session_auth.hpp"

namespace dspt::client {

namespace {

using evidence_format::chunk_ad;
using evidence_format::kTable;
using evidence_format::Manifest;
using evidence_format::open_manifest;

std::string key_ad(std::string_view evidence_id) {
    return evidence_format::local_key_ad(evidence_id);
}

// The evidence row's clear columns (item, size, chunk count) are what list() and
// the assessment show; they must agree with the sealed manifest, so a row edited
// outside dspt is refused rather than shown (or counted for another item).
void check_row(const Manifest& manifest, std::string_view id, std::string_view item_id,
               std::int64_t size, std::int64_t chunk_count) {
    const bool item_ok = manifest.item.empty() || manifest.item == item_id;
    if (!item_ok || size < 0 || static_cast<std::uint64_t>(size) != manifest.size ||
        chunk_count < 0 || static_cast<std::uint64_t>(chunk_count) != manifest.chunks) {
        fail(ErrorCode::corrupt, "the stored record of evidence file " + std::string(id) +
                                     " does not match its sealed manifest: the store was "
                                     "changed outside dspt or is damaged");
    }
}

// Writes all of `data` to fd.
void write_all(int fd, const unsigned char* data, std::size_t size, const std::string& path) {
    std::size_t written = 0;
    while (written < size) {
        const auto n = ::write(fd, data + written, size - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(ErrorCode::io, "cannot write " + path + ": " + std::strerror(errno));
        }
        written += static_cast<std::size_t>(n);
    }
}

EvidenceFile read_row(sqlite::Statement& row, const FieldSealer& sealer) {
    EvidenceFile file;
    file.id = row.column_text(0);
    file.item_id = row.column_text(1);
    const auto manifest = open_manifest(sealer, file.id, row.column_blob(2));
    check_row(manifest, file.id, file.item_id, row.column_int64(3), row.column_int64(4));
    file.name = manifest.name;
    file.size = manifest.size;
    file.chunk_count = manifest.chunks;
    file.added_at_ms = row.column_int64(5);
    file.transfer = static_cast<EvidenceTransfer>(row.column_int64(6));
    file.scope = row.column_text(7);
    file.content_hash = manifest.blake2b;
    return file;
}

constexpr const char* kSelectColumns =
    "SELECT id, item_id, manifest, size, chunk_count, added_at, transfer, scope FROM evidence";

}  // namespace

std::string evidence_slot(const LocalStore& store, std::string_view id) {
    if (id == assessment::kPlanDocumentSlot) {
        return std::string(assessment::kPlanDocumentSlot);
    }
    return store.item(id).id;
}

EvidenceFile EvidenceStore::add(std::string_view item_id, const std::filesystem::path& file,
                                const ProgressFn& progress) {
    const auto slot = evidence_slot(store_, item_id);
    if (store_.scope() == LocalStore::kOrganisationScope) {
        fail(ErrorCode::forbidden, "the organisation-wide evidence is added by headquarters");
    }
    store_.require_writable();
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        fail(ErrorCode::not_found,
             file.string() + " is a folder, not a file: give the path of one file in it, e.g. " +
                 (file / "policy.pdf").string() + " (add each file on its own)");
    }
    if (!std::filesystem::is_regular_file(file, ec)) {
        fail(ErrorCode::not_found, "no such file: " + file.string() +
                                       " (check the path; a name with spaces needs quotes)");
    }
    check_file_name(file.filename().string());
    const std::uint64_t size = std::filesystem::file_size(file, ec);
    if (ec) {
        fail(ErrorCode::io, "cannot read " + file.string() + ": " + ec.message());
    }
    if (size > kMaxFileBytes) {
        fail(ErrorCode::limit_exceeded, file.string() + " is larger than the " +
                                            std::to_string(kMaxFileBytes >> 20) +
                                            " MiB evidence limit");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        fail(ErrorCode::io, "cannot open " + file.string());
    }

    auto& db = store_.database();
    const auto sealer = store_.sealer();
    const std::string id = crypto::random_uuid();
    const auto file_key = crypto::SecretKey::generate();
    const auto wrapped_key =
        crypto::wrap_key(store_.data_key(), file_key, crypto::as_byte_view(key_ad(id)));
    Manifest manifest{file.filename().string(), 0, 0, "", slot};
    const auto now = store_.now_ms();

    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    {
        // The row comes first (chunks reference it); its manifest is final below.
        sqlite::Statement insert(db,
                                 "INSERT INTO evidence(id, item_id, manifest, file_key, size,"
                                 " chunk_count, added_at, scope) VALUES(?1, ?2, x'', ?3, 0, 0, ?4,"
                                 " ?5)");
        insert.bind(1, id);
        insert.bind(2, slot);
        insert.bind(5, store_.scope());
        insert.bind(3, sqlite::Blob(wrapped_key));
        insert.bind(4, now);
        insert.execute();
    }

    sqlite::Statement insert_chunk(
        db,
        "INSERT INTO evidence_chunks(evidence_id, idx, data, body_hash) VALUES(?1, ?2, ?3, ?4)");
    crypto::Blake2bHasher hasher;
    std::vector<unsigned char> buffer(kChunkBytes);
    std::uint64_t done = 0;
    while (in) {
        in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(kChunkBytes));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) {
            break;
        }
        const crypto::ByteView chunk(buffer.data(), got);
        hasher.update(chunk);
        const auto ad = chunk_ad(id, manifest.chunks);
        sqlite::ResetGuard guard(insert_chunk);
        insert_chunk.bind(1, id);
        insert_chunk.bind(2, static_cast<std::int64_t>(manifest.chunks));
        const auto sealed = crypto::Aead::seal(file_key, chunk, crypto::as_byte_view(ad));
        insert_chunk.bind_unowned(3, sqlite::Blob(sealed.data(), sealed.size()));
        // The hash its upload request is authenticated with, made once here.
        insert_chunk.bind(4, protocol::request_body_hash(std::string_view(
                                 reinterpret_cast<const char*>(sealed.data()), sealed.size())));
        insert_chunk.execute();
        ++manifest.chunks;
        done += got;
        if (progress) {
            progress(done, size);
        }
    }
    if (in.bad() || done != size) {
        fail(ErrorCode::io, file.string() + " changed or could not be read while being added");
    }
    manifest.size = done;
    manifest.blake2b = crypto::to_hex(hasher.final());

    {
        sqlite::Statement finish(
            db, "UPDATE evidence SET manifest = ?2, size = ?3, chunk_count = ?4 WHERE id = ?1");
        finish.bind(1, id);
        finish.bind(2, sqlite::Blob(evidence_format::seal_manifest(sealer, id, manifest)));
        finish.bind(3, static_cast<std::int64_t>(manifest.size));
        finish.bind(4, static_cast<std::int64_t>(manifest.chunks));
        finish.execute();
    }
    tx.commit();

    // A large file leaves a large write-ahead log behind; fold it into the main
    // file now rather than at some later, unrelated command.
    if (size >= 8 * kChunkBytes) {
        try {
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (const Error&) {
            // Another process is reading; SQLite checkpoints later by itself.
        }
    }
    return {id,
            slot,
            manifest.name,
            manifest.size,
            manifest.chunks,
            now,
            EvidenceTransfer::to_upload,
            store_.scope(),
            manifest.blake2b};
}

std::vector<EvidenceFile> EvidenceStore::list(std::optional<std::string_view> item_id) {
    auto& db = store_.database();
    const auto sealer = store_.sealer();
    sqlite::Statement select(db, std::string(kSelectColumns) + " WHERE scope = ?2" +
                                     (item_id ? " AND item_id = ?1" : " AND ?1 IS NULL") +
                                     " ORDER BY added_at, id");
    if (item_id) {
        select.bind(1, evidence_slot(store_, *item_id));
    } else {
        select.bind(1, nullptr);
    }
    select.bind(2, store_.scope());
    std::vector<EvidenceFile> files;
    while (select.step()) {
        files.push_back(read_row(select, sealer));
    }
    return files;
}

EvidenceFile EvidenceStore::find(std::string_view evidence_id) {
    const std::string wanted(evidence_id);
    if (wanted.empty()) {
        fail(ErrorCode::invalid_argument,
             "give an evidence id, or the start of one: see 'dspt evidence list'");
    }
    sqlite::Statement exact(store_.database(), std::string(kSelectColumns) + " WHERE id = ?1");
    exact.bind(1, wanted);
    if (exact.step()) {
        return read_row(exact, store_.sealer());
    }
    // At most a few of the files it could mean, to name them.
    constexpr int kShown = 5;
    sqlite::Statement select(store_.database(),
                             std::string(kSelectColumns) +
                                 " WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT " +
                                 std::to_string(kShown + 1));
    select.bind(1, wanted);
    std::vector<EvidenceFile> found;
    while (select.step()) {
        found.push_back(read_row(select, store_.sealer()));
    }
    if (found.empty()) {
        fail(ErrorCode::not_found, "there is no evidence file with an id starting " + wanted +
                                       ": see 'dspt evidence list' for the ids");
    }
    if (found.size() > 1) {
        std::string message = "several evidence files have an id starting " + wanted +
                              ": give more of the id. They include:";
        for (std::size_t i = 0; i < found.size() && i < kShown; ++i) {
            message +=
                "\n  " + found[i].id + "  " + found[i].name + " (item " + found[i].item_id + ")";
        }
        fail(ErrorCode::invalid_argument, message);
    }
    return found.front();
}

void EvidenceStore::get(std::string_view evidence_id, const std::filesystem::path& out,
                        bool overwrite, const ProgressFn& progress) {
    auto& db = store_.database();
    const auto sealer = store_.sealer();
    sqlite::Statement select(db,
                             "SELECT manifest, file_key, item_id, size, chunk_count, transfer FROM "
                             "evidence WHERE id = ?1");
    select.bind(1, evidence_id);
    if (!select.step()) {
        fail(ErrorCode::not_found, "there is no evidence file with id " + std::string(evidence_id));
    }
    const std::string id(evidence_id);
    const auto manifest = open_manifest(sealer, id, select.column_blob(0));
    check_row(manifest, id, select.column_text(2), select.column_int64(3), select.column_int64(4));
    const auto what = "evidence file " + id + " (" + manifest.name + ")";
    if (static_cast<EvidenceTransfer>(select.column_int64(5)) == EvidenceTransfer::downloading) {
        fail(ErrorCode::failed_precondition,
             what + " is still downloading from the server: run 'dspt sync'");
    }
    crypto::SecretKey file_key;
    try {
        file_key = crypto::unwrap_key(store_.data_key(), select.column_blob(1),
                                      crypto::as_byte_view(key_ad(id)));
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::corrupt, "the key of " + what + " fails its integrity check");
    }
    if (!overwrite && std::filesystem::exists(out)) {
        fail(ErrorCode::already_exists, out.string() +
                                            " exists: give --force to replace it, or choose "
                                            "another name");
    }
    if (std::filesystem::is_directory(out)) {
        fail(ErrorCode::invalid_argument, out.string() +
                                              " is a folder: give a file name in it, e.g. " +
                                              (out / manifest.name).string());
    }
    const auto folder = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(folder)) {
        fail(ErrorCode::not_found, "the folder " + folder.string() +
                                       " does not exist: create it first (mkdir -p " +
                                       folder.string() + ") or write somewhere else");
    }

    // Read inside one transaction so a concurrent remove cannot cut the file short.
    sqlite::Transaction tx(db);
    const auto temp = out.string() + ".dspt-partial";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail(ErrorCode::io, "cannot write " + out.string() + ": " + std::strerror(errno));
    }
    try {
        sqlite::Statement chunks(
            db, "SELECT idx, data FROM evidence_chunks WHERE evidence_id = ?1 ORDER BY idx");
        chunks.bind(1, id);
        crypto::Blake2bHasher hasher;
        std::uint64_t expected_index = 0;
        std::uint64_t done = 0;
        while (chunks.step()) {
            const auto index = static_cast<std::uint64_t>(chunks.column_int64(0));
            if (index != expected_index) {
                fail(ErrorCode::corrupt,
                     "chunk " + std::to_string(expected_index) + " of " + what + " is missing");
            }
            crypto::Bytes plain;
            try {
                plain = crypto::Aead::open(file_key, chunks.column_blob(1),
                                           crypto::as_byte_view(chunk_ad(id, index)));
            } catch (const Error& e) {
                if (e.code() != ErrorCode::authentication_failed) {
                    throw;
                }
                fail(ErrorCode::corrupt, "chunk " + std::to_string(index) + " of " + what +
                                             " fails its integrity check");
            }
            hasher.update(plain);
            write_all(fd, plain.data(), plain.size(), out.string());
            done += plain.size();
            ++expected_index;
            if (progress) {
                progress(done, manifest.size);
            }
        }
        if (expected_index != manifest.chunks || done != manifest.size ||
            crypto::to_hex(hasher.final()) != manifest.blake2b) {
            fail(ErrorCode::corrupt, what + " is incomplete or does not match its record");
        }
        if (::fsync(fd) != 0) {
            fail(ErrorCode::io, "cannot flush " + out.string() + ": " + std::strerror(errno));
        }
    } catch (...) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(temp.c_str(), out.c_str()) != 0) {
        ::unlink(temp.c_str());
        fail(ErrorCode::io, "cannot write " + out.string() + ": " + std::strerror(errno));
    }
}

void EvidenceStore::remove(std::string_view evidence_id) {
    store_.require_writable();
    auto& db = store_.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    const auto file = find(evidence_id);
    if (file.scope != store_.scope() || file.scope == LocalStore::kOrganisationScope) {
        const auto whose = file.scope == LocalStore::kOrganisationScope
                               ? std::string("the organisation-wide answers")
                           : file.scope.empty() ? std::string("this device's own assessment")
                                                : "site " + file.scope;
        fail(ErrorCode::forbidden, "evidence file " + file.id + " belongs to " + whose +
                                       ": only the devices that write it may remove it (a "
                                       "headquarters device chooses a site with --site)");
    }
    sqlite::Statement remove(db, "DELETE FROM evidence WHERE id = ?1");
    remove.bind(1, file.id);
    remove.execute();
    // A file never uploaded is known to no other device: it leaves no trace.
    const auto key = "evidence/" + file.id;
    if (file.transfer != EvidenceTransfer::to_upload || store_.outbox().has_entry(key)) {
        store_.outbox().append(key, {{"id", file.id}, {"item", file.item_id}, {"deleted", true}},
                               store_.now_ms(), file.scope);
    }
    tx.commit();
}

}  // namespace dspt::client
