#pragma once
// Internal to common/standards: the checks shared by the JSON loader, the CSV
// importer and validate_pack(), so the three agree on what a valid pack is.
//
// The checks return a description of the first problem instead of throwing,
// because each caller words the location differently: the JSON loader adds the
// line of the offending field, the CSV importer the line of the record, and
// validate_pack() only the origin.
//
// All functions are pure and thread-safe.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/standards/pack.hpp"

namespace dspt::standards::detail {

// One problem with an item. `field` names the offending field as it is spelt
// in packs and CSV headers ("id", "title", "met", ...), so a caller can point
// at it; `message` is a complete sentence fragment such as `title is empty`.
struct ItemProblem {
    std::string field;
    std::string message;
};

// The three numeric parts of an id "S.A.N" (each 1..999, no leading zeros), or
// nullopt when the id is not of that form.
std::optional<std::array<int, 3>> parse_item_id(std::string_view id) noexcept;

// True when `year` is "YYYY-YY" naming two consecutive years ("2025-26",
// "2099-00").
bool is_valid_year(std::string_view year) noexcept;

// The reason `year` is rejected, for error messages.
std::string year_problem(std::string_view year);

// `text` in double quotes for an error message, safe to print or to put in
// JSON: control characters and bytes that are not valid UTF-8 become '?', and
// text longer than 60 bytes is cut (at a character boundary) and ends "...".
std::string quote_for_message(std::string_view text);

// The first problem with one item on its own: id form, id matching the
// standard, standard 1..10, non-blank title and question, valid UTF-8 text,
// and Approaching Standards implying Standards Met. nullopt when the item is
// valid. Duplicate ids are a pack-level check and are not seen here.
std::optional<ItemProblem> check_item(const Item& item);

// Toolkit order: by standard, then by the numeric parts of the id. Ids that do
// not parse sort after those that do, by text. A strict weak ordering.
// An answer type as item lists spell it ("Checkbox", "Free text", "yes/no",
// "Document upload", ...), whatever its case and surrounding spaces; nullopt
// for a word neither importer knows.
std::optional<AnswerType> parse_type_word(std::string_view word);

// Why a pack's opening date cannot be right: it falls outside the pack's year
// (1 July of the first calendar year to 30 June of the second). nullopt when it
// is absent or within.
std::optional<std::string> opening_problem(const Pack& pack);

bool toolkit_order_less(const Item& a, const Item& b) noexcept;

// The list of accepted answer type names, for messages:
// "confirm, text, date, document".
std::string_view answer_type_names() noexcept;

}  // namespace dspt::standards::detail
