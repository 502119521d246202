// `dspt sync` and `dspt conflicts`: exchanging changes with the server, and
// the conflicts it kept.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/actions/answer_change.hpp"
#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/progress.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/conflict_values.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/arrivals.hpp"
#include "client/sync/recovery_upload.hpp"
#include "client/sync/retry.hpp"
#include "client/sync/sync_engine.hpp"
#include "client/sync/sync_run.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/date.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct SyncOptions {
    bool json = false;
    std::string server;
    bool watch = false;
    double interval_seconds = 60;
    std::size_t attempts = RetryPolicy{}.attempts;
    std::int64_t retry_delay_ms = RetryPolicy{}.first_delay.count();
};

// Set by SIGINT/SIGTERM while `dspt sync --watch` runs.
volatile std::sig_atomic_t g_stop = 0;

extern "C" void request_stop(int /*signal*/) {
    g_stop = 1;
}

// Sleeps up to `pause`, waking early when asked to stop.
void pause_for(std::chrono::milliseconds pause) {
    const auto until = std::chrono::steady_clock::now() + pause;
    while (g_stop == 0 && std::chrono::steady_clock::now() < until) {
        const auto left = until - std::chrono::steady_clock::now();
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(100)));
    }
}

nlohmann::json arrivals_json(const std::vector<ArrivedChange>& arrived) {
    auto rows = nlohmann::json::array();
    for (const auto& change : arrived) {
        rows.push_back({{"site", change.site},
                        {"register", change.register_key},
                        {"item", change.item_id},
                        {"title", change.title},
                        {"author", change.author},
                        {"replica_id", change.replica_id},
                        {"at", format_time_iso(change.at_ms)}});
    }
    return rows;
}

void print_arrivals(std::ostream& out, const std::vector<ArrivedChange>& arrived) {
    if (arrived.empty()) {
        return;
    }
    out << "From other devices:\n";
    const auto listed = std::min(arrived.size(), kArrivalsListed);
    for (std::size_t i = 0; i < listed; ++i) {
        const auto& change = arrived[i];
        out << "  " << arrival_subject(change) << ", by " << arrival_author(change) << ", "
            << local_moment_text(change.at_ms) << "\n";
    }
    if (arrived.size() > listed) {
        out << "  and " << arrived.size() - listed << " more\n";
    }
}

void print_report(std::ostream& out, const SyncReport& report, bool json) {
    if (json) {
        out << nlohmann::json{{"pushed", report.pushed},
                              {"new_conflicts", report.conflicts},
                              {"pulled", report.pulled},
                              {"open_conflicts", report.open_conflicts},
                              {"files_uploaded", report.files_uploaded},
                              {"chunks_uploaded", report.chunks_uploaded},
                              {"bytes_uploaded", report.bytes_uploaded},
                              {"files_downloaded", report.files_downloaded},
                              {"chunks_downloaded", report.chunks_downloaded},
                              {"bytes_downloaded", report.bytes_downloaded},
                              {"files_waiting", report.files_waiting},
                              {"refused", report.refused},
                              {"set_aside", set_aside_json(report.set_aside)},
                              {"arrived", arrivals_json(report.arrived)}}
                   .dump(2)
            << "\n";
        return;
    }
    out << "Sent " << report.pushed << " change" << (report.pushed == 1 ? "" : "s") << ", received "
        << report.pulled << ".";
    if (report.files_uploaded > 0 || report.chunks_uploaded > 0) {
        out << " Uploaded " << report.files_uploaded << " evidence file(s) ("
            << human_size(report.bytes_uploaded) << ").";
    }
    if (report.files_downloaded > 0 || report.chunks_downloaded > 0) {
        out << " Downloaded " << report.files_downloaded << " evidence file(s) ("
            << human_size(report.bytes_downloaded) << ").";
    }
    if (report.files_waiting > 0) {
        out << " " << report.files_waiting
            << " evidence file(s) from other devices are not wholly on the server yet.";
    }
    for (const auto& reason : report.refused) {
        out << " Refused: " << reason << ".";
    }
    if (report.open_conflicts > 0) {
        out << " " << report.open_conflicts
            << " item(s) were changed on two devices at once: see 'dspt conflicts'.";
    }
    out << "\n";
    print_arrivals(out, report.arrived);
}

// After a sync: the changes set aside, each with its item and the server's
// reason, and what to do about them. Empty when none is.
std::string set_aside_notice(const SyncReport& report) {
    if (report.set_aside.empty()) {
        return {};
    }
    const auto count = report.set_aside.size();
    std::string text = std::to_string(count) + (count == 1 ? " change was" : " changes were") +
                       " refused by the server and set aside (the rest were sent):";
    for (const auto& entry : report.set_aside) {
        text += "\n  " + describe_set_aside(entry);
    }
    text += "\nAnswer the item again to replace it, or discard it with 'dspt outbox drop ITEM'";
    return text;
}

RetryPolicy retry_policy(const SyncOptions& options) {
    RetryPolicy policy;
    policy.attempts = std::max<std::size_t>(options.attempts, 1);
    policy.first_delay = std::chrono::milliseconds(
        std::clamp<std::int64_t>(options.retry_delay_ms, 0, policy.max_delay.count()));
    return policy;
}

void print_backlog(CommandContext& context, const Error& failure) {
    try {
        auto store = open_store(context.global);
        const auto backlog = sync_backlog(*store);
        const bool revoked = failure.code() == ErrorCode::unauthenticated &&
                             std::string_view(failure.what()).find("revoked") != std::string::npos;
        if (revoked) {
            context.next_step_given = true;
            // Nothing was sent or set aside: the server refused the device, not a change.
            *context.err << "dspt: this device's enrolment was revoked; still to send: "
                         << backlog.changes << " change(s) (" << human_size(backlog.bytes)
                         << "), kept here. Ask the organisation for a new enrolment code, then run "
                            "'dspt enrol --again --code CODE' on this store: it keeps the unsent "
                            "work and sends it under the new identity"
                         << (load_organisation_key(*store)
                                 ? " (this store still holds the organisation key)"
                                 : "; this store holds no organisation key, so its evidence "
                                   "needs 'dspt recover-key' too")
                         << "\n";
            return;
        }
        *context.err << "dspt: still to send: " << backlog.changes << " change(s), "
                     << human_size(backlog.bytes)
                     << "; nothing is lost: they are kept on this device and sent by the next "
                        "sync\n";
    } catch (const Error&) {
        // The store itself is the trouble; the sync's own error says so.
    }
}

}  // namespace

// One sync as the commands run it, with a notice on the error stream before
// each retry.
SyncReport sync_with_retry(CommandContext& context, const std::string& server,
                           const RetryPolicy& policy) {
    // Evidence moving shows a progress line on a terminal, one per stage.
    ProgressLine line("Uploading evidence");
    const auto notice = [&context, &line](const Error& failure, std::chrono::milliseconds pause) {
        if (g_stop != 0) {
            throw failure;  // asked to stop: no further attempt
        }
        line.finish();
        *context.err << "dspt: sync interrupted (" << failure.what() << "); trying again in "
                     << pause.count() / 1000.0 << " s\n";
    };
    std::optional<SyncProgress::Stage> stage;
    const auto progress = [&line, &stage](const SyncProgress& moved) {
        if (stage != moved.stage) {
            line.relabel(moved.stage == SyncProgress::Stage::upload ? "Uploading evidence"
                                                                    : "Downloading evidence");
            stage = moved.stage;
        }
        line.update(moved.bytes_done, moved.bytes_total, moved.files_done, moved.files_total);
    };
    struct Ends {
        ProgressLine& line;
        ~Ends() { line.finish(); }
    } ends{line};
    return sync_with_retry([&] { return std::make_unique<CommandSession>(context, server); },
                           policy, notice, pause_for, progress);
}

namespace {

void run_sync(CommandContext& context, const SyncOptions& options) {
    transport_options(context);  // a bad --timeout is refused before the store is opened
    if (!options.watch) {
        SyncReport report;
        try {
            report = sync_with_retry(context, options.server, retry_policy(options));
            print_report(*context.out, report, options.json);
        } catch (const Error& e) {
            print_backlog(context, e);
            throw;
        }
        if (const auto notice = set_aside_notice(report); !notice.empty()) {
            fail(ErrorCode::failed_precondition, notice);
        }
        return;
    }
    if (!(options.interval_seconds > 0 && options.interval_seconds <= 86'400)) {
        fail(ErrorCode::invalid_argument, "--interval is more than 0 and at most 86400 seconds");
    }
    g_stop = 0;
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    // A stop ends a request in flight too, rather than after its deadline.
    context.network.stop_requested = [] { return g_stop != 0; };
    const auto interval =
        std::chrono::milliseconds(static_cast<std::int64_t>(options.interval_seconds * 1000));
    while (g_stop == 0) {
        try {
            const auto report = sync_with_retry(context, options.server, retry_policy(options));
            print_report(*context.out, report, options.json);
            if (const auto notice = set_aside_notice(report); !notice.empty()) {
                *context.err << "dspt: " << notice << "\n";
            }
        } catch (const Error& e) {
            if (g_stop != 0) {
                break;
            }
            if (!is_transient(e.code())) {
                print_backlog(context, e);
                throw;
            }
            *context.err << "dspt: sync failed (" << e.what() << "); trying again in "
                         << options.interval_seconds << " s\n";
        }
        context.out->flush();
        pause_for(interval);
    }
    *context.out << "Stopped.\n";
}

// "1.1.1 Name of the ICO registration" for an answer's register, or the key.
std::string conflict_subject(LocalStore& store, const std::string& register_key) {
    if (register_key.starts_with("answer/")) {
        if (const auto* item = store.pack().find(register_key.substr(7))) {
            return item->id + " " + item->title;
        }
    }
    return register_key;
}

void run_conflicts(CommandContext& context, bool json) {
    auto store = open_store(context.global);
    const auto conflicts = open_conflicts(*store);
    const auto& own_replica = store->info().replica_id;
    if (json) {
        auto rows = nlohmann::json::array();
        for (const auto& conflict : conflicts) {
            auto values =
                conflict.siblings.is_array() ? conflict.siblings : nlohmann::json::array();
            const auto described = conflict_values(conflict, own_replica);
            for (std::size_t i = 0; i < values.size() && i < described.size(); ++i) {
                values[i]["device"] = described[i].device_label();
                values[i]["this_device"] = described[i].this_device;
                values[i]["at"] = described[i].at_ms == 0
                                      ? nlohmann::json()
                                      : nlohmann::json(format_time_iso(described[i].at_ms));
            }
            rows.push_back({{"register", conflict.register_key}, {"values", values}});
        }
        *context.out << rows.dump(2) << "\n";
        return;
    }
    if (conflicts.empty()) {
        *context.out << "No conflicts.\n";
        return;
    }
    for (const auto& conflict : conflicts) {
        const bool answer = conflict.register_key.starts_with("answer/");
        *context.out << conflict_subject(*store, conflict.register_key)
                     << ": changed on two devices at once\n";
        for (const auto& value : conflict_values(conflict, own_replica)) {
            *context.out << "  - "
                         << (value.removed ? std::string("(answer removed)")
                                           : nlohmann::json(value.value).dump())
                         << (value.comment.empty()
                                 ? ""
                                 : ", comment " + nlohmann::json(value.comment).dump())
                         << "\n    by " << (value.author.empty() ? "someone" : value.author)
                         << " on " << value.device_label();
            if (value.at_ms != 0) {
                *context.out << ", " << local_moment_text(value.at_ms);
            }
            *context.out << "\n";
            if (answer && !value.removed) {
                *context.out << "    keep it: dspt resolve " << conflict.register_key.substr(7)
                             << " --keep " << value.replica_id.substr(0, 8) << "\n";
            }
        }
        *context.out << (answer ? "  or write a new value: dspt resolve " +
                                      conflict.register_key.substr(7) + " --value VALUE\n"
                                : std::string("  change it again on one device: that value "
                                              "replaces both after the next sync\n"));
    }
}

struct ResolveOptions {
    std::string item;
    std::string keep;  // a replica id, or a prefix of one
    std::optional<std::string> value;
};

void run_resolve(CommandContext& context, const ResolveOptions& options) {
    auto store = open_store(context.global);
    const auto value =
        resolve_conflict(*store, options.item, options.keep, options.value, current_user(*store));
    *context.out << "Resolved " << store->item(options.item).id << ": " << value
                 << ". Every device shows it after its next sync.\n";
}

}  // namespace

void add_sync_commands(CLI::App& app, CommandContext& context) {
    auto sync_options = std::make_shared<SyncOptions>();
    auto* sync = app.add_subcommand("sync", "Send this store's changes and receive others'");
    sync->add_flag("--json", sync_options->json, "Machine-readable output");
    sync->add_option("--server", sync_options->server,
                     "Use this server address for this run (a proxy, a moved server)");
    sync->add_flag("--watch", sync_options->watch, "Keep syncing on a timer until stopped");
    sync->add_option("--interval", sync_options->interval_seconds,
                     "Seconds between syncs with --watch (default 60)");
    sync->add_option("--attempts", sync_options->attempts,
                     "Tries in a row that move nothing before giving up (default 6)");
    sync->add_option("--retry-delay", sync_options->retry_delay_ms,
                     "First pause in ms before trying again; doubles each time, with jitter "
                     "(default 500)");
    add_network_options(sync, context);
    on_run(sync, context, [&context, sync_options] { run_sync(context, *sync_options); });

    auto json = std::make_shared<bool>(false);

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
