// `dspt items` and `dspt show`: the items of the store's standards year, their
// state, and one item in full. An item carried over from the previous year and
// not yet reviewed shows as "to review": it counts towards no level until then.

#include <map>
#include <memory>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/conflict_values.hpp"
#include "client/store/evidence_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

using assessment::ItemState;
using standards::Item;

struct ItemsOptions {
    int standard = 0;
    std::string missing;  // "approaching" or "met"
    bool json = false;
};

struct ShowOptions {
    std::string item;
    bool json = false;
};

std::map<std::string, std::size_t, std::less<>> evidence_counts(
    const assessment::Assessment& assessment) {
    std::map<std::string, std::size_t, std::less<>> counts;
    for (const auto& ref : assessment.evidence) {
        ++counts[ref.item_id];
    }
    return counts;
}

ItemState state_of(const Item& item, const assessment::Assessment& assessment,
                   const std::map<std::string, std::size_t, std::less<>>& counts) {
    const auto answer = assessment.answers.find(item.id);
    const auto count = counts.find(item.id);
    return assessment::item_state(item,
                                  answer == assessment.answers.end() ? nullptr : &answer->second,
                                  count == counts.end() ? 0 : count->second);
}

// The state shown for an item carried over from the previous year and not yet
// reviewed.
constexpr std::string_view kToReview = "to review";

// What `dspt items` adds to the state of an item changed on two devices at once.
constexpr std::string_view kInConflict = ", in conflict";

// The items of the chosen assessment whose answer is in conflict.
std::set<std::string, std::less<>> conflicted_items(LocalStore& store) {
    std::set<std::string, std::less<>> items;
    for (const auto& conflict : open_conflicts(store)) {
        if (conflict.register_key.starts_with("answer/")) {
            items.insert(conflict.register_key.substr(7));
        }
    }
    return items;
}

nlohmann::json mandatory_json(const Item& item) {
    // What each level needs: Standards Met needs the Approaching Standards items too.
    return {{"approaching", item.mandatory_approaching}, {"met", item.needed_for_met()}};
}

void run_items(CommandContext& context, const ItemsOptions& options) {
    bool for_met = false;
    if (!options.missing.empty()) {
        const auto level = standards::parse_level(options.missing);
        if (!level || *level == standards::Level::none) {
            fail(ErrorCode::invalid_argument,
                 "--missing takes approaching, met or exceeded, not \"" + options.missing + "\"");
        }
        for_met = *level != standards::Level::approaching;
    }
    auto store = open_store(context.global);
    const auto assessment = store->assessment();
    const auto counts = evidence_counts(assessment);
    const auto to_review = store->items_to_review();
    const auto conflicted = conflicted_items(*store);

    nlohmann::json json = nlohmann::json::array();
    std::vector<std::vector<std::string>> rows{{"ID", "TYPE", "AS", "SM", "STATE", "TITLE"}};
    for (const auto& item : store->pack().items) {
        if (options.standard != 0 && item.standard != options.standard) {
            continue;
        }
        const auto state = state_of(item, assessment, counts);
        if (!options.missing.empty()) {
            const bool mandatory = for_met ? item.needed_for_met() : item.mandatory_approaching;
            if (!mandatory || state == ItemState::satisfied) {
                continue;
            }
        }
        const bool review = to_review.contains(item.id);
        const bool conflict = conflicted.contains(item.id);
        const std::string state_name(review ? kToReview : assessment::to_string(state));
        json.push_back({{"id", item.id},
                        {"standard", item.standard},
                        {"title", item.title},
                        {"type", standards::to_string(item.type)},
                        {"mandatory", mandatory_json(item)},
                        {"state", state_name},
                        {"to_review", review},
                        {"conflict", conflict},
                        {"source", standards::to_string(item.source)}});
        rows.push_back(
            {item.id, std::string(standards::to_string(item.type)),
             item.mandatory_approaching ? "yes" : "-", item.needed_for_met() ? "yes" : "-",
             state_name + (conflict ? std::string(kInConflict) : std::string()), item.title});
    }
    if (options.json) {
        *context.out << json.dump(2) << "\n";
    } else {
        print_table(*context.out, rows);
    }
}

void run_show(CommandContext& context, const ShowOptions& options) {
    auto store = open_store(context.global);
    const auto& item = store->item(options.item);
    auto answer = store->answer(item.id);
    // An item this assessment has not answered shows the organisation-wide answer.
    const bool inherited = !answer && (answer = store->inherited_answer(item.id)).has_value();
    const auto evidence = store->evidence().list(item.id);
    const auto plan = store->plan();
    const auto entry = plan.find(item.id);
    const auto fallback = store->fallback_scope();
    const bool to_review =
        store->items_to_review().contains(item.id) ||
        (inherited && fallback && store->items_to_review(*fallback).contains(item.id));
    const auto state = assessment::item_state(item, answer ? &*answer : nullptr, evidence.size());
    const auto conflict = find_conflict(*store, "answer/" + item.id);
    const auto values = conflict ? conflict_values(*conflict, store->info().replica_id)
                                 : std::vector<ConflictValue>{};
    const std::string state_name(to_review ? kToReview : assessment::to_string(state));

    nlohmann::json json = {{"id", item.id},
                           {"standard", item.standard},
                           {"title", item.title},
                           {"question", item.question},
                           {"type", standards::to_string(item.type)},
                           {"guidance", item.comment},
                           {"mandatory", mandatory_json(item)},
                           {"source", standards::to_string(item.source)},
                           {"state", state_name},
                           {"to_review", to_review},
                           {"answer", nullptr},
                           {"evidence", nlohmann::json::array()},
                           {"plan", nullptr},
                           {"conflict", nullptr}};
    if (conflict) {
        auto listed = nlohmann::json::array();
        for (const auto& value : values) {
            listed.push_back(
                {{"value", value.removed ? nlohmann::json() : nlohmann::json(value.value)},
                 {"comment", value.comment},
                 {"author", value.author},
                 {"device", value.device_label()},
                 {"this_device", value.this_device},
                 {"replica_id", value.replica_id},
                 {"at", value.at_ms == 0 ? nlohmann::json()
                                         : nlohmann::json(format_time_iso(value.at_ms))}});
        }
        json["conflict"] = {{"values", listed}};
    }
    if (answer) {
        json["answer"] = {{"value", answer->value},
                          {"comment", answer->comment},
                          {"answered_by", answer->answered_by},
                          {"answered_at", format_time(answer->answered_at_ms)},
                          {"organisation_wide", inherited}};
    }
    for (const auto& file : evidence) {
        json["evidence"].push_back({{"id", file.id},
                                    {"name", file.name},
                                    {"size", file.size},
                                    {"to_review", file.transfer == EvidenceTransfer::carried}});
    }
    if (entry != plan.end()) {
        json["plan"] = {{"action", entry->second.action},
                        {"owner", entry->second.owner},
                        {"due", entry->second.due.to_string()}};
    }
    if (options.json) {
        *context.out << json.dump(2) << "\n";
        return;
    }

    auto& out = *context.out;
    out << item.id << "  " << item.title << "\n"
        << "Standard " << item.standard << ", " << standards::to_string(item.type) << " item; "
        << (item.mandatory_approaching && item.mandatory_met
                ? "mandatory for Approaching Standards and Standards Met"
            : item.mandatory_approaching
                ? "mandatory for Approaching Standards (so Standards Met needs it too)"
            : item.mandatory_met ? "mandatory for Standards Met"
                                 : "optional: shown and answered, never needed for a level")
        << (item.source == standards::Source::inferred ? " (inferred: check the official list)"
                                                       : "")
        << "\n\n"
        << item.question << "\n";
    if (!item.comment.empty()) {
        out << "Guidance: " << item.comment << "\n";
    }
    out << "\nState:    " << state_name << "\n";
    if (conflict) {
        out << "Conflict: changed on two devices at once; it keeps every value until one is "
               "chosen ('dspt conflicts', then 'dspt resolve "
            << item.id << "'):\n";
        for (const auto& value : values) {
            out << "          "
                << (value.removed ? std::string("(answer removed)")
                                  : nlohmann::json(value.value).dump())
                << " by " << (value.author.empty() ? "someone" : value.author) << " on "
                << value.device_label();
            if (value.at_ms != 0) {
                out << ", " << local_moment_text(value.at_ms);
            }
            out << "\n";
        }
    }
    if (to_review) {
        out << "          carried over from the previous year; it counts once reviewed: 'dspt "
               "review "
            << item.id << "' keeps it as it is, 'dspt answer " << item.id << " ...' changes it\n";
    }
    if (answer) {
        const char* label =
            item.type == standards::AnswerType::document ? "Location: " : "Answer:   ";
        out << label << answer->value << "\n";
        if (!answer->comment.empty()) {
            out << "Comment:  " << answer->comment << "\n";
        }
        out << "By:       " << answer->answered_by << " at " << format_time(answer->answered_at_ms)
            << " UTC" << (inherited ? ", for the whole organisation" : "") << "\n";
    } else {
        out << "Answer:   (none)\n";
    }
    for (const auto& file : evidence) {
        out << "Evidence: " << file.name << " (" << human_size(file.size) << ", id " << file.id
            << (file.transfer == EvidenceTransfer::carried ? ", to review" : "") << ")\n";
    }
    if (entry != plan.end()) {
        out << "Plan:     " << entry->second.action << " (owner " << entry->second.owner << ", due "
            << entry->second.due.to_string() << ")\n";
    }
}

}  // namespace

void add_item_commands(CLI::App& app, CommandContext& context) {
    auto* items = app.add_subcommand("items", "List the items with their state");
    auto items_options = std::make_shared<ItemsOptions>();
    items->add_option("--standard", items_options->standard, "Only this standard (1-10)")
        ->check(CLI::Range(1, 10));
    items->add_option("--missing", items_options->missing,
                      "Only the mandatory items not yet satisfied for LEVEL (approaching, met)");
    items->add_flag("--json", items_options->json, "Machine-readable output");
    on_run(items, context, [&context, items_options] { run_items(context, *items_options); });

    auto* show = app.add_subcommand("show", "Show one item: question, answer, evidence, plan");
    auto show_options = std::make_shared<ShowOptions>();
    show->add_option("ITEM", show_options->item, "Item id, e.g. 1.1.1")->required();
    show->add_flag("--json", show_options->json, "Machine-readable output");
    on_run(show, context, [&context, show_options] { run_show(context, *show_options); });
}

}  // namespace dspt::client
