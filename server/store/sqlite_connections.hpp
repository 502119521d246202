#pragma once
// Private to SqliteRepository's .cpp files: its connections, the pool of readers, the
// write()/read() helpers every operation goes through, and the schema migration.
//
// Thread-safety: a Writer is used only under SqliteRepository::writer_mutex_; a Reader
// only by the thread holding its ReaderPool::Lease.

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "server/store/sqlite_repository.hpp"

namespace dspt::server::store {

// Brings a server.db connection to kServerSchemaVersion (sqlite_schema.cpp). Throws
// schema_too_new for a newer file.
void migrate_server_store(sqlite::Database& db);

// The one read-write connection and the statements it runs on every request.
struct SqliteRepository::Writer {
    Writer(const std::filesystem::path& path, const SqliteOptions& options);

    sqlite::Database db;
    sqlite::Statement upsert_nonce;  // remember_nonce
    sqlite::Statement prune_nonces;  // remember_nonce, every kNoncePruneInterval calls
    std::uint64_t nonce_calls = 0;
};

// One read-only connection and the statements it runs on every request.
struct SqliteRepository::Reader {
    Reader(const std::filesystem::path& path, const SqliteOptions& options);

    sqlite::Database db;
    sqlite::Statement find_device;
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
