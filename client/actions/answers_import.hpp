#pragma once
// Importing the answers spreadsheet (`dspt import FILE.xlsx|FILE.csv`): a
// manager, or head office for a branch, exports the answers, fills in the
// spreadsheet away from the laptop or shares it with colleagues, and brings it
// back in one step. The rows come from report::read_answers_csv or
// read_answers_sheet; this checks them against the chosen assessment, lists
// what would change, and records every change at once.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "client/store/local_store.hpp"
#include "common/report/answers_csv_reader.hpp"

namespace dspt::client {

struct ImportResult {
    std::vector<std::string> changed;  // items whose answer or comment changed, in file order
    std::size_t unchanged = 0;         // rows that say what the store already holds
};

// One item the import would change, for the list shown before asking: its
// answer and comment as the store holds them ("" when there is none) and as
// they would be.
struct ImportChange {
    std::string item_id;
    std::string title;
    std::string old_value;
    std::string new_value;
    std::string old_comment;
    std::string new_comment;
};

// What importing the rows would do, worked out without writing anything.
struct ImportPlan {
    std::vector<ImportChange> changes;          // in file order
    std::vector<LocalStore::AnswerEdit> edits;  // the same, as the store records them
    std::size_t unchanged = 0;                  // rows that say what the store holds
};

// Checks every row (the checks of `dspt answer`) and returns what would change;
// writes nothing. Refuses (invalid_argument, one line per problem with the
// row's line in `origin`, at most 20) when any row is wrong: an item not in
// the store's year, an answer the item's type does not take, an answer for a
// document item or a location for another, a comment for an item with no
// answer, an item changed on two devices at once. A row equal to what the
// store holds changes nothing, so an item carried over from the previous year
// stays to review ('dspt review' keeps it).
ImportPlan plan_import(LocalStore& store, const std::vector<report::ImportedAnswer>& rows,
                       std::string_view origin);

// Records the plan's changes in one transaction, as `by`.
ImportResult record_import(LocalStore& store, const ImportPlan& plan, std::string_view by);

// plan_import, then record_import.
ImportResult import_answers(LocalStore& store, const std::vector<report::ImportedAnswer>& rows,
                            std::string_view origin, std::string_view by);

}  // namespace dspt::client
