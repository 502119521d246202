#pragma once
// Importing an official item list given as CSV, so an operator can replace a
// bundled pack with the toolkit's own list (README.md, "Importing the official
// item list", copies the column description below).
//
// ---------------------------------------------------------------------------
// CSV columns
//
// The first non-blank row is a header. Column names are matched ignoring case
// and surrounding spaces, in any order; columns with other names are ignored,
// so a spreadsheet may keep its own notes alongside.
//
//   Required
//     id           The item id, three numbers separated by dots: 1.1.1, 10.2.1.
//                  Unique within the file.
//     standard     The National Data Guardian standard, 1 to 10. May be left
//                  blank: it is then taken from the id's first number. When
//                  given, it must match that number.
//     title        A short title. Must not be blank.
//     question     What the user is asked. Must not be blank.
//     type         How the item is answered:
//                    confirm   (also: checkbox, yes/no, y/n)   a tick box
//                    text      (also: free text)              free text
//                    date                                     a calendar date
//                    document  (also: doc, upload)            a file, or where it is kept
//     approaching  Mandatory for Approaching Standards: yes or no.
//     met          Mandatory for Standards Met: yes or no. An item mandatory
//                  for Approaching Standards must also be mandatory for
//                  Standards Met.
//   Optional
//     comment      Guidance shown with the item. Blank for none.
//     source       confirmed or inferred. Blank or absent means confirmed,
//                  since an official list is authoritative.
//
// yes/no columns also accept true/false, y/n and 1/0. Every keyword (type,
// booleans, source) ignores case. Values are trimmed of surrounding spaces.
//
// The file follows RFC 4180, as spreadsheet programs write it: UTF-8 text,
// with or without a byte order mark; CRLF or LF line ends; a field containing
// commas, quotes or line breaks is enclosed in double quotes, and a quote
// inside it is doubled (""). Blank rows are skipped. Items may be in any
// order; the pack lists them by standard, then id.
//
// Errors name the file and the line where the offending row starts, e.g.
//   items.csv:1: missing column "met"
//   items.csv:7: type "number" is not one of confirm, text, date, document
//   items.csv:9: duplicate id 1.1.1 (first on line 3)
//   items.csv:12: unterminated quoted field
// ---------------------------------------------------------------------------

#include <string_view>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// Parses CSV `text` as described above into a pack for `year` ("2025-26"),
// validated with validate_pack(); its version is empty. `origin` (usually the
// file name) starts every error message. Throws
// Error(ErrorCode::malformed_pack, "<origin>:<line>: <reason>") for a problem
// in the text, and "<origin>: <reason>" for a malformed `year`. Pure and
// thread-safe.
Pack import_pack_csv(std::string_view text, std::string_view year, std::string_view origin);

}  // namespace dspt::standards
