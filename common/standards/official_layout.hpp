#pragma once
// NHS England's evidence-item spreadsheet ("Assertions and Evidence items"),
// as the toolkit publishes it for each version, read into a standards pack
// (README.md, "Importing the official item list", and docs/domain.md, "Items
// and standards packs", describe it for users).
//
// The sheet lists every evidence item of every organisation category on one
// row, with a set of columns per category. Headings are matched ignoring case,
// spaces and punctuation ("Evidence text - Others (Category 3)" and
// "evidence text-others (category 3)" are the same heading). Columns read:
//
//   Evidence reference    the item id, "1.1.1" ("Evidence ref", "Evidence
//                         item reference", "Ref" and "Reference" also match).
//   Evidence text - C     the question, for category C. A row whose text for
//                         C is blank is an item of other categories: skipped.
//   Tool tips - C         the guidance shown with the item (optional).
//   Mandatory - C         mandatory for Standards Met ("Standards Met -
//                         C", "Mandatory (Standards Met) - C" also match);
//                         a column without a category applies to all.
//   Approaching Standards - C
//                         mandatory for Approaching Standards; likewise.
//   Type - C              how the item is answered, when the sheet says
//                         (optional; "Evidence type", "Answer type").
//   Title                 a short title, when the sheet has one (it does
//                         not: see derive_title).
// Other columns (Assertion, exemptions, change from the previous version)
// are not read. Flags are yes or no (also y/n, true/false, 1/0, mandatory,
// "not mandatory", optional); a blank flag is no.
//
// The category C is the one named (--category), or by default the first of
// "Others (Category 3)", "Category 3", "Social Care" the sheet has a text
// column for: care providers are category 3. A name matches the heading's
// words after "Evidence text" exactly, or else as a part of them, if just one.
// Every item read is marked confirmed: it is the official list.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// One row of a table as read from a CSV file or a sheet, and where it is.
struct TableRow {
    std::size_t line = 0;  // the CSV line, or the sheet's row number
    std::vector<std::string> cells;
};

// What the official layout was read with.
struct OfficialLayoutResult {
    Pack pack;             // validated; year as given, no version or opening date
    std::string category;  // the category's words as the sheet's heading has them
};

// Whether `cells` look like the official sheet's header row: an evidence
// reference heading, or an "Evidence text ..." heading.
bool is_official_header(const std::vector<std::string>& cells);

// Reads `rows`, whose first is the header, for `year`. `category` empty takes
// the default above. Errors: Error(ErrorCode::malformed_pack,
// "<origin>:<line>: <reason>"); a missing column names it and lists the
// headings found.
OfficialLayoutResult import_official_rows(const std::vector<TableRow>& rows, std::string_view year,
                                          std::string_view category, std::string_view origin);

// A short title made from an item's text, since the sheet has none: its first
// sentence, cut to at most eight words (ending "..." when cut), without a
// closing question mark or full stop.
std::string derive_title(std::string_view text);

// The answer type an item's text asks for, when the sheet does not say:
// document when it asks to upload or attach; date when it asks "when" or for
// a date; text when it asks a question (how, what, which, who, describe,
// explain, list, name, provide, give, outline, please); a tick box otherwise,
// for the statements the toolkit asks the organisation to confirm.
AnswerType type_from_wording(std::string_view text);

}  // namespace dspt::standards
