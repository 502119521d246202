#include "server/api/error_response.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "protocol/session_auth.hpp"

namespace dspt::server::api {

int http_status_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument:
        case ErrorCode::protocol:
        case ErrorCode::malformed_pack:
            return 400;
        case ErrorCode::unauthenticated:
        case ErrorCode::wrong_passphrase:
            return 401;
        case ErrorCode::forbidden:
            return 403;
        case ErrorCode::not_found:
            return 404;
        case ErrorCode::already_exists:
        case ErrorCode::conflict:
        case ErrorCode::failed_precondition:
            return 409;
        case ErrorCode::limit_exceeded:
            return 413;
        case ErrorCode::database_busy:
        case ErrorCode::unavailable:
            return 503;
        case ErrorCode::timeout:
            return 504;
        case ErrorCode::io:
        case ErrorCode::database:
        case ErrorCode::schema_too_new:
        case ErrorCode::corrupt:
        case ErrorCode::authentication_failed:
        case ErrorCode::crypto:
        case ErrorCode::network:
        case ErrorCode::internal:
            return 500;
    }
    return 500;
}

http::Response error_response(const Error& error) {
    http::Response response;
    response.status = http_status_for(error.code());
    response.content_type = "application/json";
    // A server fault's details stay in the log, not in the answer.
    const bool fault = response.status >= 500 && response.status != 503 && response.status != 504;
    response.body = http::error_body(error.code(), fault ? "internal server error" : error.what());
    return response;
}

http::Response new_session_response(const Error& error) {
    auto response = error_response(error);
    auto body = nlohmann::json::parse(response.body);
    body[std::string(protocol::kSessionRefusalField)] = std::string(protocol::kSessionRefusalNew);
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

}  // namespace dspt::server::api
