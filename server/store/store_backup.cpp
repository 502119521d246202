#include "server/store/store_backup.hpp"

#include "common/error.hpp"
#include "common/sqlite/backup.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "server/store/evidence_files.hpp"
#include "server/store/sqlite_repository.hpp"

namespace dspt::server::store {

namespace {

constexpr int kAttempts = 3;

// Puts the bytes of every chunk file `copy` names into its blob_chunks. False when a
// file was gone.
bool bring_in_files(const std::filesystem::path& copy, const EvidenceFiles& files) {
    sqlite::Database db(copy, {sqlite::OpenMode::read_write, sqlite::kDefaultBusyTimeout});
    bool has_files = false;  // a store before schema step 15 has none
    {
        sqlite::Statement table(
            db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'chunk_files'");
        has_files = table.step();
    }
    if (has_files) {
        sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
        sqlite::Statement select(db, "SELECT evidence_id, idx, bytes, name FROM chunk_files");
        sqlite::Statement insert(
            db, "INSERT INTO blob_chunks (evidence_id, idx, data) VALUES (?1, ?2, ?3)");
        while (select.step()) {
            const auto chunk = files.read(select.column_text(3),
                                          static_cast<std::uint64_t>(select.column_int64(2)));
            if (!chunk) {
                return false;
            }
            insert.reset();
            insert.bind(1, select.column_text(0));
            insert.bind(2, select.column_int64(1));
            insert.bind_unowned(3, sqlite::Blob(chunk->data(), chunk->size()));
            insert.execute();
        }
        db.execute("DELETE FROM chunk_files");
        tx.commit();
    }
    // One file again, as sqlite::backup_database leaves it.
    db.execute("PRAGMA journal_mode=DELETE");
    return true;
}

}  // namespace

std::uintmax_t backup_store(const std::filesystem::path& data_dir,
                            const std::filesystem::path& out) {
    const auto source = SqliteRepository::file_in(data_dir);
    if (!std::filesystem::is_regular_file(source)) {
        fail(ErrorCode::not_found, "there is no database at " + source.string());
    }
    const EvidenceFiles files(EvidenceFiles::directory_in(data_dir));
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        sqlite::backup_database(source, out);
        bool complete = false;
        try {
            complete = bring_in_files(out, files);
        } catch (...) {
            sqlite::remove_database_files(out);
            throw;
        }
        if (complete) {
            return std::filesystem::file_size(out);
        }
        sqlite::remove_database_files(out);
    }
    fail(ErrorCode::failed_precondition,
         "evidence files were removed or replaced while the backup read them, " +
             std::to_string(kAttempts) +
             " times: run the backup again when fewer evidence uploads are running");
}

}  // namespace dspt::server::store
