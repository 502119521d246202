#pragma once
// Prepared statements: Statement, the Blob view it binds, and ResetGuard.
//
// A Statement is compiled once and run many times: bind values to its parameters, step()
// through its rows reading columns, then reset() it before the next run. Repositories
// keep Statements as members and wrap every use in a ResetGuard:
//
//     ResetGuard use(find_by_id_);          // resets and clears bindings on scope exit
//     find_by_id_.bind(1, id);
//     if (!find_by_id_.step()) return std::nullopt;
//     return find_by_id_.column_text(0);
//
// Errors are thrown as described in database.hpp. Thread-safety: like its Database, a
// Statement is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite/database.hpp"

namespace dspt::sqlite {

// The one way to bind bytes: a read-only view. std::vector<unsigned char>, std::array
// and C arrays of unsigned char convert to it implicitly; for other byte types build it
// explicitly from a pointer and a size.
using Blob = std::span<const unsigned char>;

// One compiled SQL statement on a Database.
//
// Lifetime: the Database must outlive the Statement (the Statement keeps no reference
// that extends it). The Statement finalizes itself in its destructor. It is move-only; a
// moved-from Statement may only be destroyed or assigned to.
//
// Binding: parameters are numbered from 1, as in SQL (`?1`, or `?` counted left to right;
// a named parameter such as `:id` also has a number). Every bind copies its value into
// SQLite (SQLITE_TRANSIENT), so the argument need not outlive the call. Bindings stay
// until rebound or clear_bindings(); reset() keeps them. There is one overload per value
// type; other integer types (unsigned, std::size_t, long long) must be cast to
// std::int64_t or int explicitly, which is where a range check belongs. bool binds as
// int 0 or 1.
//
// Columns are numbered from 0 and may be read only while step() has reported a row.
// Reading a column outside 0..column_count()-1, or with no row ready, throws
// ErrorCode::internal. Reading NULL gives 0, 0.0, "" or an empty vector; check
// column_is_null() first where NULL means something.
class Statement {
  public:
    // Compiles `sql`, which must hold exactly one SQL statement (a trailing semicolon
    // and whitespace are fine), or takes the statement the connection kept from an
    // earlier Statement with the same text (statement_cache.hpp). Throws
    // ErrorCode::database on a syntax error or unknown table/column, ErrorCode::internal
    // if `sql` holds no statement or more than one.
    Statement(Database& db, std::string_view sql);

    // Gives the statement back to its connection's cache, reset and with its bindings
    // cleared, or finalizes it when the cache is full or the Database is gone; never
    // throws.
    ~Statement();

    Statement(Statement&& other) noexcept = default;
    // The statement this one held is finalized, not kept.
    Statement& operator=(Statement&& other) noexcept = default;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds a value to parameter `index` (from 1). Throws ErrorCode::database if the
    // index is out of range, or the statement is running (step() has not finished and
    // reset() has not been called).
    void bind(int index, std::int64_t value);
    void bind(int index, int value);
    void bind(int index, double value);
    void bind(int index, std::string_view text);  // embedded NUL bytes are kept
    void bind(int index, Blob bytes);  // an empty blob binds a zero-length BLOB, not NULL
    // As bind(int, Blob), without the copy: for a large value (an evidence chunk) that
    // outlives every step() and reset() of this binding, as a caller's argument does.
    void bind_unowned(int index, Blob bytes);
    // As bind(int, std::string_view), without the copy, on the same terms: for the
    // many short values a statement run for every item of a batch binds.
    void bind_unowned(int index, std::string_view text);
    void bind(int index, std::nullptr_t);  // binds SQL NULL

    // Binds the value, or NULL when the optional is empty.
    template <typename T>
    void bind(int index, const std::optional<T>& value) {
        if (value) {
            bind(index, *value);
        } else {
            bind(index, nullptr);
        }
    }

    // Binds by name, with the prefix as written in the SQL (":id", "@id" or "$id").
    // Throws ErrorCode::internal if the statement has no parameter of that name.
    template <typename T>
    void bind(std::string_view name, const T& value) {
        bind(parameter_index(name), value);
    }

    // The number of the parameter called `name` (prefix included); throws
    // ErrorCode::internal if there is none.
    int parameter_index(std::string_view name) const;

    // Runs the statement up to the next row. Returns true when a row is ready to read,
    // false when the statement has finished. Throws ErrorCode::database, or
    // ErrorCode::database_busy when a lock was not granted within the busy timeout.
    // After false or a throw, reset() before running the statement again.
    bool step();

    // Runs a statement that returns no rows (INSERT, UPDATE, DELETE, DDL) to completion.
    // Throws ErrorCode::internal if the statement produces a row: use step() for
    // queries and for INSERT ... RETURNING. Like step(), leaves the statement finished:
    // reset() before running it again.
    void execute();

    // Rewinds the statement so it can run again; bindings are kept. Throws the error of
    // the previous step(), if that step failed (SQLite reports it again here).
    void reset();

    // reset() that never throws; returns the SQLite result code (0 = SQLITE_OK).
    int try_reset() noexcept;

    // Sets every parameter back to NULL.
    void clear_bindings() noexcept;

    // The number of columns in the statement's result (0 for statements without one).
    int column_count() const noexcept;

    // The name of result column `index`, as given by AS or derived by SQLite.
    std::string column_name(int index) const;

    // Column values of the current row, converted by SQLite's rules when the stored type
    // differs (text "12" reads as 12 with column_int64).
    std::int64_t column_int64(int index) const;
    int column_int(int index) const;
    double column_double(int index) const;
    std::string column_text(int index) const;  // all bytes, embedded NULs included
    std::vector<unsigned char> column_blob(int index) const;
    bool column_is_null(int index) const;

    // The SQL the statement was compiled from.
    const std::string& sql() const noexcept { return sql_; }

    // The raw statement, for the rare call this wrapper does not cover. The Statement
    // still owns it: never finalize it.
    sqlite3_stmt* handle() const noexcept { return stmt_.get(); }

  private:
    struct Finalize {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };

    [[noreturn]] void throw_error(int rc, std::string_view verb) const;
    void check_bind(int rc, int index) const;
    void check_column(int index) const;

    std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
    std::weak_ptr<detail::StatementCache> cache_;  // where the statement goes back to
    std::string sql_;
    bool has_row_ = false;  // step() last returned true
};

// Resets a Statement and clears its bindings when the guard leaves scope, whether by
// return or by exception, so a Statement kept as a member is always ready for its next
// use and never holds a read transaction open by accident. The destructor is noexcept
// and ignores errors: a failure has already been thrown by the step() that caused it.
//
// The Statement must outlive the guard. Not copyable or movable.
class ResetGuard {
  public:
    explicit ResetGuard(Statement& statement) noexcept : statement_(statement) {}
    ~ResetGuard() {
        statement_.try_reset();
        statement_.clear_bindings();
    }

    ResetGuard(const ResetGuard&) = delete;
    ResetGuard& operator=(const ResetGuard&) = delete;

    Statement& statement() const noexcept { return statement_; }

  private:
    Statement& statement_;
};

}  // namespace dspt::sqlite
