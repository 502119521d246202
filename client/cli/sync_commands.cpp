// `dspt sync` and `dspt conflicts`: exchanging changes with the server, and
// the conflicts it kept.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/recovery_upload.hpp"
#include "client/sync/sync_engine.hpp"

namespace dspt::client {

namespace {

void run_sync(CommandContext& context, bool json) {
    auto store = open_store(context.global);
    const auto identity = require_identity(*store);
    TransportOptions options;
    options.ca_file = identity.ca_file;
    const auto transport = make_http_transport(ServerUrl::parse(identity.server_url), options);
    ApiClient api(*transport, identity.device_id, identity.signing);
    send_pending_recovery(*store, api, *context.err);
    const auto report = sync_once(*store, api, identity);
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

}  // namespace

void add_sync_commands(CLI::App& app, CommandContext& context) {
    auto json = std::make_shared<bool>(false);
    auto* sync = app.add_subcommand("sync", "Send this store's changes and receive others'");
    sync->add_flag("--json", *json, "Machine-readable output");
    on_run(sync, context, [&context, json] { run_sync(context, *json); });

    auto* conflicts = app.add_subcommand("conflicts", "List items changed on two devices at once");
    conflicts->add_flag("--json", *json, "Machine-readable output");
    on_run(conflicts, context, [&context, json] { run_conflicts(context, *json); });
}

}  // namespace dspt::client
