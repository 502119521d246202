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
    ImportChange change;                         // with the edit
    std::string problem;
};

Checked refused(std::string problem) {
    Checked checked;
    checked.problem = std::move(problem);
    return checked;
}

Checked check_row(LocalStore& store, const report::ImportedAnswer& row) {
    const auto* item = store.pack().find(row.item_id);
    if (item == nullptr) {
        return refused("there is no item " + row.item_id + " in the " + store.pack().year +
                       " standards");
    }
    if (find_conflict(store, "answer/" + item->id)) {
        return refused("item " + item->id +
                       " was changed on two devices at once: settle it first with "
                       "'dspt resolve' (see 'dspt conflicts')");
    }
    const bool document = item->type == standards::AnswerType::document;
    if (document && row.answer) {
        return refused("item " + item->id +
                       " is a document item: write where the document is kept under \"Document "
                       "location\", or attach it with 'dspt evidence add'");
    }
    if (!document && row.location) {
        return refused("item " + item->id + " is a " +
                       std::string(standards::to_string(item->type)) +
                       " item: \"Document location\" is for document items");
    }
    const auto& raw = document ? row.location : row.answer;
    std::optional<std::string> value;
    if (raw) {
        try {
            value = assessment::normalise_value(*item, *raw);
        } catch (const Error& e) {
            return refused(e.what());
        }
    }
    const auto existing = store.answer(item->id);
    if (!value && row.comment && !existing) {
        return refused("item " + item->id + " has no answer yet to comment on");
    }
    if (!value && !row.comment) {
        return {};
    }
    const auto new_value = value ? *value : existing->value;
    const auto new_comment = row.comment ? *row.comment : (existing ? existing->comment : "");
    if (existing && existing->value == new_value && existing->comment == new_comment) {
        return {};
    }
    ImportChange change{item->id,
                        item->title,
                        existing ? existing->value : std::string(),
                        new_value,
                        existing ? existing->comment : std::string(),
                        new_comment};
    Checked checked;
    checked.edit = LocalStore::AnswerEdit{item->id, value, row.comment};
    checked.change = std::move(change);
    return checked;
}

}  // namespace

ImportPlan plan_import(LocalStore& store, const std::vector<report::ImportedAnswer>& rows,
                       std::string_view origin) {
    store.require_writable();
    ImportPlan plan;
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
            plan.changes.push_back(std::move(checked.change));
            plan.edits.push_back(std::move(*checked.edit));
        } else {
            ++plan.unchanged;
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
    return plan;
}

ImportResult record_import(LocalStore& store, const ImportPlan& plan, std::string_view by) {
    store.set_answers(plan.edits, by);
    ImportResult result;
    for (const auto& change : plan.changes) {
        result.changed.push_back(change.item_id);
    }
    result.unchanged = plan.unchanged;
    return result;
}

ImportResult import_answers(LocalStore& store, const std::vector<report::ImportedAnswer>& rows,
                            std::string_view origin, std::string_view by) {
    return record_import(store, plan_import(store, rows, origin), by);
}

}  // namespace dspt::client
