#pragma once
// The standards pack model: one DSPT year's list of evidence items for care
// providers, with the level each item is mandatory for.
//
// A Pack is plain data. It is built by the loader (loader.hpp) from a bundled
// JSON file or from an operator's CSV import, and is immutable afterwards; it is
// safe to share between threads once built.
//
// Item ids are only unique within one year: the toolkit renumbered items between
// years, so data that spans years is keyed on (year, id), never on id alone.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"

namespace dspt::standards {

// How an item is answered (docs/domain.md, "Items and standards packs").
enum class AnswerType {
    confirm,   // a tick-box: yes or no
    text,      // free text
    date,      // a calendar date, YYYY-MM-DD
    document,  // an uploaded file or a stated location where the document is kept
};

// Whether the public guidance confirms the item, or it fills a slot the sources
// leave unidentified and is the project's inference.
enum class Source {
    confirmed,
    inferred,
};

// The levels a care provider can publish at, in increasing order. `none` is an
// assessment that has not reached Approaching Standards.
enum class Level {
    none,
    approaching,  // Approaching Standards: every AS-mandatory item satisfied
    met,          // Standards Met: every SM-mandatory item satisfied
    exceeded,     // Standards Exceeded: Standards Met plus current Cyber Essentials Plus
};

struct Item {
    std::string id;        // "1.1.1"; unique within the pack
    int standard = 0;      // National Data Guardian standard, 1..10
    std::string title;     // a short title, in this project's words
    std::string question;  // what the user is asked, in this project's words
    AnswerType type = AnswerType::confirm;
    std::string comment;  // optional guidance shown with the item; may be empty
    bool mandatory_approaching = false;
    bool mandatory_met = false;
    Source source = Source::confirmed;

    // Whether Standards Met needs this item: mandatory for it, or mandatory for
    // Approaching Standards, since each level includes every lower one. The
    // toolkit marks a few items mandatory for Approaching Standards only.
    bool needed_for_met() const noexcept { return mandatory_met || mandatory_approaching; }

    // Field-by-field equality; used by round-trip tests and by callers that
    // compare an imported pack with a bundled one.
    friend bool operator==(const Item&, const Item&) = default;
};

struct Pack {
    std::string year;         // "2025-26"
    std::string version;      // the toolkit version, e.g. "v8"; may be empty
    std::vector<Item> items;  // in toolkit order (standard, then id)
    // The day the toolkit opened this version for publishing. A version opens
    // some weeks after the year's 1 July start (version 8, 2025-26, opened in
    // September 2025); until then the previous version stays the open one.
    // Absent in a pack that does not say: opening_date() then takes 1 July.
    std::optional<Date> opens{};

    // The item with this id, or nullptr.
    const Item* find(std::string_view id) const noexcept;

    // The day this version opened: `opens`, or 1 July of the year's first
    // calendar year when the pack does not say.
    Date opening_date() const noexcept;

    // Number of items Approaching Standards needs, and Standards Met needs
    // (needed_for_met(): its own mandatory items and Approaching Standards').
    std::size_t count_mandatory_approaching() const noexcept;
    std::size_t count_mandatory_met() const noexcept;

    // Equal year, version and items in the same order.
    friend bool operator==(const Pack&, const Pack&) = default;
};

// Stable lower-case names used in packs, CSV, JSON output and the CLI:
// "confirm", "text", "date", "document"; "confirmed", "inferred";
// "none", "approaching", "met", "exceeded".
std::string_view to_string(AnswerType type) noexcept;
std::string_view to_string(Source source) noexcept;
std::string_view to_string(Level level) noexcept;
std::optional<AnswerType> parse_answer_type(std::string_view text) noexcept;
std::optional<Source> parse_source(std::string_view text) noexcept;
std::optional<Level> parse_level(std::string_view text) noexcept;

// The level's name as the toolkit publishes it: "Approaching Standards", ...
std::string_view display_name(Level level) noexcept;

// The name of a National Data Guardian standard, 1 to 10 ("Personal
// Confidential Data", ...); "" for any other number.
std::string_view standard_name(int standard) noexcept;

}  // namespace dspt::standards
