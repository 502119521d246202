#include "client/cli/exit_codes.hpp"

namespace dspt::client {

ExitCode exit_code_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument:
        case ErrorCode::not_found:
        case ErrorCode::already_exists:
        case ErrorCode::failed_precondition:
        case ErrorCode::wrong_passphrase:
        case ErrorCode::malformed_pack:
        case ErrorCode::limit_exceeded:
        case ErrorCode::unauthenticated:
        case ErrorCode::forbidden:
        case ErrorCode::conflict:
            return ExitCode::user_error;
        case ErrorCode::schema_too_new:
        case ErrorCode::corrupt:
        case ErrorCode::authentication_failed:
            return ExitCode::damaged;
        case ErrorCode::io:
        case ErrorCode::database:
        case ErrorCode::database_busy:
        case ErrorCode::crypto:
        case ErrorCode::protocol:
        case ErrorCode::timeout:
        case ErrorCode::network:
        case ErrorCode::unavailable:
        case ErrorCode::internal:
            return ExitCode::failure;
    }
    return ExitCode::failure;
}

}  // namespace dspt::client
