#pragma once
// dspt::sqlite — a thin RAII wrapper over the sqlite3 C API, shaped like SQLiteCpp.
//
// Database owns one connection (sqlite3*). Statement (statement.hpp) prepares and runs
// SQL on it, Transaction (transaction.hpp) scopes a BEGIN ... COMMIT/ROLLBACK, and
// migrate() (migrations.hpp) upgrades a schema in numbered steps on PRAGMA user_version.
// The client's encrypted store and the server's repositories are built on these types.
//
// Errors: every failure reported by SQLite is thrown as dspt::Error with
// ErrorCode::database_busy when SQLite answers SQLITE_BUSY or SQLITE_LOCKED (the busy
// timeout ran out), and ErrorCode::database otherwise. The message names the operation
// (and the SQL, shortened if long) followed by SQLite's own error message and code, e.g.
//   prepare "SELEC 1": near "SELEC": syntax error (sqlite code 1)
// Misuse of this API (reading a column that does not exist, an invalid migration list)
// throws ErrorCode::internal.
//
// Thread-safety: a Database, and every Statement and Transaction made from it, is used
// by one thread at a time. The connection is opened with SQLITE_OPEN_NOMUTEX, so SQLite
// does not serialise calls on it; hand it between threads only with external
// synchronisation. Separate Database objects (even on the same file) may be used from
// different threads concurrently; SQLite's file locks and the busy timeout arbitrate.
//
// Only .cpp files include <sqlite3.h>; headers forward-declare the two C types.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace dspt::sqlite {

namespace detail {
class StatementCache;
}

// How a Database opens its file.
enum class OpenMode {
    read_write_create,  // open for reading and writing, creating the file if missing
    read_write,         // open for reading and writing; the file must exist
    read_only,          // open for reading only; the file must exist
};

// How long a statement waits for another connection's lock before failing with
// ErrorCode::database_busy, unless OpenOptions says otherwise.
inline constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

// Options for opening a Database. The defaults suit both the client and the server.
struct OpenOptions {
    OpenMode mode = OpenMode::read_write_create;
    std::chrono::milliseconds busy_timeout = kDefaultBusyTimeout;
};

// One open SQLite connection.
//
// On opening, a Database configures the connection the same way for every caller:
//   - the busy timeout from OpenOptions (default 5 s);
//   - PRAGMA foreign_keys=ON (SQLite leaves foreign keys unenforced by default);
//   - for a writable file database, PRAGMA journal_mode=WAL, so readers never block the
//     writer, and PRAGMA synchronous=NORMAL, which in WAL mode is crash-safe (a power
//     loss may lose the last commits, never corrupt the file). In-memory and read-only
//     databases keep their journal mode. WAL is a property of the file, so a read-only
//     connection to a file once opened writable is in WAL mode too.
//
// A Database is move-only. It closes the connection in its destructor with
// sqlite3_close_v2, which never fails: if Statements are still alive, SQLite defers the
// close until the last one is finalized. Even so, destroy Statements and Transactions
// before their Database; they keep no reference that would extend its life.
//
// A moved-from Database has no connection; it may only be destroyed or assigned to.
class Database {
  public:
    // Opens (and, with OpenMode::read_write_create, creates) the database at `path`.
    // ":memory:" opens a private in-memory database. Throws ErrorCode::database if the
    // file cannot be opened or is not a database, ErrorCode::database_busy if it stays
    // locked past the busy timeout while being configured.
    explicit Database(const std::filesystem::path& path, OpenOptions options = {});

    // Finalizes the statements it kept (statement_cache.hpp) and closes the connection
    // (sqlite3_close_v2); never throws.
    ~Database();

    Database(Database&& other) noexcept = default;
    Database& operator=(Database&& other) noexcept = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs SQL that returns no rows we need: DDL, PRAGMA assignments, and scripts of
    // several statements separated by semicolons (via sqlite3_exec). A single statement
    // is compiled once and kept for the next call with the same text. Rows that a
    // statement does return are discarded. Statements before a failing one stay applied
    // unless the caller wraps the call in a Transaction. Not for values from outside the
    // program: use a Statement with bind() for those.
    void execute(std::string_view sql);

    // The rowid of the most recent successful INSERT on this connection (0 if none).
    std::int64_t last_insert_rowid() const noexcept;

    // Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    std::int64_t changes() const noexcept;

    // PRAGMA user_version: the schema version stored in the file header (0 for a new
    // file). migrate() owns this number; other code should only read it.
    int user_version() const;
    void set_user_version(int version);

    // The current journal mode as SQLite names it ("wal", "memory", "delete", ...).
    std::string journal_mode() const;

    // Changes how long statements wait for another connection's lock.
    void set_busy_timeout(std::chrono::milliseconds timeout);

    // True while a transaction is open on this connection (BEGIN ran, COMMIT or ROLLBACK
    // did not).
    bool in_transaction() const noexcept;

    bool read_only() const noexcept { return mode_ == OpenMode::read_only; }

    // The path the Database was opened with, as given.
    const std::string& path() const noexcept { return path_; }

    // The raw connection, for the rare call this wrapper does not cover. The Database
    // still owns it: never close it.
    sqlite3* handle() const noexcept { return db_.get(); }

  private:
    struct Close {
        void operator()(sqlite3* db) const noexcept;
    };

    friend class Statement;  // takes and gives back kept statements

    void configure(const OpenOptions& options);

    std::unique_ptr<sqlite3, Close> db_;
    // Compiled statements kept for reuse; shared weakly with this connection's Statements.
    std::shared_ptr<detail::StatementCache> cache_;
    std::string path_;
    OpenMode mode_ = OpenMode::read_write_create;
};

namespace detail {

// Throws the dspt::Error for SQLite result code `rc` on connection `db` (which may be
// null), as described at the top of this file. `context` names the operation. Read
// sqlite3_errmsg before any other call on `db`, so call this right after the failure.
// For this library's own .cpp files.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view context);

// True when `text` holds nothing but whitespace and semicolons: what may follow the
// one statement of a Statement or of a single statement kept by Database::execute.
bool only_blanks(std::string_view text);

// `verb "sql"`, with the SQL shortened to keep error messages readable.
std::string describe_sql(std::string_view verb, std::string_view sql);

}  // namespace detail

}  // namespace dspt::sqlite
