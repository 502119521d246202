// SqliteRepository::Checkpointer: WAL checkpoints off the request path
// (sqlite_connections.hpp).

#include <sqlite3.h>

#include "server/store/sqlite_connections.hpp"

namespace dspt::server::store {

SqliteRepository::Checkpointer::Checkpointer(const std::filesystem::path& path,
                                             const SqliteOptions& options, sqlite::Database& writer)
    : writer_(writer), db_(path, {sqlite::OpenMode::read_write, options.busy_timeout}) {
    thread_ = std::thread([this] { run(); });
    // Replaces SQLite's automatic checkpoint on the writer (sqlite3_wal_hook and
    // sqlite3_wal_autocheckpoint share one slot).
    sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
}

SqliteRepository::Checkpointer::~Checkpointer() {
    // Back to SQLite's own checkpoints, for the writer's last commits and its close.
    sqlite3_wal_autocheckpoint(writer_.handle(), kCheckpointPages);
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

std::uint64_t SqliteRepository::Checkpointer::checkpoints() const {
    const std::lock_guard lock(mutex_);
    return checkpoints_;
}

int SqliteRepository::Checkpointer::on_commit(void* self, sqlite3* db, const char* schema,
                                              int pages) {
    auto& checkpointer = *static_cast<Checkpointer*>(self);
    if (pages >= kMaxWalPages) {
        // The thread has not kept up: this commit checkpoints, as SQLite's own
        // automatic checkpoint would. A failure (busy) is left for the next one.
        sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return SQLITE_OK;
    }
    if (pages >= kCheckpointPages) {
        {
            const std::lock_guard lock(checkpointer.mutex_);
            checkpointer.requested_ = true;
        }
        checkpointer.wake_.notify_one();
    }
    return SQLITE_OK;
}

void SqliteRepository::Checkpointer::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return requested_ || stopping_; });
        if (stopping_) {
            return;
        }
        requested_ = false;
        lock.unlock();
        // PASSIVE copies what it can without waiting for any lock; what it leaves
        // (a reader still on old pages) the next request takes care of.
        sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr);
        lock.lock();
        ++checkpoints_;
    }
}

}  // namespace dspt::server::store
