#pragma once
// application/x-www-form-urlencoded, as browsers send a query or a form: the
// server's public search reads its query with it, and the client's local
// screen (`dspt ui`) its posted forms; the server's API decodes its paths.
// Pure functions.

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

// "a=1&b=two+words" as its fields in order; a field without '=' has an empty
// value and empty fields are skipped.
FormFields parse_form(std::string_view raw);

// `text` %-encoded for a form value: unreserved characters kept, space as '+'.
std::string form_encode(std::string_view text);

}  // namespace dspt
