// `dspt outbox` and `dspt outbox drop ITEM`: the changes waiting to be sent and
// those the server refused and this store set aside; dropping one set aside,
// at the user's word only.

#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/confirm.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/set_aside_changes.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

// Waiting changes listed at most; the rest are counted.
constexpr std::size_t kListedWaiting = 200;

struct OutboxOptions {
    bool json = false;
    std::string which;
    bool yes = false;
};

void run_list(CommandContext& context, const OutboxOptions& options) {
    auto store = open_store(context.global);
    const auto rows = store->outbox().summary(kListedWaiting);
    const auto waiting = store->outbox().pending_count();
    if (options.json) {
        auto listed = nlohmann::json::array();
        std::vector<OutboxSummary> set_aside;
        for (const auto& row : rows) {
            if (!row.set_aside.empty()) {
                set_aside.push_back(row);
                continue;
            }
            listed.push_back({{"item", row.item},
                              {"change", row.register_key},
                              {"scope", row.scope},
                              {"seq", row.seq},
                              {"made_at", format_time_iso(row.created_at_ms)}});
        }
        *context.out << nlohmann::json{{"waiting", waiting},
                                       {"listed", listed},
                                       {"set_aside", set_aside_json(set_aside)}}
                            .dump(2)
                     << "\n";
        return;
    }
    if (rows.empty()) {
        *context.out << "Nothing waits to be sent and nothing is set aside.\n";
        return;
    }
    std::vector<std::vector<std::string>> table{{"SEQ", "CHANGE", "SCOPE", "MADE", "STATE"}};
    std::size_t listed = 0;
    for (const auto& row : rows) {
        listed += row.set_aside.empty() ? 1 : 0;
        table.push_back({std::to_string(row.seq), row.register_key, row.scope,
                         format_time(row.created_at_ms),
                         row.set_aside.empty() ? "waiting" : "set aside: " + row.set_aside});
    }
    print_table(*context.out, table);
    if (waiting > listed) {
        *context.out << "... and " << waiting - listed << " more waiting.\n";
    }
    if (listed < rows.size()) {
        *context.out << "A change set aside was refused by the server: answer its item again to "
                        "replace it, or discard it with 'dspt outbox drop ITEM'.\n";
    }
}

void run_drop(CommandContext& context, const OutboxOptions& options) {
    auto store = open_store(context.global);
    const auto found = find_set_aside(*store, options.which);
    if (found.empty()) {
        fail(ErrorCode::not_found,
             "no change of " + options.which + " is set aside (dspt outbox lists them)");
    }
    std::string question = "Discard " + std::to_string(found.size()) +
                           (found.size() == 1 ? " change" : " changes") + " set aside?";
    for (const auto& entry : found) {
        question += "\n  " + describe_set_aside(entry);
    }
    question += "\nThe server's value comes back at the next sync; this is not undone.";
    if (!confirmed(context, question, options.yes,
                   "nothing discarded: confirm on a terminal, or pass --yes")) {
        *context.out << "Nothing discarded.\n";
        return;
    }
    const auto dropped = drop_set_aside(*store, options.which);
    for (const auto& entry : dropped) {
        *context.out << "Discarded " << entry.register_key
                     << (entry.scope.empty() ? "" : " of " + entry.scope) << ".\n";
    }
}

}  // namespace

void add_outbox_commands(CLI::App& app, CommandContext& context) {
    auto* outbox = app.add_subcommand(
        "outbox", "List the changes waiting to be sent and those set aside, refused by the server");
    auto list = std::make_shared<OutboxOptions>();
    outbox->add_flag("--json", list->json, "Machine-readable output");
    outbox->require_subcommand(0, 1);
    // The listing is the action only when no subcommand was chosen, whichever
    // callback runs first.
    outbox->callback([&context, list, outbox] {
        if (outbox->get_subcommands().empty()) {
            context.action = [&context, list] { run_list(context, *list); };
        }
    });

    auto* drop = outbox->add_subcommand(
        "drop", "Discard the changes of ITEM set aside, after asking (they are not sent)");
    auto options = std::make_shared<OutboxOptions>();
    drop->add_option("ITEM", options->which,
                     "An item id, or a change as 'dspt outbox' lists it (evidence/<id>)")
        ->required();
    drop->add_flag("--yes", options->yes, "Do not ask (for scripts)");
    on_run(drop, context, [&context, options] { run_drop(context, *options); });
}

}  // namespace dspt::client
