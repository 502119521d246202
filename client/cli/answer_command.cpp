// `dspt answer`: sets, comments on or clears one item's answer. `dspt review`:
// keeps an item carried over from the previous year as it stands.

#include <memory>
#include <optional>
#include <ostream>

#include "client/actions/answer_change.hpp"
#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/evidence_store.hpp"
#include "common/assessment/evaluator.hpp"

namespace dspt::client {

namespace {

void print_state(std::ostream& out, LocalStore& store, const standards::Item& item,
                 const char* verb) {
    const auto answer = store.answer(item.id);
    std::size_t evidence = 0;  // carried-over files count once reviewed
    for (const auto& file : store.evidence().list(item.id)) {
        evidence += file.transfer == EvidenceTransfer::carried ? 0 : 1;
    }
    const auto state = assessment::item_state(item, answer ? &*answer : nullptr, evidence);
    out << verb << " " << item.id << (answer ? ": " + answer->value : std::string()) << " ("
        << assessment::to_string(state) << ")\n";
}

void run_review(CommandContext& context, const std::string& item_id) {
    auto store = open_store(context.global);
    review_item(*store, item_id, current_user(*store));
    print_state(*context.out, *store, store->item(item_id), "Reviewed");
}

void run_answer(CommandContext& context, const AnswerChange& change) {
    auto store = open_store(context.global);
    apply_answer_change(*store, change, current_user(*store));
    if (change.clear) {
        *context.out << "Cleared the answer to " << store->item(change.item).id << ".\n";
        return;
    }
    print_state(*context.out, *store, store->item(change.item), "Answered");
}

}  // namespace

void add_answer_command(CLI::App& app, CommandContext& context) {
    auto* answer = app.add_subcommand(
        "answer", "Answer an item: yes/no, text or YYYY-MM-DD; --location for a document item");
    auto options = std::make_shared<AnswerChange>();
    answer->add_option("ITEM", options->item, "Item id, e.g. 1.1.1")->required();
    answer->add_option("VALUE", options->value, "yes or no, text, or a date YYYY-MM-DD");
    answer->add_option("--comment", options->comment, "A comment kept with the answer");
    answer->add_option("--location", options->location,
                       "Where a document item's document is kept, when not attached");
    answer->add_flag("--clear", options->clear, "Remove the item's answer");
    on_run(answer, context, [&context, options] { run_answer(context, *options); });

    auto* review = app.add_subcommand(
        "review", "Keep an item carried over from the previous year as it is, so it counts");
    auto item = std::make_shared<std::string>();
    review->add_option("ITEM", *item, "Item id, e.g. 1.1.1")->required();
    on_run(review, context, [&context, item] { run_review(context, *item); });
}

}  // namespace dspt::client
