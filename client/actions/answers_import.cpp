#include "client/actions/answers_import.hpp"

#include "client/store/sync_state.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

constexpr std::size_t kProblemsShown = 20;

// The row as an edit of the store, or the reason it cannot be one.
struct Checked {
    std::optional<LocalStore::AnswerEdit> edit;  // nullopt: nothing changes
    std::string problem;
};

Checked check_row(LocalStore& store, const report::ImportedAnswer& row) {
    const auto* item = store.pack().find(row.item_id);
    if (item == nullptr) {
        return {std::nullopt,
                "there is no item " + row.item_id + " in the " + store.pack().year + " standards"};
    }
    if (find_conflict(store, "answer/" + item->id)) {
        return {std::nullopt, "item " + item->id +
                                  " was changed on two devices at once: settle it first with "
                                  "'dspt resolve' (see 'dspt conflicts')"};
    }
    const bool document = item->type == standards::AnswerType::document;
    if (document && row.answer) {
        return {std::nullopt,
                "item " + item->id +
                    " is a document item: write where the document is kept under \"Document "
                    "location\", or attach it with 'dspt evidence add'"};
    }
    if (!document && row.location) {
        return {std::nullopt, "item " + item->id + " is a " +
                                  std::string(standards::to_string(item->type)) +
                                  " item: \"Document location\" is for document items"};
    }
    const auto& raw = document ? row.location : row.answer;
    std::optional<std::string> value;
    if (raw) {
        try {
            value = assessment::normalise_value(*item, *raw);
        } catch (const Error& e) {
            return {std::nullopt, e.what()};
        }
    }
    const auto existing = store.answer(item->id);
    if (!value && row.comment && !existing) {
        return {std::nullopt, "item " + item->id + " has no answer yet to comment on"};
    }
    if (!value && !row.comment) {
        return {};
    }
    const auto new_value = value ? *value : existing->value;
    const auto new_comment = row.comment ? *row.comment : (existing ? existing->comment : "");
    if (existing && existing->value == new_value && existing->comment == new_comment) {
        return {};
    }
    return {LocalStore::AnswerEdit{item->id, value, row.comment}, {}};
}

}  // namespace

ImportResult import_answers(LocalStore& store, const std::vector<report::ImportedAnswer>& rows,
                            std::string_view origin, std::string_view by) {
    store.require_writable();
    ImportResult result;
    std::vector<LocalStore::AnswerEdit> edits;
    std::vector<std::string> problems;
    std::size_t problem_count = 0;
    for (const auto& row : rows) {
        auto checked = check_row(store, row);
        if (!checked.problem.empty()) {
            if (++problem_count <= kProblemsShown) {
                problems.push_back(std::string(origin) + ":" + std::to_string(row.line) + ": " +
                                   checked.problem);
            }
        } else if (checked.edit) {
            result.changed.push_back(checked.edit->item_id);
            edits.push_back(std::move(*checked.edit));
        } else {
            ++result.unchanged;
        }
    }
    if (problem_count > 0) {
        std::string message = "nothing was imported: " + std::to_string(problem_count) + " row" +
                              (problem_count == 1 ? "" : "s") + " to correct";
        for (const auto& problem : problems) {
            message += "\n  " + problem;
        }
        if (problem_count > problems.size()) {
            message += "\n  ... and " + std::to_string(problem_count - problems.size()) + " more";
        }
        fail(ErrorCode::invalid_argument, message);
    }
    store.set_answers(edits, by);
    return result;
}

}  // namespace dspt::client
