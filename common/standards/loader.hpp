#pragma once
// Reading and writing standards packs as JSON, with full validation.
//
// The JSON format (documented in README.md, "Standards packs"):
//   { "format": 1, "year": "2025-26", "version": "v8",
//     "items": [ { "id": "1.1.1", "standard": 1, "title": "...", "question": "...",
//                  "type": "text", "comment": "...", "approaching": true, "met": true,
//                  "source": "confirmed" }, ... ] }
// "comment" and "version" are optional; every other field is required, and
// unknown fields are rejected so a typo cannot silently drop a rule.

#include <string>
#include <string_view>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// Parses and validates a pack. On any problem throws
// Error(ErrorCode::malformed_pack, "<origin>:<line>: <reason>"), where <line> is
// the line of the offending item or field in `text`.
Pack parse_pack_json(std::string_view text, std::string_view origin);

// Validates a pack built in memory (for example by the CSV importer): ids unique
// and well formed, standards 1..10, non-empty title and question, an item that is
// mandatory for Approaching Standards also mandatory for Standards Met.
// Throws Error(ErrorCode::malformed_pack, "<origin>: <reason>").
void validate_pack(const Pack& pack, std::string_view origin);

// The pack as JSON in the format above; parse_pack_json(pack_to_json(p)) == p.
std::string pack_to_json(const Pack& pack);

}  // namespace dspt::standards
