// `dspt answer`: sets, comments on or clears one item's answer. `dspt review`:
// keeps an item carried over from the previous year as it stands.

#include <memory>
#include <optional>
#include <ostream>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/evidence_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct AnswerOptions {
    std::string item;
    std::optional<std::string> value;
    std::optional<std::string> comment;
    std::optional<std::string> location;
    bool clear = false;
};

void refuse_conflicted(LocalStore& store, const standards::Item& item) {
    if (find_conflict(store, "answer/" + item.id)) {
        fail(ErrorCode::failed_precondition,
             "item " + item.id +
                 " was changed on two devices at once: see 'dspt conflicts', then choose with "
                 "'dspt resolve " +
                 item.id + " --keep REPLICA' or '--value VALUE'");
    }
}

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
    const auto& item = store->item(item_id);
    refuse_conflicted(*store, item);
    store->review(item.id, current_user());
    print_state(*context.out, *store, item, "Reviewed");
}

void run_answer(CommandContext& context, const AnswerOptions& options) {
    auto store = open_store(context.global);
    const auto& item = store->item(options.item);
    refuse_conflicted(*store, item);
    const bool document = item.type == standards::AnswerType::document;
    auto& out = *context.out;

    if (options.clear) {
        if (options.value || options.comment || options.location) {
            fail(ErrorCode::invalid_argument, "--clear takes no value, comment or location");
        }
        store->clear_answer(item.id);
        out << "Cleared the answer to " << item.id << ".\n";
        return;
    }
    if (document && options.value) {
        fail(ErrorCode::invalid_argument,
             "item " + item.id + " is a document item: attach the file with 'dspt evidence add " +
                 item.id + " FILE', or say where it is kept with --location TEXT");
    }
    if (!document && options.location) {
        fail(ErrorCode::invalid_argument,
             "--location is for document items; item " + item.id + " is a " +
                 std::string(standards::to_string(item.type)) + " item");
    }
    const auto& raw = document ? options.location : options.value;
    if (!raw && !options.comment) {
        fail(ErrorCode::invalid_argument, "give a value for item " + item.id +
                                              (document ? " (--location TEXT)" : "") +
                                              ", a --comment, or --clear");
    }
    std::optional<std::string_view> raw_view;
    if (raw) {
        raw_view = *raw;
    }
    std::optional<std::string_view> comment_view;
    if (options.comment) {
        comment_view = *options.comment;
    }
    store->set_answer(item.id, raw_view, comment_view, current_user());
    print_state(out, *store, item, "Answered");
}

}  // namespace

void add_answer_command(CLI::App& app, CommandContext& context) {
    auto* answer = app.add_subcommand(
        "answer", "Answer an item: yes/no, text or YYYY-MM-DD; --location for a document item");
    auto options = std::make_shared<AnswerOptions>();
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
