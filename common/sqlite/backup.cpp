#include "common/sqlite/backup.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

#include <sqlite3.h>

#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"

namespace dspt::sqlite {

namespace {

// How often, and how long apart, a step the source's lock refused is tried again.
constexpr int kBusyAttempts = 200;
constexpr std::chrono::milliseconds kBusyPause{25};

void create_private(const std::filesystem::path& out) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST) {
            fail(ErrorCode::already_exists,
                 out.string() + " exists: a backup never overwrites a file; give a new name");
        }
        fail(ErrorCode::io, "cannot create " + out.string() + ": " + std::strerror(error));
    }
    ::close(fd);
}

struct CloseConnection {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

void copy_pages(Database& from, sqlite3* to) {
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from.handle(), "main");
    if (backup == nullptr) {
        detail::throw_error(to, sqlite3_errcode(to), "start the backup");
    }
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < kBusyAttempts; ++attempt) {
        // Every page in one step: one read transaction, so one snapshot.
        rc = sqlite3_backup_step(backup, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
            break;
        }
        std::this_thread::sleep_for(kBusyPause);
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        detail::throw_error(to, rc, "copy the database");
    }
}

}  // namespace

std::uintmax_t backup_database(const std::filesystem::path& source,
                               const std::filesystem::path& out) {
    if (!std::filesystem::is_regular_file(source)) {
        fail(ErrorCode::not_found, "there is no database at " + source.string());
    }
    Database from(source, {OpenMode::read_only, kDefaultBusyTimeout});
    create_private(out);
    try {
        {
            sqlite3* raw = nullptr;
            const int rc = sqlite3_open_v2(out.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
            const std::unique_ptr<sqlite3, CloseConnection> to(raw);
            if (rc != SQLITE_OK) {
                detail::throw_error(raw, rc, "open " + out.string());
            }
            copy_pages(from, to.get());
        }
        // A file of its own: no -wal beside it to lose when it is moved.
        Database copy(out, {OpenMode::read_write, kDefaultBusyTimeout});
        copy.execute("PRAGMA journal_mode=DELETE");
        Statement check(copy, "PRAGMA quick_check");
        if (!check.step() || check.column_text(0) != "ok") {
            fail(ErrorCode::corrupt, "the backup " + out.string() + " fails its check");
        }
    } catch (...) {
        remove_database_files(out);
        throw;
    }
    return std::filesystem::file_size(out);
}

void remove_database_files(const std::filesystem::path& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::filesystem::remove(path.string() + suffix, ignored);
    }
}

}  // namespace dspt::sqlite
