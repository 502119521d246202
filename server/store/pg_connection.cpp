// The libpq connection of PgRepository: statements, parameters, binary results and the
// errors PostgreSQL reports.

#include "server/store/pg_connection.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <libpq-fe.h>

#include "server/store/pg_repository.hpp"

namespace dspt::server::store::pg {

namespace {

// Prepared statements kept per connection; SQL built at run time beyond this runs
// unprepared rather than growing the server's memory without bound.
constexpr std::size_t kMaxPrepared = 512;

// PostgreSQL's type OIDs (pg_type.h) that Result decodes.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

std::string field(const PGresult* result, int code) {
    const char* value = PQresultErrorField(result, code);
    return value == nullptr ? std::string() : std::string(value);
}

std::string trimmed(const char* message) {
    std::string text = message == nullptr ? std::string() : std::string(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

[[noreturn]] void throw_result_error(const PGresult* result, pg_conn* conn, bool& broken) {
    const std::string state = field(result, PG_DIAG_SQLSTATE);
    std::string message = trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
    if (message.empty()) {
        message = trimmed(PQerrorMessage(conn));
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        broken = true;
        throw SqlError(ErrorCode::database, "the PostgreSQL connection was lost: " + message, state,
                       "");
    }
    // Lock timeout, statement timeout: the call may be retried.
    const bool busy = state == "55P03" || state == "57014";
    throw SqlError(busy ? ErrorCode::database_busy : ErrorCode::database, "PostgreSQL: " + message,
                   state, field(result, PG_DIAG_CONSTRAINT_NAME));
}

std::uint64_t big_endian(const char* bytes, int length) {
    std::uint64_t value = 0;
    for (int i = 0; i < length; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return value;
}

}  // namespace

// ---- Params ---------------------------------------------------------------------------

Params& Params::text(std::string_view value) {
    values_.emplace_back(std::string(value));
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(0);
    return *this;
}

Params& Params::text_or_null(std::string_view value) {
    return value.empty() ? null() : text(value);
}

Params& Params::int64(std::int64_t value) {
    return text(std::to_string(value));
}

Params& Params::optional_int64(std::optional<std::int64_t> value) {
    return value ? int64(*value) : null();
}

Params& Params::boolean(bool value) {
    return text(value ? "true" : "false");
}

Params& Params::bytes(crypto::ByteView value) {
    values_.emplace_back(std::string(reinterpret_cast<const char*>(value.data()), value.size()));
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(1);
    return *this;
}

Params& Params::null() {
    values_.emplace_back(std::nullopt);
    lengths_.push_back(0);
    formats_.push_back(0);
    return *this;
}

const char* const* Params::values() const {
    pointers_.clear();
    for (const auto& value : values_) {
        pointers_.push_back(value ? value->data() : nullptr);
    }
    return pointers_.data();
}

// ---- Result ---------------------------------------------------------------------------

Result::Result(Result&& other) noexcept : result_(other.result_) {
    other.result_ = nullptr;
}

Result& Result::operator=(Result&& other) noexcept {
    if (this != &other) {
        PQclear(result_);
        result_ = other.result_;
        other.result_ = nullptr;
    }
    return *this;
}

Result::~Result() {
    PQclear(result_);
}

int Result::rows() const noexcept {
    return result_ == nullptr ? 0 : PQntuples(result_);
}

std::int64_t Result::affected() const {
    const char* count = PQcmdTuples(result_);
    return count == nullptr || *count == '\0' ? 0 : std::stoll(count);
}

bool Result::is_null(int row, int column) const {
    return PQgetisnull(result_, row, column) != 0;
}

std::string_view Result::view(int row, int column) const {
    if (is_null(row, column)) {
        return {};
    }
    return {PQgetvalue(result_, row, column),
            static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::string Result::text(int row, int column) const {
    return std::string(view(row, column));
}

std::int64_t Result::int64(int row, int column) const {
    if (is_null(row, column)) {
        fail(ErrorCode::corrupt, std::string("PostgreSQL returned NULL for the column ") +
                                     PQfname(result_, column) + ", which cannot be empty");
    }
    const Oid type = PQftype(result_, column);
    const char* bytes = PQgetvalue(result_, row, column);
    const int length = PQgetlength(result_, row, column);
    if ((type == kInt8Oid && length == 8) || (type == kInt4Oid && length == 4) ||
        (type == kInt2Oid && length == 2)) {
        const std::uint64_t raw = big_endian(bytes, length);
        const int shift = 64 - 8 * length;
        // Sign-extend the narrower types.
        return static_cast<std::int64_t>(raw << shift) >> shift;
    }
    fail(ErrorCode::corrupt, std::string("the column ") + PQfname(result_, column) +
                                 " is not an integer (type " + std::to_string(type) + ")");
}

std::optional<std::int64_t> Result::optional_int64(int row, int column) const {
    if (is_null(row, column)) {
        return std::nullopt;
    }
    return int64(row, column);
}

bool Result::boolean(int row, int column) const {
    if (PQftype(result_, column) != kBoolOid || is_null(row, column)) {
        fail(ErrorCode::corrupt,
             std::string("the column ") + PQfname(result_, column) + " is not a boolean");
    }
    return *PQgetvalue(result_, row, column) != 0;
}

crypto::Bytes Result::bytes(int row, int column) const {
    if (PQftype(result_, column) != kByteaOid) {
        fail(ErrorCode::corrupt,
             std::string("the column ") + PQfname(result_, column) + " is not bytea");
    }
    const std::string_view value = view(row, column);
    return crypto::Bytes(reinterpret_cast<const std::uint8_t*>(value.data()),
                         reinterpret_cast<const std::uint8_t*>(value.data()) + value.size());
}

// ---- Connection -----------------------------------------------------------------------

Connection::Connection(const std::string& conninfo) {
    // Bounds on a database that stops answering, so a request cannot hang on it: the
    // connection attempt, and unacknowledged data on a TCP connection (keepalives cover
    // an idle one). The location given comes after them, so its own settings win.
    const char* const keywords[] = {"connect_timeout",     "keepalives",       "keepalives_idle",
                                    "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                                    "application_name",    "dbname",           nullptr};
    const char* const values[] = {
        "10", "1", "30", "10", "3", "30000", "dspt-server", conninfo.c_str(), nullptr};
    conn_ = PQconnectdbParams(keywords, values, 1);
    if (conn_ == nullptr) {
        fail(ErrorCode::database, "cannot connect to PostgreSQL: out of memory");
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
        const std::string message = trimmed(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        fail(ErrorCode::database, "cannot connect to PostgreSQL at " + redact_location(conninfo) +
                                      ": " + message +
                                      " (check that PostgreSQL is running and that --store "
                                      "names its host, port, database and user)");
    }
    // Notices (for example "relation already exists, skipping") are not the
    // server's log lines.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    // A statement that waits this long (for a lock, or on a stuck server) fails with
    // database_busy instead of holding its request.
    execute("SET statement_timeout = 30000");
}

Connection::~Connection() {
    if (conn_ != nullptr) {
        PQfinish(conn_);
    }
}

bool Connection::reusable() const noexcept {
    return !broken_ && conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void Connection::execute(std::string_view sql) {
    const std::string text(sql);
    check(Result(PQexec(conn_, text.c_str())));
}

Result Connection::run(std::string_view sql, const Params& params) {
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) {
        const std::string text(sql);
        if (prepared_.size() >= kMaxPrepared) {
            return check(
                Result(PQexecParams(conn_, text.c_str(), params.size(), nullptr, params.values(),
                                    params.lengths(), params.formats(), 1)));
        }
        const std::string name = "s" + std::to_string(prepared_.size());
        check(Result(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr)));
        found = prepared_.emplace(text, name).first;
    }
    return check(Result(PQexecPrepared(conn_, found->second.c_str(), params.size(), params.values(),
                                       params.lengths(), params.formats(), 1)));
}

Result Connection::check(Result result) {
    if (result.result_ == nullptr) {
        broken_ = true;
        fail(ErrorCode::database,
             "the PostgreSQL connection was lost: " + trimmed(PQerrorMessage(conn_)));
    }
    const ExecStatusType code = PQresultStatus(result.result_);
    if (code != PGRES_COMMAND_OK && code != PGRES_TUPLES_OK) {
        throw_result_error(result.result_, conn_, broken_);
    }
    return result;
}

}  // namespace dspt::server::store::pg
