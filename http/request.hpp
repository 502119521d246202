#pragma once
// The HTTP layer's view of one request and its response, as plain data.
//
// The Beast session (session.cpp) parses a request into a Request, hands it to
// the application's Handler and writes the Response back. Handlers never see
// Beast or Asio types, so they are tested without a socket (docs/architecture.md,
// "The HTTP server").
//
// Thread-safety: these are plain values; share them as you would a std::string.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace dspt::http {

// Header names compare without regard to case.
struct HeaderNameLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};

// A header sent more than once arrives as one entry, its values joined with
// ", " in the order received (RFC 9110 section 5.3).
using Headers = std::map<std::string, std::string, HeaderNameLess>;

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // as sent: "/v1/sync/pull?since=42"
    std::string path;    // target without the query: "/v1/sync/pull"
    std::string query;   // after '?', undecoded; empty when none
    Headers headers;
    std::string body;            // at most the configured body limit
    std::string remote_address;  // "127.0.0.1:53122"
    // BLAKE2b-256 of `body` (32 bytes), worked out by the server as a large body
    // arrived (kDigestMinBytes and up, read as sent: no content coding), so that
    // checking a request's MAC does not read a mebibyte once more after the last
    // byte came in; empty when not worked out. Whoever changes `body` clears it.
    std::string body_digest;

    // The header's value, or an empty view.
    std::string_view header(std::string_view name) const;
};

struct Response {
    int status = 200;  // 200..599; anything else is answered as 500
    std::string content_type = "application/octet-stream";
    std::string body;
    // Extra headers. The server owns Content-Length, Transfer-Encoding,
    // Connection, Keep-Alive and Upgrade: values given for them are ignored.
    Headers headers;

    // For the access log and metrics: a route name with no ids in it, e.g.
    // "POST /v1/enrol", and the authenticated device, when there is one.
    // An empty route is reported as the method + " (unrouted)". Keep the set
    // of route names small: each (route, status) pair is a metrics series.
    std::string route;
    std::string device;
    // For metrics: how the request was authenticated, "signature" or "session";
    // "" when it was not.
    std::string authenticated_by;
    // For the access log only, never sent: what went wrong when the handler answers a
    // fault of its own (a 500), so the operator sees it on the request's line. Empty
    // otherwise.
    std::string error;
};

// The application: called once per request, synchronously, on one of the
// server's I/O threads, possibly concurrently with other requests on other
// threads. While it runs, that thread serves no other connection, so keep it
// short (SQLite work is fine with a thread per core). It should not throw: if
// it does, the server logs the exception and answers 500 with a JSON error
// body that does not repeat the exception's message.
using Handler = std::function<Response(const Request&)>;

// The JSON error body every dsptsync endpoint uses:
// {"error":"<to_string(code)>","message":"<message>"}. Invalid UTF-8 in the
// message is replaced, never thrown on.
std::string error_body(ErrorCode code, std::string_view message);

// A Response with the given status and an error_body, as application/json.
Response error_response(int status, ErrorCode code, std::string_view message);

}  // namespace dspt::http
