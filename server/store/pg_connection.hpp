#pragma once
// Private to PgRepository's .cpp files: one libpq connection, the parameters and results
// of its statements, and the errors PostgreSQL reports, as dsptsync errors.
//
// Statements. Connection::run prepares each distinct SQL text once per connection
// (PQprepare under a name of its own) and reuses it, so an ordinary request parses and
// plans nothing. Parameters go as text, except bytea, which goes as binary; results
// come back in binary, and Result's getters decode each column by its type (int2,
// int4, int8, bool, text, bytea), so a getter used on a column of another type throws
// corrupt rather than guess.
//
// Errors. A statement PostgreSQL refuses throws SqlError (an Error with the SQLSTATE
// kept), code `database`; a lock or statement timeout throws `database_busy`; a lost
// connection throws `database` and marks the connection broken, so the pool drops it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/crypto/bytes.hpp"
#include "common/error.hpp"

struct pg_conn;
struct pg_result;

namespace dspt::server::store::pg {

// SQLSTATEs the store acts on.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";
inline constexpr std::string_view kCheckViolation = "23514";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kRaiseException = "P0001";

// A statement PostgreSQL refused.
class SqlError : public Error {
  public:
    SqlError(ErrorCode code, std::string message, std::string sqlstate, std::string constraint)
        : Error(code, std::move(message)),
          sqlstate_(std::move(sqlstate)),
          constraint_(std::move(constraint)) {}

    const std::string& sqlstate() const noexcept { return sqlstate_; }
    // The constraint that failed, when PostgreSQL names one ("" otherwise).
    const std::string& constraint() const noexcept { return constraint_; }
    bool is(std::string_view state) const noexcept { return sqlstate_ == state; }

  private:
    std::string sqlstate_;
    std::string constraint_;
};

// The parameters of one statement, $1 first.
class Params {
  public:
    Params() = default;

    Params& text(std::string_view value);
    // NULL for "", so an empty model string stores as NULL (foreign keys hold).
    Params& text_or_null(std::string_view value);
    Params& int64(std::int64_t value);
    Params& optional_int64(std::optional<std::int64_t> value);
    Params& boolean(bool value);
    Params& bytes(crypto::ByteView value);
    Params& null();

    int size() const noexcept { return static_cast<int>(values_.size()); }
    // For PQexecPrepared; valid until the next change.
    const char* const* values() const;
    const int* lengths() const noexcept { return lengths_.data(); }
    const int* formats() const noexcept { return formats_.data(); }

  private:
    std::vector<std::optional<std::string>> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    mutable std::vector<const char*> pointers_;
};

// The rows of one statement, in binary format. Rows and columns count from 0.
class Result {
  public:
    explicit Result(pg_result* result) noexcept : result_(result) {}
    Result(Result&& other) noexcept;
    Result& operator=(Result&& other) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result();

    int rows() const noexcept;
    bool empty() const noexcept { return rows() == 0; }
    // The rows an INSERT, UPDATE or DELETE touched.
    std::int64_t affected() const;

    bool is_null(int row, int column) const;
    // Text or bytea as it is; "" for NULL.
    std::string text(int row, int column) const;
    std::string_view view(int row, int column) const;
    // int2, int4 or int8; throws corrupt for NULL.
    std::int64_t int64(int row, int column) const;
    std::optional<std::int64_t> optional_int64(int row, int column) const;
    bool boolean(int row, int column) const;
    crypto::Bytes bytes(int row, int column) const;

  private:
    friend class Connection;
    pg_result* result_;
};

// One connection, used by one thread at a time.
class Connection {
  public:
    // Connects with a libpq connection string or URI. Throws database naming the
    // server's refusal (without the password).
    explicit Connection(const std::string& conninfo);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one statement, prepared on this connection the first time its text is seen.
    Result run(std::string_view sql, const Params& params = {});
    // Runs one or more statements without parameters or preparation (DDL, BEGIN).
    void execute(std::string_view sql);

    // False once the connection was lost or left inside a transaction.
    bool reusable() const noexcept;

  private:
    // The result, or throws for a failed statement or a lost connection.
    Result check(Result result);

    pg_conn* conn_ = nullptr;
    // Hashes std::string and std::string_view alike, so a lookup copies no SQL.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    // SQL text -> statement name.
    std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;
    bool broken_ = false;
};

}  // namespace dspt::server::store::pg
