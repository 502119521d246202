#pragma once
// Private to server/http. The content codings of bodies on the server's side
// (common/compression/content_coding.hpp has the rules both sides share):
// a request body is decompressed before anything else sees it, and a response
// body is compressed for a client that accepts it. Plain C++, no I/O.
//
// Thread-safety: stateless free functions.

#include <cstddef>
#include <optional>

#include "http/request.hpp"

namespace dspt::http::detail {

// Undoes the request's Content-Encoding in place, so that the server's own
// endpoints and the handler (and the signature check within it) see the body
// the client meant; the Content-Encoding header is then removed and any
// Content-Length set to the new size. Returns the error response instead,
// leaving the request as it was, when the body cannot be undone:
//   415 for a coding other than zstd or identity (with "Accept-Encoding: zstd",
//       RFC 9110 section 15.5.16),
//   413 when the decompressed body would be larger than body_limit (or its
//       frame asks for a larger window than that could need),
//   400 when it is not intact zstd data.
// Such a response has the route kRejectedRoute.
[[nodiscard]] std::optional<Response> decode_request_body(Request& request, std::size_t body_limit);

// Compresses response.body when the request's Accept-Encoding accepts zstd,
// the response has no Content-Encoding of its own and compress_body() finds
// it worth it, setting "Content-Encoding: zstd". Every response whose body
// is long enough to be compressed gets "Vary: Accept-Encoding", compressed or
// not, so that a cache keeps the two forms apart.
void encode_response_body(const Request& request, Response& response);

}  // namespace dspt::http::detail
