#pragma once
// Private to SqliteRepository's .cpp files: its connections, the pool of readers, the
// write()/read() helpers every operation goes through, and the schema migration.
//
// Thread-safety: a Writer is used only under SqliteRepository::writer_mutex_; a Reader
// only by the thread holding its ReaderPool::Lease; a PendingBatch by its caller and,
// while its group runs, by that group's leader (BatchQueue, group_commit.hpp).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "server/store/group_commit.hpp"
#include "server/store/sqlite_repository.hpp"

namespace dspt::server::store {

// Brings a server.db connection to kServerSchemaVersion (sqlite_schema.cpp). Throws
// schema_too_new for a newer file.
void migrate_server_store(sqlite::Database& db);

// The SQL that reads a register's values, oldest version first (sqlite_sync.cpp):
// ?1 organisation, ?2 scope, ?3 register key.
std::string_view select_register_values_sql();

// The SQL that reads a pull page's registers in `scopes` distinct scopes
// (sqlite_sync.cpp): ?1 organisation, ?2 the cursor, ?3 the most rows, ?4 on the
// scopes; rows of scope, register key and version, in version order.
std::string registers_since_sql(std::size_t scopes);

// Records a device's sync health inside the caller's write transaction on `db`
// (sqlite_sync_health.cpp); not_found for an unknown device.
void write_sync_health(sqlite::Database& db, const SyncHealthReport& report);

// The statements apply_changes runs for every change and every batch, prepared once
// on the writer (their SQL is in sqlite_sync.cpp).
struct SyncStatements {
    explicit SyncStatements(sqlite::Database& db);

    sqlite::Statement select_organisation;
    sqlite::Statement select_register;  // with its values
    sqlite::Statement select_replica;
    sqlite::Statement insert_replica;
    sqlite::Statement advance_replica;
    sqlite::Statement select_version;  // the organisation's change sequence
    sqlite::Statement store_version;
    sqlite::Statement delete_values;  // every sibling of a register
    sqlite::Statement delete_value;   // one value of a register, by its version
    sqlite::Statement insert_value;
    sqlite::Statement insert_register;  // a register's first value
    sqlite::Statement update_register;  // its version, when a value is written
    sqlite::Statement insert_result;
    sqlite::Statement select_result;
    sqlite::Statement savepoint;  // one batch of a group commit
    sqlite::Statement release;
    sqlite::Statement rollback_to;
};

// The evidence chunk bytes each organisation holds, as the quota counts them
// (sqlite_blobs.cpp). Summing them from the tables visits every chunk row of the
// organisation, milliseconds for every thousand chunks, on every chunk stored; the
// writer instead sums an organisation's once and then keeps the figure by its own
// writes. It sums again after another connection wrote (`data_version`, PRAGMA
// data_version, moved: `dspt-server admin collect-evidence` run beside the server)
// or a write that changed a figure did not commit (`stale`).
struct ChunkTally {
    std::map<std::string, std::uint64_t, std::less<>> bytes;
    std::int64_t data_version = -1;
    std::atomic<bool> stale{false};
};

// The one read-write connection and the statements it runs on every request.
struct SqliteRepository::Writer {
    Writer(const std::filesystem::path& path, const SqliteOptions& options);

    sqlite::Database db;
    sqlite::Statement upsert_nonce;  // remember_nonce
    sqlite::Statement prune_nonces;  // remember_nonce, every kNoncePruneInterval calls
    std::uint64_t nonce_calls = 0;
    SyncStatements sync;     // apply_changes
    ChunkTally chunk_tally;  // put_blob_chunk, collect_unreferenced_blobs
};

// One read-only connection and the statements it runs on every request.
struct SqliteRepository::Reader {
    Reader(const std::filesystem::path& path, const SqliteOptions& options);

    sqlite::Database db;
    sqlite::Statement find_device;
    sqlite::Statement find_site;      // every push checks the sites it writes
    sqlite::Statement select_values;  // registers_since, for each register
};

// One apply_changes call: its arguments, and what its group gave it.
struct SqliteRepository::PendingBatch {
    std::string_view organisation_ods;
    std::string_view device_id;
    const std::vector<Change>& changes;
    std::vector<ChangeResult> results;
    std::exception_ptr error;  // this batch failed and was rolled back to its savepoint
    // Given: the job is this report of a device's sync health (record_sync_health),
    // with no changes. A report is small and comes at the end of every sync: written
    // in a push's group, it saves a commit of its own.
    const SyncHealthReport* health = nullptr;
};

class SqliteRepository::BatchQueue : public GroupCommit<PendingBatch> {
  public:
    BatchQueue() : GroupCommit(kMaxGroupCommitBatches) {}
};

// Checkpoints the writer's WAL on a thread and connection of its own, so that no
// request waits while the log is copied into the database and both files are synced
// (SQLite's own automatic checkpoint runs inside the commit that crosses its
// threshold). A commit that leaves kCheckpointPages or more in the WAL wakes the
// thread, which runs a PASSIVE checkpoint: it never blocks the writer or readers. If
// the log still reaches kMaxWalPages (a checkpoint cannot keep up with the writes,
// or a long read holds old pages), the commit that finds it so checkpoints at once,
// as SQLite would, so the WAL stays bounded.
//
// Lifetime: create after the writer's connection and destroy before it (the
// destructor removes the commit hook, stops the thread and closes its connection).
class SqliteRepository::Checkpointer {
  public:
    Checkpointer(const std::filesystem::path& path, const SqliteOptions& options,
                 sqlite::Database& writer);
    ~Checkpointer();

    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // PASSIVE checkpoints run so far, for tests.
    std::uint64_t checkpoints() const;

  private:
    // The writer's commit hook (sqlite3_wal_hook).
    static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
    void run();

    sqlite::Database& writer_;
    sqlite::Database db_;  // used only by thread_
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
    bool stopping_ = false;
    std::uint64_t checkpoints_ = 0;
    std::thread thread_;
};

// A fixed set of Readers; acquire() hands out an idle one, waiting if none is.
class SqliteRepository::ReaderPool {
  public:
    // Returns its Reader to the pool when destroyed.
    class Lease {
      public:
        Lease(ReaderPool& pool, Reader& reader) noexcept : pool_(pool), reader_(reader) {}
        ~Lease() { pool_.release(reader_); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;

        Reader& reader() const noexcept { return reader_; }

      private:
        ReaderPool& pool_;
        Reader& reader_;
    };

    ReaderPool(const std::filesystem::path& path, const SqliteOptions& options);

    Lease acquire();

  private:
    void release(Reader& reader) noexcept;

    std::vector<std::unique_ptr<Reader>> readers_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<Reader*> idle_;
};

template <typename Fn>
auto SqliteRepository::write(Fn&& fn) {
    const std::lock_guard lock(writer_mutex_);
    sqlite::Transaction tx(writer_->db, sqlite::TransactionBehavior::immediate);
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&, Writer&>>) {
        fn(*writer_);
        tx.commit();
    } else {
        auto result = fn(*writer_);
        tx.commit();
        return result;
    }
}

template <typename Fn>
auto SqliteRepository::read(bool snapshot, Fn&& fn) const {
    const ReaderPool::Lease lease = readers_->acquire();
    Reader& reader = lease.reader();
    if (!snapshot) {
        return fn(reader);
    }
    sqlite::Transaction tx(reader.db, sqlite::TransactionBehavior::deferred);
    auto result = fn(reader);
    tx.commit();
    return result;
}

}  // namespace dspt::server::store
