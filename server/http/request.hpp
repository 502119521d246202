#pragma once
// The HTTP layer's view of one request and its response, as plain data.
//
// The Beast session (session.cpp) parses a request into a Request, hands it to
// the application's Handler and writes the Response back. Handlers never see
// Beast or Asio types, so they are tested without a socket (STYLE.md item 2).

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dspt::server::http {

// Header names compare without regard to case.
struct HeaderNameLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};

using Headers = std::map<std::string, std::string, HeaderNameLess>;

struct Request {
    std::string method;          // "GET", "POST", ...
    std::string target;          // as sent: "/v1/sync/pull?since=42"
    std::string path;            // target without the query: "/v1/sync/pull"
    std::string query;           // after '?', undecoded; empty when none
    Headers headers;
    std::string body;            // at most the configured body limit
    std::string remote_address;  // "127.0.0.1:53122"

    // The header's value, or an empty view.
    std::string_view header(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/octet-stream";
    std::string body;
    Headers headers;  // extra headers

    // For the access log and metrics: a route name with no ids in it, e.g.
    // "POST /v1/enrol", and the authenticated device, when there is one.
    std::string route;
    std::string device;
};

// The application: called once per request, on one of the server's threads,
// possibly concurrently with other requests. It must not throw; the session
// answers 500 if it does.
using Handler = std::function<Response(const Request&)>;

}  // namespace dspt::server::http
