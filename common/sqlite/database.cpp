#include "common/sqlite/database.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <sqlite3.h>

#include "common/error.hpp"
#include "common/sqlite/page_cache.hpp"
#include "common/sqlite/statement_cache.hpp"

namespace dspt::sqlite {

namespace detail {

void throw_error(sqlite3* db, int rc, std::string_view context) {
    // Extended codes are on, so compare the primary code in the low byte.
    const int primary = rc & 0xff;
    const ErrorCode code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
                               ? ErrorCode::database_busy
                               : ErrorCode::database;
    std::string message(context);
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    message += " (sqlite code ";
    message += std::to_string(rc);
    message += ')';
    fail(code, std::move(message));
}

bool only_blanks(std::string_view text) {
    return text.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

std::string describe_sql(std::string_view verb, std::string_view sql) {
    constexpr std::size_t kMaxSqlInMessage = 200;
    std::string text(verb);
    text += " \"";
    // Fold newlines and indentation so a multi-line statement reads as one log line.
    bool in_space = false;
    std::size_t kept = 0;
    for (const char c : sql) {
        if (kept == kMaxSqlInMessage) {
            text += "...";
            break;
        }
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space && in_space) {
            continue;
        }
        in_space = space;
        text += space ? ' ' : c;
        ++kept;
    }
    text += '"';
    return text;
}

}  // namespace detail

namespace {

// Runs a one-row query with the raw API; Database stays independent of Statement.
template <typename Read>
auto query_one(sqlite3* db, const char* sql, Read read) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    if (rc != SQLITE_OK) {
        detail::throw_error(db, rc, detail::describe_sql("prepare", sql));
    }
    const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    rc = sqlite3_step(raw);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE) {
            fail(ErrorCode::internal, detail::describe_sql("query", sql) + " returned no row");
        }
        detail::throw_error(db, rc, detail::describe_sql("execute", sql));
    }
    return read(raw);
}

std::string query_text(sqlite3* db, const char* sql) {
    return query_one(db, sql, [](sqlite3_stmt* stmt) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        return text != nullptr ? std::string(text) : std::string();
    });
}

std::int64_t query_int64(sqlite3* db, const char* sql) {
    return query_one(db, sql, [](sqlite3_stmt* stmt) { return sqlite3_column_int64(stmt, 0); });
}

}  // namespace

void Database::Close::operator()(sqlite3* db) const noexcept {
    // close_v2 defers the close while statements are alive instead of failing.
    sqlite3_close_v2(db);
}

Database::Database(const std::filesystem::path& path, OpenOptions options)
    : cache_(std::make_shared<detail::StatementCache>()),
      path_(path.string()),
      mode_(options.mode) {
    // NOMUTEX: a Database is used by one thread at a time, so SQLite's own locking of
    // the connection would be pure overhead.
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (options.mode) {
        case OpenMode::read_write_create:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
            break;
        case OpenMode::read_write:
            flags |= SQLITE_OPEN_READWRITE;
            break;
        case OpenMode::read_only:
            flags |= SQLITE_OPEN_READONLY;
            break;
    }
    install_page_cache();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
    // Even a failed open usually allocates a handle, which must be closed.
    db_.reset(raw);
    if (rc != SQLITE_OK) {
        detail::throw_error(raw, rc, "open \"" + path_ + "\"");
    }
    configure(options);
}

Database::~Database() {
    // Kept statements go first, so the connection closes now rather than as a zombie.
    if (cache_) {
        cache_->close();
    }
}

void Database::configure(const OpenOptions& options) {
    sqlite3* db = db_.get();
    sqlite3_extended_result_codes(db, 1);
    // Set first: switching to WAL below takes a lock another connection may hold.
    set_busy_timeout(options.busy_timeout);
    execute("PRAGMA foreign_keys=ON");

    const char* file = sqlite3_db_filename(db, "main");
    const bool on_disk = file != nullptr && *file != '\0';
    if (!on_disk) {
        return;
    }
    if (options.mode == OpenMode::read_only) {
        // sqlite3_open_v2 is lazy; read the header now so a file that is not a database
        // fails here, as it does for writable files when the journal mode is set.
        query_int64(db, "PRAGMA schema_version");
        return;
    }
    // The pragma answers with the mode in force; a file system without shared memory
    // keeps the old one, and then synchronous stays at its safer default (FULL).
    if (query_text(db, "PRAGMA journal_mode=WAL") == "wal") {
        execute("PRAGMA synchronous=NORMAL");
    }
}

namespace {

// Runs a compiled statement to its end, discarding any rows, as sqlite3_exec would.
void run_to_end(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql) {
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) {
        rc = sqlite3_step(stmt);
    }
    if (rc != SQLITE_DONE) {
        detail::throw_error(db, rc, detail::describe_sql("execute", sql));
    }
}

}  // namespace

void Database::execute(std::string_view sql) {
    sqlite3* db = db_.get();
    // One statement is compiled once and kept; a script goes through sqlite3_exec.
    sqlite3_stmt* stmt = cache_ != nullptr ? cache_->take(sql) : nullptr;
    if (stmt == nullptr) {
        if (sql.size() >= static_cast<std::size_t>(std::numeric_limits<int>::max())) {
            fail(ErrorCode::internal, "SQL text too long to execute");
        }
        const char* tail = nullptr;
        const int rc =
            sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
        const std::size_t used = tail != nullptr ? static_cast<std::size_t>(tail - sql.data()) : 0;
        if (rc != SQLITE_OK || stmt == nullptr || !detail::only_blanks(sql.substr(used))) {
            sqlite3_finalize(stmt);
            const std::string text(sql);  // sqlite3_exec needs a terminating NUL
            const int exec_rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
            if (exec_rc != SQLITE_OK) {
                detail::throw_error(db, exec_rc, detail::describe_sql("execute", sql));
            }
            return;
        }
    }
    struct Keep {
        detail::StatementCache* cache;
        std::string_view sql;
        sqlite3_stmt* stmt;
        ~Keep() {
            if (cache == nullptr || !cache->give_back(sql, stmt)) {
                sqlite3_finalize(stmt);
            }
        }
    } keep{cache_.get(), sql, stmt};
    run_to_end(db, stmt, sql);
}

std::int64_t Database::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(db_.get());
}

std::int64_t Database::changes() const noexcept {
    return sqlite3_changes64(db_.get());
}

int Database::user_version() const {
    return static_cast<int>(query_int64(db_.get(), "PRAGMA user_version"));
}

void Database::set_user_version(int version) {
    execute("PRAGMA user_version=" + std::to_string(version));
}

std::string Database::journal_mode() const {
    return query_text(db_.get(), "PRAGMA journal_mode");
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
    const auto ms = std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0,
                                                               std::numeric_limits<int>::max());
    sqlite3_busy_timeout(db_.get(), static_cast<int>(ms));
}

bool Database::in_transaction() const noexcept {
    return sqlite3_get_autocommit(db_.get()) == 0;
}

}  // namespace dspt::sqlite
