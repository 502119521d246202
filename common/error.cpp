#include "common/error.hpp"

namespace dspt {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument:
            return "invalid_argument";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::already_exists:
            return "already_exists";
        case ErrorCode::failed_precondition:
            return "failed_precondition";
        case ErrorCode::io:
            return "io";
        case ErrorCode::database:
            return "database";
        case ErrorCode::database_busy:
            return "database_busy";
        case ErrorCode::schema_too_new:
            return "schema_too_new";
        case ErrorCode::corrupt:
            return "corrupt";
        case ErrorCode::wrong_passphrase:
            return "wrong_passphrase";
        case ErrorCode::authentication_failed:
            return "authentication_failed";
        case ErrorCode::crypto:
            return "crypto";
        case ErrorCode::malformed_pack:
            return "malformed_pack";
        case ErrorCode::protocol:
            return "protocol";
        case ErrorCode::limit_exceeded:
            return "limit_exceeded";
        case ErrorCode::unauthenticated:
            return "unauthenticated";
        case ErrorCode::forbidden:
            return "forbidden";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::timeout:
            return "timeout";
        case ErrorCode::network:
            return "network";
        case ErrorCode::unavailable:
            return "unavailable";
        case ErrorCode::internal:
            return "internal";
    }
    return "unknown";
}

void fail(ErrorCode code, std::string message) {
    throw Error(code, std::move(message));
}

}  // namespace dspt
