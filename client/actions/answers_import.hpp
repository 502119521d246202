#pragma once
// Importing the answers spreadsheet (`dspt import FILE.csv`): a manager
// exports the answers, fills in the spreadsheet away from the laptop or shares
// it with colleagues, and brings it back in one step. The rows come from
// report::read_answers_csv; this checks them against the chosen assessment and
// records every change at once.

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

// Checks every row first, and refuses (invalid_argument, one line per problem
// with the row's line in `origin`, at most 20) when any row is wrong: an item
// not in the store's year, an answer the item's type does not take, an answer
// for a document item or a location for another, a comment for an item with
// no answer, an item changed on two devices at once. Nothing is written then.
// Otherwise the rows that change something are recorded in one transaction, as
// `by`. A row equal to what the store holds records nothing, so an item carried
// over from the previous year stays to review ('dspt review' keeps it).
ImportResult import_answers(LocalStore& store, const std::vector<report::ImportedAnswer>& rows,
                            std::string_view origin, std::string_view by);

}  // namespace dspt::client
