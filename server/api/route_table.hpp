#pragma once
// The API's routing table: entries of {method, pattern, handler}, e.g.
// {"GET", "/v1/orgs/<ods>/grants", &list_grants}, and the matcher that finds the
// entry of a request.
//
// A pattern is a path of '/'-separated segments. A segment written <name> captures
// the request's segment there, percent-decoded (path_segments, common/form_encoding.hpp), and may
// capture an empty one; any other segment must equal the request's decoded segment exactly. A path
// matches only with as many segments as the pattern has: no prefix matching, and a
// trailing '/' is one more (empty) segment. The first entry in table order whose
// method and pattern match wins. A path that matches some pattern only under another
// method is not found, like a path no pattern matches.
//
// "<method> <pattern>" (Route::name) is the route's name in the access log and the
// metrics: it never holds an id, so the set of names stays small.
//
// Thread-safety: pure functions over constant tables.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dspt::server::api {

// The segments a pattern's <name> segments captured, by name.
class PathCaptures {
  public:
    void add(std::string_view name, std::string value);

    // The segment captured as <name>. Throws Error(internal) when the pattern has no
    // such name: a handler asking for a capture its pattern lacks is a programming error.
    const std::string& operator[](std::string_view name) const;

    std::size_t size() const noexcept { return values_.size(); }

  private:
    std::vector<std::pair<std::string, std::string>> values_;
};

// The captures of `segments` under `pattern` (without method), or none when it does
// not match.
std::optional<PathCaptures> match_path(std::string_view pattern,
                                       const std::vector<std::string>& segments);

template <class Handler>
struct Route {
    std::string_view method;   // "GET", "POST", ...
    std::string_view pattern;  // "/v1/orgs/<ods>/grants"
    Handler handler;

    // "GET /v1/orgs/<ods>/grants".
    std::string name() const {
        std::string text(method);
        text += ' ';
        text += pattern;
        return text;
    }
};

template <class Handler>
struct RouteMatch {
    const Route<Handler>* route = nullptr;
    PathCaptures captures;
};

// The first entry of `table` for `method` whose pattern matches `segments`.
template <class Handler>
std::optional<RouteMatch<Handler>> find_route(std::span<const Route<Handler>> table,
                                              std::string_view method,
                                              const std::vector<std::string>& segments) {
    for (const auto& route : table) {
        if (route.method != method) {
            continue;
        }
        if (auto captures = match_path(route.pattern, segments)) {
            return RouteMatch<Handler>{&route, std::move(*captures)};
        }
    }
    return std::nullopt;
}

}  // namespace dspt::server::api
