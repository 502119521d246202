#pragma once
// Changing one item's answer as a person asks for it, from `dspt answer`,
// `dspt review`, `dspt resolve` or the local screen (`dspt ui`): the checks
// that say what to do instead are made here once, so the command line and the
// screen refuse the same things with the same words.

#include <optional>
#include <string>
#include <string_view>

#include "client/store/local_store.hpp"

namespace dspt::client {

struct AnswerChange {
    std::string item;
    std::optional<std::string> value;     // yes/no, text or a date; not for a document item
    std::optional<std::string> comment;   // nullopt keeps the comment
    std::optional<std::string> location;  // where a document item's document is kept
    bool clear = false;                   // remove the answer
};

// Refuses (failed_precondition) an item whose answer was changed on two
// devices at once, saying how to settle it.
void refuse_conflicted(LocalStore& store, const standards::Item& item);

// Applies `change` to the chosen assessment of `store`, as `by`. Refused with
// invalid_argument: a value for a document item, a location for another, a
// clear with anything else, nothing at all; a value the item's type does not
// take (LocalStore::set_answer); a conflicted item (refuse_conflicted).
void apply_answer_change(LocalStore& store, const AnswerChange& change, std::string_view by);

// Keeps an item carried over from the previous year as it stands.
void review_item(LocalStore& store, std::string_view item_id, std::string_view by);

// Settles the conflict of an item's answer: keeps the value written on the
// device whose replica id starts with `keep`, or writes `value` instead
// (exactly one of the two). Returns the value now in force. Refused:
// no conflict (failed_precondition), no or several replicas matching `keep`
// (not_found, invalid_argument), a kept value that removed the answer.
std::string resolve_conflict(LocalStore& store, std::string_view item_id, std::string_view keep,
                             const std::optional<std::string>& value, std::string_view by);

}  // namespace dspt::client
