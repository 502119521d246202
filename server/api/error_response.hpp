#pragma once
// The one mapping from an error to an HTTP answer: status code and a JSON body
// {"error": "<ErrorCode name>", "message": "..."} that clients show as is.

#include "common/error.hpp"
#include "http/request.hpp"

namespace dspt::server::api {

int http_status_for(ErrorCode code) noexcept;

http::Response error_response(const Error& error);

// The answer to a request whose session this server does not hold: 401 with
// the error body's "session": "new" (protocol/session_auth.hpp), so the device
// opens a new session rather than giving up.
http::Response new_session_response(const Error& error);

}  // namespace dspt::server::api
