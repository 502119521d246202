// `dspt plan set|list|remove`: the action plan for items not yet satisfied.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/actions/plan_change.hpp"
#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct PlanOptions {
    std::string item;
    std::string action;
    std::string owner;
    std::string due;
    bool json = false;
};

void run_set(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    const auto entry =
        apply_plan_change(*store, {options.item, options.action, options.owner, options.due});
    *context.out << "Planned for " << entry.item_id << ": " << entry.action << " (owner "
                 << entry.owner << ", due " << entry.due.to_string() << ")\n";
}

void run_list(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    const auto plan = store->plan();
    if (options.json) {
        auto json = nlohmann::json::array();
        for (const auto& [item_id, entry] : plan) {
            json.push_back({{"item", item_id},
                            {"action", entry.action},
                            {"owner", entry.owner},
                            {"due", entry.due.to_string()}});
        }
        *context.out << json.dump(2) << "\n";
        return;
    }
    if (plan.empty()) {
        *context.out << "The action plan is empty.\n";
        return;
    }
    std::vector<std::vector<std::string>> rows{{"ITEM", "DUE", "OWNER", "ACTION"}};
    for (const auto& [item_id, entry] : plan) {
        rows.push_back({item_id, entry.due.to_string(), entry.owner, entry.action});
    }
    print_table(*context.out, rows);
}

void run_remove(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    store->remove_plan_entry(options.item);
    *context.out << "Removed the action plan entry for " << options.item << ".\n";
}

}  // namespace

void add_plan_commands(CLI::App& app, CommandContext& context) {
    auto* group = app.add_subcommand("plan", "The action plan: set, list, remove");
    group->require_subcommand(1);
    auto options = std::make_shared<PlanOptions>();

    auto* set = group->add_subcommand("set", "Set the action for an item");
    set->add_option("ITEM", options->item, "Item id")->required();
    set->add_option("--action", options->action, "What will be done")->required();
    set->add_option("--owner", options->owner, "Who will do it")->required();
    set->add_option("--due", options->due, "By when, YYYY-MM-DD")->required();
    on_run(set, context, [&context, options] { run_set(context, *options); });

    auto* list = group->add_subcommand("list", "List the action plan");
    list->add_flag("--json", options->json, "Machine-readable output");
    on_run(list, context, [&context, options] { run_list(context, *options); });

    auto* remove = group->add_subcommand("remove", "Remove an item's action plan entry");
    remove->add_option("ITEM", options->item, "Item id")->required();
    on_run(remove, context, [&context, options] { run_remove(context, *options); });
}

}  // namespace dspt::client
