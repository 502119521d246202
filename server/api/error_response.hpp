#pragma once
// The one mapping from an error to an HTTP answer: status code and a JSON body
// {"error": "<ErrorCode name>", "message": "..."} that clients show as is.

#include "common/error.hpp"
#include "http/request.hpp"

namespace dspt::server::api {

int http_status_for(ErrorCode code) noexcept;

http::Response error_response(const Error& error);

}  // namespace dspt::server::api
