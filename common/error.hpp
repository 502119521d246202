#pragma once
// Errors in dsptsync.
//
// Inside a layer, code throws dspt::Error, which carries one ErrorCode from the
// single list below and a human-readable message. At a layer's edge (an HTTP
// handler, a CLI command, a sync step that must not unwind) the error becomes a
// Result<T>: a value or an Error, marked [[nodiscard]] so it cannot be ignored.
//
// The server maps an ErrorCode to an HTTP status in one place, the CLI maps it
// to an exit code in one place; nothing else switches on codes to decide how to
// present an error.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace dspt {

enum class ErrorCode : std::uint16_t {
    // Caller mistakes.
    invalid_argument = 1,  // a value of the wrong type or form (bad date, unknown level)
    not_found,             // an item, file, record or device that does not exist
    already_exists,        // creating something that is already there
    failed_precondition,   // the request is well formed but the state forbids it

    // Storage.
    io,              // the operating system refused a read or write
    database,        // SQLite reported an error (its message is kept)
    database_busy,   // the database stayed locked past the busy timeout
    schema_too_new,  // a file written by a newer version of dsptsync
    corrupt,         // stored data fails its own checks

    // Cryptography.
    wrong_passphrase,       // the passphrase does not open the data key
    authentication_failed,  // a sealed value was changed, moved or opened with a wrong key
    crypto,                 // libsodium itself failed (memory locking, initialisation)

    // Standards packs and imports.
    malformed_pack,  // a standards pack or item list that breaks the format

    // Wire protocol and network.
    protocol,         // a message with a bad magic, unknown version, trailing or missing bytes
    limit_exceeded,   // a body or field over its size limit
    unauthenticated,  // no valid device signature
    forbidden,        // an authenticated device acting outside its role
    conflict,         // a concurrent edit that the caller must resolve
    timeout,          // a deadline passed
    network,          // the connection failed
    unavailable,      // the service is shutting down or overloaded

    internal,  // a bug: an invariant of dsptsync itself broke
};

// The stable snake_case name of a code, as used in logs and JSON bodies.
std::string_view to_string(ErrorCode code) noexcept;

// The exception thrown inside a layer. what() is the message alone; the code is
// available separately so presentation layers can choose an exit code or status.
class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, std::string message)
        : std::runtime_error(std::move(message)), code_(code) {}

    ErrorCode code() const noexcept { return code_; }

  private:
    ErrorCode code_;
};

// Throws Error(code, message). For call sites that read better as a statement.
[[noreturn]] void fail(ErrorCode code, std::string message);

// A value or an Error, returned across a layer's edge.
template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    // The value; throws the stored Error when there is none.
    T& value() & {
        throw_if_error();
        return std::get<0>(state_);
    }
    const T& value() const& {
        throw_if_error();
        return std::get<0>(state_);
    }
    T&& value() && {
        throw_if_error();
        return std::get<0>(std::move(state_));
    }

    // The error; only valid when !ok().
    const Error& error() const { return std::get<1>(state_); }

  private:
    void throw_if_error() const {
        if (!ok()) {
            throw std::get<1>(state_);
        }
    }

    std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }

    // Throws the stored Error, if any.
    void value() const {
        if (failed_) {
            throw error_;
        }
    }
    const Error& error() const { return error_; }

  private:
    Error error_{ErrorCode::internal, ""};
    bool failed_ = false;
};

// Runs fn and converts a thrown dspt::Error (or any std::exception, as
// ErrorCode::internal) into a Result. Use at layer edges only.
template <typename Fn>
auto capture(Fn&& fn) -> Result<decltype(fn())> {
    using T = decltype(fn());
    try {
        if constexpr (std::is_void_v<T>) {
            fn();
            return Result<void>{};
        } else {
            return Result<T>(fn());
        }
    } catch (const Error& e) {
        return Result<T>(e);
    } catch (const std::exception& e) {
        return Result<T>(Error(ErrorCode::internal, e.what()));
    }
}

}  // namespace dspt
