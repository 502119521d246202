#pragma once
// Importing an official item list given as CSV, so an operator can replace a
// bundled pack with the toolkit's own list (columns documented in README.md,
// "Importing the official item list").

#include <string_view>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) with a header
// row, into a validated pack for `year`. Throws
// Error(ErrorCode::malformed_pack, "<origin>:<line>: <reason>") on a missing
// column, a bad value, a duplicate id or an unterminated quote.
Pack import_pack_csv(std::string_view text, std::string_view year, std::string_view origin);

}  // namespace dspt::standards
