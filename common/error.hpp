#pragma once
// Errors in dsptsync.
//
// Code throws dspt::Error, which carries one ErrorCode from the single list
// below and a human-readable message, and catches it once, at the edge where a
// person or a peer is answered: the server maps the code to an HTTP status in
// one place (server/api/error_response.cpp), the command line to an exit code
// in one place (client/cli/exit_codes.cpp), and the screen shows the message.
// Nothing else switches on codes to decide how to present an error. A step that
// must not unwind (one change of a sync, one file of a transfer) catches the
// Error itself and records it where the person will see it.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

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

}  // namespace dspt
