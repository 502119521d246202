// `dspt sync` and `dspt conflicts`: exchanging changes with the server, and
// the conflicts it kept.

#include <memory>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/server_session.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/recovery_upload.hpp"
#include "client/sync/sync_engine.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

void run_sync(CommandContext& context, bool json) {
    ServerSession session(context);
    const auto report = sync_once(session.store(), session.api(), session.identity());
    if (json) {
        *context.out << nlohmann::json{{"pushed", report.pushed},
                                       {"new_conflicts", report.conflicts},
                                       {"pulled", report.pulled},
                                       {"open_conflicts", report.open_conflicts}}
                            .dump(2)
                     << "\n";
        return;
    }
    *context.out << "Sent " << report.pushed << " change" << (report.pushed == 1 ? "" : "s")
                 << ", received " << report.pulled << ".";
    if (report.open_conflicts > 0) {
        *context.out << " " << report.open_conflicts
                     << " item(s) were changed on two devices at once: see 'dspt conflicts'.";
    }
    *context.out << "\n";
}

void run_conflicts(CommandContext& context, bool json) {
    auto store = open_store(context.global);
    const auto conflicts = open_conflicts(*store);
    if (json) {
        auto rows = nlohmann::json::array();
        for (const auto& conflict : conflicts) {
            rows.push_back({{"register", conflict.register_key}, {"values", conflict.siblings}});
        }
        *context.out << rows.dump(2) << "\n";
        return;
    }
    if (conflicts.empty()) {
        *context.out << "No conflicts.\n";
        return;
    }
    for (const auto& conflict : conflicts) {
        *context.out << conflict.register_key << ":\n";
        for (const auto& sibling : conflict.siblings) {
            const auto& value = sibling["value"];
            *context.out << "  - "
                         << (value.is_object() && value.contains("value") ? value["value"].dump()
                                                                          : value.dump())
                         << " by " << sibling.value("author", std::string("?"))
                         << " (device replica " << sibling.value("replica_id", std::string())
                         << ")\n";
        }
    }
}

struct ResolveOptions {
    std::string item;
    std::string keep;  // a replica id, or a prefix of one
    std::optional<std::string> value;
};

void run_resolve(CommandContext& context, const ResolveOptions& options) {
    if (options.keep.empty() == !options.value.has_value()) {
        fail(ErrorCode::invalid_argument, "give --keep REPLICA or --value VALUE");
    }
    auto store = open_store(context.global);
    const auto& item = store->item(options.item);
    const auto key = "answer/" + item.id;
    const auto conflict = find_conflict(*store, key);
    if (!conflict) {
        fail(ErrorCode::failed_precondition, "item " + item.id + " has no conflict to resolve");
    }
    std::string value;
    std::string comment;
    if (options.value) {
        value = *options.value;
    } else {
        const nlohmann::json* chosen = nullptr;
        for (const auto& sibling : conflict->siblings) {
            const auto replica = sibling.value("replica_id", std::string());
            if (replica.starts_with(options.keep)) {
                if (chosen != nullptr) {
                    fail(ErrorCode::invalid_argument,
                         "'" + options.keep + "' names more than one of the values");
                }
                chosen = &sibling;
            }
        }
        if (chosen == nullptr) {
            fail(ErrorCode::not_found, "no value of item " + item.id + " comes from replica '" +
                                           options.keep + "': see 'dspt conflicts'");
        }
        const auto& kept = (*chosen)["value"];
        if (!kept.is_object() || !kept.contains("value") || !kept["value"].is_string()) {
            fail(ErrorCode::invalid_argument,
                 "that value removed the answer: clear it with 'dspt answer " + item.id +
                     " --clear' after resolving with --value");
        }
        value = kept["value"].get<std::string>();
        comment = kept.value("comment", std::string());
    }
    store->set_answer(item.id, value, comment, current_user(), true);
    forget_conflict(*store, key);
    *context.out << "Resolved " << item.id << ": " << value
                 << ". Every device shows it after its next sync.\n";
}

}  // namespace

void add_sync_commands(CLI::App& app, CommandContext& context) {
    auto json = std::make_shared<bool>(false);
    auto* sync = app.add_subcommand("sync", "Send this store's changes and receive others'");
    sync->add_flag("--json", *json, "Machine-readable output");
    on_run(sync, context, [&context, json] { run_sync(context, *json); });

    auto* conflicts = app.add_subcommand("conflicts", "List items changed on two devices at once");
    conflicts->add_flag("--json", *json, "Machine-readable output");
    on_run(conflicts, context, [&context, json] { run_conflicts(context, *json); });

    auto options = std::make_shared<ResolveOptions>();
    auto* resolve = app.add_subcommand("resolve", "Settle a conflict: keep one value or write one");
    resolve->add_option("ITEM", options->item, "Item id, e.g. 1.1.1")->required();
    resolve->add_option("--keep", options->keep, "Keep the value of this replica (or a prefix)");
    resolve->add_option("--value", options->value, "Write this value instead");
    on_run(resolve, context, [&context, options] { run_resolve(context, *options); });
}

}  // namespace dspt::client
