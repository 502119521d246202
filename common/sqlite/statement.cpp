#include "common/sqlite/statement.hpp"

#include <limits>
#include <utility>

#include <sqlite3.h>

#include "common/error.hpp"
#include "common/sqlite/statement_cache.hpp"

namespace dspt::sqlite {

namespace {

// A NULL pointer from sqlite3_column_text/blob means SQL NULL, a zero-length BLOB, or an
// allocation failure; only the last is an error, and only errcode tells them apart.
void check_column_memory(sqlite3_stmt* stmt, const void* data) {
    sqlite3* db = sqlite3_db_handle(stmt);
    if (data == nullptr && sqlite3_errcode(db) == SQLITE_NOMEM) {
        detail::throw_error(db, SQLITE_NOMEM, "read column");
    }
}

}  // namespace

void Statement::Finalize::operator()(sqlite3_stmt* stmt) const noexcept {
    sqlite3_finalize(stmt);
}

Statement::Statement(Database& db, std::string_view sql) : cache_(db.cache_), sql_(sql) {
    if (db.cache_ != nullptr) {
        // Checked for a single statement when it was first compiled.
        if (sqlite3_stmt* kept = db.cache_->take(sql_)) {
            stmt_.reset(kept);
            return;
        }
    }
    if (sql_.size() >= static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        fail(ErrorCode::internal, "SQL statement too long to prepare");
    }
    sqlite3* conn = db.handle();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    // Passing the length including the NUL lets SQLite skip copying the text.
    const int rc =
        sqlite3_prepare_v2(conn, sql_.c_str(), static_cast<int>(sql_.size() + 1), &raw, &tail);
    stmt_.reset(raw);
    if (rc != SQLITE_OK) {
        detail::throw_error(conn, rc, detail::describe_sql("prepare", sql_));
    }
    if (raw == nullptr) {
        fail(ErrorCode::internal, detail::describe_sql("prepare", sql_) + ": no SQL statement");
    }
    // SQLite silently ignores everything after the first statement; a second statement
    // here is a bug that would otherwise go unnoticed. Comments alone are fine, which
    // only a second prepare can tell.
    const char* end = sql_.c_str() + sql_.size();
    if (tail != nullptr &&
        !detail::only_blanks(std::string_view(tail, static_cast<std::size_t>(end - tail)))) {
        sqlite3_stmt* rest = nullptr;
        const int rest_rc =
            sqlite3_prepare_v2(conn, tail, static_cast<int>(end - tail), &rest, nullptr);
        sqlite3_finalize(rest);
        if (rest_rc != SQLITE_OK || rest != nullptr) {
            fail(ErrorCode::internal, detail::describe_sql("prepare", sql_) +
                                          ": holds more than one SQL statement; use "
                                          "Database::execute for scripts");
        }
    }
}

Statement::~Statement() {
    if (stmt_ == nullptr) {
        return;
    }
    if (const auto cache = cache_.lock(); cache != nullptr && cache->give_back(sql_, stmt_.get())) {
        stmt_.release();
    }
}

void Statement::throw_error(int rc, std::string_view verb) const {
    detail::throw_error(sqlite3_db_handle(stmt_.get()), rc, detail::describe_sql(verb, sql_));
}

void Statement::check_bind(int rc, int index) const {
    if (rc != SQLITE_OK) {
        throw_error(rc, "bind parameter " + std::to_string(index) + " of");
    }
}

void Statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(stmt_.get(), index, value), index);
}

void Statement::bind(int index, int value) {
    check_bind(sqlite3_bind_int(stmt_.get(), index, value), index);
}

void Statement::bind(int index, double value) {
    check_bind(sqlite3_bind_double(stmt_.get(), index, value), index);
}

void Statement::bind(int index, std::string_view text) {
    // A null data pointer would bind NULL; an empty view means the empty string.
    const char* data = text.data() != nullptr ? text.data() : "";
    check_bind(
        sqlite3_bind_text64(stmt_.get(), index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        index);
}

void Statement::bind(int index, Blob bytes) {
    // An empty span has no data pointer, and bind_blob would store NULL for it.
    if (bytes.empty()) {
        check_bind(sqlite3_bind_zeroblob(stmt_.get(), index, 0), index);
        return;
    }
    check_bind(
        sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
        index);
}

void Statement::bind_unowned(int index, Blob bytes) {
    if (bytes.empty()) {
        bind(index, bytes);
        return;
    }
    check_bind(sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_STATIC),
               index);
}

void Statement::bind_unowned(int index, std::string_view text) {
    const char* data = text.data() != nullptr ? text.data() : "";
    check_bind(
        sqlite3_bind_text64(stmt_.get(), index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8),
        index);
}

void Statement::bind(int index, std::nullptr_t) {
    check_bind(sqlite3_bind_null(stmt_.get(), index), index);
}

int Statement::parameter_index(std::string_view name) const {
    const std::string key(name);
    const int index = sqlite3_bind_parameter_index(stmt_.get(), key.c_str());
    if (index == 0) {
        fail(ErrorCode::internal,
             detail::describe_sql("bind", sql_) + ": no parameter named " + key);
    }
    return index;
}

bool Statement::step() {
    has_row_ = false;
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) {
        has_row_ = true;
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throw_error(rc, "execute");
}

void Statement::execute() {
    if (step()) {
        fail(ErrorCode::internal, detail::describe_sql("execute", sql_) +
                                      ": returned a row; use step() to read results");
    }
}

void Statement::reset() {
    const int rc = try_reset();
    if (rc != SQLITE_OK) {
        throw_error(rc, "reset");
    }
}

int Statement::try_reset() noexcept {
    has_row_ = false;
    return sqlite3_reset(stmt_.get());
}

void Statement::clear_bindings() noexcept {
    sqlite3_clear_bindings(stmt_.get());
}

int Statement::column_count() const noexcept {
    return sqlite3_column_count(stmt_.get());
}

std::string Statement::column_name(int index) const {
    if (index < 0 || index >= column_count()) {
        fail(ErrorCode::internal,
             detail::describe_sql("read", sql_) + ": no column " + std::to_string(index));
    }
    const char* name = sqlite3_column_name(stmt_.get(), index);
    check_column_memory(stmt_.get(), name);
    return name != nullptr ? std::string(name) : std::string();
}

void Statement::check_column(int index) const {
    if (!has_row_) {
        fail(ErrorCode::internal,
             detail::describe_sql("read", sql_) + ": no row is ready (step() did not return true)");
    }
    if (index < 0 || index >= column_count()) {
        fail(ErrorCode::internal, detail::describe_sql("read", sql_) + ": no column " +
                                      std::to_string(index) + " (the result has " +
                                      std::to_string(column_count()) + ")");
    }
}

std::int64_t Statement::column_int64(int index) const {
    check_column(index);
    return sqlite3_column_int64(stmt_.get(), index);
}

int Statement::column_int(int index) const {
    check_column(index);
    return sqlite3_column_int(stmt_.get(), index);
}

double Statement::column_double(int index) const {
    check_column(index);
    return sqlite3_column_double(stmt_.get(), index);
}

std::string Statement::column_text(int index) const {
    check_column(index);
    // Fetch the pointer before the size: column_bytes reports the converted form.
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), index));
    check_column_memory(stmt_.get(), data);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), index));
    return data != nullptr ? std::string(data, size) : std::string();
}

std::vector<unsigned char> Statement::column_blob(int index) const {
    check_column(index);
    const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_.get(), index));
    check_column_memory(stmt_.get(), data);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), index));
    return data != nullptr ? std::vector<unsigned char>(data, data + size)
                           : std::vector<unsigned char>();
}

bool Statement::column_is_null(int index) const {
    check_column(index);
    return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

}  // namespace dspt::sqlite
