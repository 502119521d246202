#pragma once
// The one reader of what a request target and a form carry: percent-encoded
// path segments (RFC 3986) and application/x-www-form-urlencoded queries and
// form bodies, as browsers send them. The server's API, public search and web
// pages and the client's local screen (`dspt ui`) all read theirs here.
// Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dspt {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// One name or value: '+' is a space, %XX a byte. A malformed %-escape is
// ErrorCode::invalid_argument.
std::string form_decode(std::string_view raw);

// One path segment or query value of a request target (RFC 3986): %XX a
// byte, '+' kept as it is. A malformed %-escape is
// ErrorCode::invalid_argument. The server's API reads its paths with it.
std::string percent_decode(std::string_view raw);

// The segments of a request path after its leading '/', each percent-decoded:
// "/v1/orgs/A%20B" is {"v1", "orgs", "A B"}, "/v1/" is {"v1", ""}, "/" is {""}.
// A malformed %-escape is ErrorCode::invalid_argument.
std::vector<std::string> path_segments(std::string_view path);

// "a=1&b=two+words" as its fields in order; a field without '=' has an empty
// value and empty fields are skipped. A query and a form body read alike.
FormFields parse_form(std::string_view raw);

// The value of a query that may hold one field only, `name`: nullopt when the
// query is empty. Anything else in it (another field, the field twice, a
// malformed %-escape) is ErrorCode::invalid_argument with `usage` as message.
std::optional<std::string> only_field(std::string_view query, std::string_view name,
                                      std::string_view usage);

// `text` %-encoded for a form value: unreserved characters kept, space as '+'.
std::string form_encode(std::string_view text);

// `text` %-encoded for a path segment or query value of a request target, or
// a header's RFC 8187 value: RFC 3986's unreserved characters kept, every
// other byte (space included) as %XX. percent_decode undoes it.
std::string percent_encode(std::string_view text);

}  // namespace dspt
