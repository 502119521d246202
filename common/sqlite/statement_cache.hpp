#pragma once
// The compiled statements one Database keeps for reuse.
//
// Compiling SQL (parsing, resolving names, planning) costs more than running the short
// lookups and one-row writes the stores are made of, and most code builds a Statement
// where it needs one. So a Database keeps the statements its Statements were compiled
// into: a Statement made for SQL the connection has compiled before takes a kept one,
// and a Statement that is destroyed gives its statement back, reset and with its
// bindings cleared, instead of finalizing it. Database::execute keeps single
// statements the same way (BEGIN, COMMIT, SAVEPOINT and the like).
//
// At most kMaxKept statements are kept; when one more would pass that, every kept
// statement is finalized and keeping starts again from the statements in use.
// A kept statement holds no lock and no read transaction: it is reset before it is
// kept. A statement compiled before a schema change recompiles itself on its next run
// (sqlite3_prepare_v2 semantics), so a kept statement never runs against an old schema.
//
// The Database owns the cache; Statements hold a weak reference, so a Statement that
// outlives its Database finalizes its statement. close() finalizes everything kept and
// runs before the connection closes. Calls are serialised by a mutex, although a
// Database and its Statements are used by one thread at a time: the cost is small
// beside a compile, and a Statement destroyed on another thread stays safe.
//
// Internal to common/sqlite: only database.cpp and statement.cpp include this.

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3_stmt;

namespace dspt::sqlite::detail {

class StatementCache {
  public:
    static constexpr std::size_t kMaxKept = 128;

    StatementCache() = default;
    ~StatementCache();
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // A kept statement compiled from exactly `sql`, now owned by the caller, or null.
    sqlite3_stmt* take(std::string_view sql) noexcept;

    // Resets `stmt`, clears its bindings and keeps it for `sql`. Returns false, keeping
    // nothing, when the cache is closed (or memory ran out): the caller then finalizes
    // `stmt`.
    bool give_back(std::string_view sql, sqlite3_stmt* stmt) noexcept;

    // Finalizes every kept statement; later give_back calls keep nothing.
    void close() noexcept;

  private:
    void finalize_all() noexcept;  // with mutex_ held

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };

    std::mutex mutex_;
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>, Hash, std::equal_to<>> kept_;
    std::size_t count_ = 0;
    bool closed_ = false;
};

}  // namespace dspt::sqlite::detail
