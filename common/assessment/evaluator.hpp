#pragma once
// The level evaluator: the one place that says which level an assessment
// reaches and what is missing for each level. The client shows it offline and
// the server runs the same code before it publishes.
//
// Rules (docs/domain.md, "Levels"):
//   - Approaching Standards: every item mandatory for it is satisfied.
//   - Standards Met: every item mandatory for it, and every item mandatory for
//     Approaching Standards, is satisfied (the levels are ordered; the toolkit
//     marks a few items mandatory for Approaching Standards only).
//   - Standards Exceeded: Standards Met and a Cyber Essentials Plus certificate
//     current on the evaluation date. Answering optional items never adds a level.
// An item is satisfied when its answer meets its answer type's rule:
//   confirm "yes"; text non-blank; date a valid date; document at least one
//   evidence file or a non-blank stated location.
//
// Every function here is pure: no I/O, no clock (the date is an argument), and
// safe to call from any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/assessment/assessment.hpp"
#include "common/standards/pack.hpp"

namespace dspt::assessment {

using standards::Level;

enum class ItemState {
    unanswered,  // no answer, no evidence
    answered,    // something is recorded but it does not satisfy the item (e.g. "no")
    satisfied,
};

std::string_view to_string(ItemState state) noexcept;

struct LevelProgress {
    std::size_t satisfied = 0;         // mandatory items satisfied
    std::size_t total = 0;             // mandatory items for the level
    std::vector<std::string> missing;  // ids of mandatory items not satisfied, pack order

    bool reached() const noexcept { return satisfied == total; }
};

struct Evaluation {
    Level level = Level::none;
    LevelProgress approaching;
    LevelProgress met;
    bool cyber_essentials_plus_current = false;
};

// Whether an answer (possibly absent) with `evidence_count` files satisfies the item.
bool satisfies(const standards::Item& item, const Answer* answer, std::size_t evidence_count);

ItemState item_state(const standards::Item& item, const Answer* answer, std::size_t evidence_count);

// The level reached on `as_of` and the progress to each level. Answers to ids
// that are not in the pack are ignored.
Evaluation evaluate(const standards::Pack& pack, const Assessment& assessment, Date as_of);

// Whether the profile's Cyber Essentials Plus certificate is current on `as_of`.
bool cyber_essentials_plus_current(const OrganisationProfile& profile, Date as_of) noexcept;

// The Standards Met items that are not satisfied and have no action-plan entry:
// publishing at Approaching Standards needs this to be empty (docs/domain.md, "Publishing").
std::vector<std::string> items_needing_plan(const standards::Pack& pack,
                                            const Assessment& assessment);

// Checks a raw value typed by a user against the item's answer type and
// returns its canonical form ("Yes" -> "yes", " 2025-06-30 " -> "2025-06-30",
// text trimmed). Throws Error(ErrorCode::invalid_argument) with a message naming
// the item and what it expects.
std::string normalise_value(const standards::Item& item, std::string_view raw);

}  // namespace dspt::assessment
