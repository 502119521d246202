#pragma once
// Private to server/http. The step between the wire and the application:
// Beast messages to and from the plain Request/Response, the server's own
// endpoints (/healthz, /metrics) and the guarded call of the Handler. No I/O
// here; session.cpp does that.
//
// Thread-safety: free functions; respond() may run on several threads at once
// (it only reads the state or uses its synchronised parts).

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/detail/server_state.hpp"
#include "http/request.hpp"

namespace dspt::http::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// The route label given to every response the server writes before a request
// could be handed over (400, 413, 417, 431, 505), or whose body could not be
// decompressed (400, 413, 415).
inline constexpr std::string_view kRejectedRoute = "(rejected)";

// The plain Request for a parsed one; moves the body out of `request`.
Request to_request(BeastRequest& request, std::string remote_address);

// Answers a request. First its body is decompressed in place
// (decode_request_body, within the body limit; a body that cannot be is
// answered 400, 413 or 415 and goes no further). Then /healthz and /metrics
// are answered by the server itself, anything else by the handler. A handler
// that throws, or returns a status outside 200..599, a body with 204/304 or a
// header that cannot be sent, is logged and answered with 500. Last, the
// response body is compressed if the client accepts it (encode_response_body).
// The route of the result is never empty: an unset one (and that of such a
// 500) becomes "<method> (unrouted)" ("OTHER (unrouted)" for a method Beast
// does not know, so clients cannot invent metrics series).
Response respond(const ServerState& state, Request& request, bool known_method);

// The Beast message for `response` (its body is moved out). Sets
// Content-Length and Connection; for HEAD the body is dropped but the length
// kept.
BeastResponse to_beast_response(Response& response, unsigned version, bool keep_alive,
                                bool head_request);

}  // namespace dspt::http::detail
