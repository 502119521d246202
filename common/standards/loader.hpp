#pragma once
// Reading and writing standards packs as JSON, with full validation.
//
// The JSON format (documented in README.md, "Standards packs"):
//   { "format": 1, "year": "2025-26", "version": "v8", "opens": "2025-09-18",
//     "items": [ { "id": "1.1.1", "standard": 1, "title": "...", "question": "...",
//                  "type": "text", "comment": "...", "approaching": true, "met": true,
//                  "source": "confirmed" }, ... ] }
// "comment", "version" and "opens" are optional; every other field is required, and
// unknown fields are rejected so a typo cannot silently drop a rule. A member
// name may not appear twice in one object.
//
//   format       must be 1; any other value is "unsupported pack format N".
//   year         "YYYY-YY" naming consecutive years: "2025-26", "2099-00".
//   version      the toolkit version, e.g. "v8".
//   opens        the day the toolkit opened this version, "YYYY-MM-DD", within
//                the year (1 July of its first calendar year to 30 June of its
//                second); when absent the version counts as open from 1 July.
//   items        a non-empty array, kept in the order given (the bundled files
//                list items by standard, then numerically by id).
//   id           "S.A.N": three numbers of 1 to 3 digits without leading zeros,
//                the first equal to "standard"; unique within the pack.
//   standard     a whole number, 1..10.
//   title, question
//                non-blank strings.
//   type         "confirm", "text", "date" or "document".
//   comment      guidance shown with the item.
//   approaching, met
//                true or false. An item may be mandatory for Approaching
//                Standards only: Standards Met still needs it, since a level
//                includes every lower one (common/assessment/evaluator.hpp).
//   source       "confirmed" or "inferred".
//
// All functions are pure and thread-safe.

#include <string>
#include <string_view>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// Parses and validates a pack. On any problem throws
// Error(ErrorCode::malformed_pack, "<origin>:<line>: <reason>"), where <line> is
// the line of the offending item or field in `text`: for a syntax error the
// line where parsing stopped (for a string broken by a raw line break, the line
// of that string); for a bad or unknown field, the line of its name; for a
// missing field, the line where its object starts; for a duplicate id, the
// line of the second "id", with the first one's line in the reason. Items are
// named by id ("item 1.1.2: ...") or, when the id is unusable, by position
// ("item #2: ..."). Echoed values are quoted and made safe to print.
Pack parse_pack_json(std::string_view text, std::string_view origin);

// Validates a pack built in memory (for example by the CSV importer): year
// well formed, at least one item, ids unique and well formed, standards 1..10,
// non-blank title and question, valid UTF-8 text, an opening date within the year.
// Throws Error(ErrorCode::malformed_pack, "<origin>: <reason>").
void validate_pack(const Pack& pack, std::string_view origin);

// The pack as JSON in the format above: two-space indentation, fields in the
// order shown, "comment" and "version" omitted when empty, a final newline.
// "opens" is written when the pack has it. The bundled files are in exactly this form.
// parse_pack_json(pack_to_json(p))
// == p for every valid pack; an invalid pack throws as validate_pack does.
std::string pack_to_json(const Pack& pack);

}  // namespace dspt::standards
