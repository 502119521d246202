// `dspt status`: the level reached, progress to each level, what is missing,
// and how many changes wait to be synced.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "common/assessment/evaluator.hpp"

namespace dspt::client {

namespace {

nlohmann::json progress_json(const assessment::LevelProgress& progress) {
    return {{"satisfied", progress.satisfied},
            {"total", progress.total},
            {"missing", progress.missing}};
}

void print_progress(std::ostream& out, const char* name,
                    const assessment::LevelProgress& progress) {
    out << "  " << name << progress.satisfied << "/" << progress.total << " mandatory items";
    if (progress.missing.empty()) {
        out << ", complete\n";
        return;
    }
    out << "; missing:";
    for (const auto& id : progress.missing) {
        out << " " << id;
    }
    out << "\n";
}

void run_status(CommandContext& context, bool json) {
    auto store = open_store(context.global);
    const auto today = Date::today();
    const auto evaluation = assessment::evaluate(store->pack(), store->assessment(), today);
    const auto backlog = sync_backlog(*store);
    const auto set_aside = store->outbox().set_aside_entries();
    const auto synced_at = last_sync(*store);
    const auto conflicts = open_conflicts(*store).size();  // of the assessment shown
    const auto expires = store->cyber_essentials_plus_expires();
    const auto to_review = store->items_to_review().size();  // of the assessment shown

    if (json) {
        nlohmann::json doc = {
            {"year", store->info().year},
            {"site", store->info().site_name},
            {"level", standards::to_string(evaluation.level)},
            {"levels",
             {{"approaching", progress_json(evaluation.approaching)},
              {"met", progress_json(evaluation.met)}}},
            {"cyber_essentials_plus",
             {{"current", evaluation.cyber_essentials_plus_current},
              {"expires", expires ? nlohmann::json(expires->to_string()) : nlohmann::json()}}},
            {"conflicts", conflicts},
            {"to_review", to_review},
            {"last_sync",
             synced_at ? nlohmann::json(format_time_iso(*synced_at)) : nlohmann::json()},
            {"pending_changes", backlog.changes},
            {"pending_bytes", backlog.bytes},
            {"set_aside", set_aside_json(set_aside)}};
        *context.out << doc.dump(2) << "\n";
        return;
    }
    auto& out = *context.out;
    if (!store->info().site_name.empty()) {
        out << store->info().site_name << ", ";
    }
    out << "standards " << store->info().year << "\n"
        << "Level reached: " << standards::display_name(evaluation.level) << "\n";
    print_progress(out, "Approaching Standards: ", evaluation.approaching);
    print_progress(out, "Standards Met:         ", evaluation.met);
    out << "  Standards Exceeded:    ";
    if (evaluation.cyber_essentials_plus_current) {
        out << "Cyber Essentials Plus current until " << expires->to_string()
            << (evaluation.met.reached() ? "" : "; Standards Met still needed") << "\n";
    } else if (expires) {
        out << "Cyber Essentials Plus expired on " << expires->to_string() << "\n";
    } else {
        out << "needs Standards Met and a current Cyber Essentials Plus certificate\n";
    }
    out << "Last sync:               "
        << (synced_at ? format_time(*synced_at) : std::string("never")) << "\n";
    out << "Changes waiting to sync: " << backlog.changes;
    if (backlog.changes > 0) {
        out << " (" << human_size(backlog.bytes) << ")";
    }
    out << "\n";
    if (!set_aside.empty()) {
        out << "Changes set aside:       " << set_aside.size()
            << ", refused by the server (dspt outbox):\n";
        for (const auto& entry : set_aside) {
            out << "  " << describe_set_aside(entry) << "\n";
        }
    }
    if (conflicts > 0) {
        out << "Conflicts to resolve:    " << conflicts << " (dspt conflicts)\n";
    }
    if (to_review > 0) {
        out << "Items to review:         " << to_review
            << " carried over from the previous year, counted once reviewed (dspt items)\n";
    }
}

}  // namespace

void add_status_command(CLI::App& app, CommandContext& context) {
    auto* status = app.add_subcommand("status", "Show the level reached and what is missing");
    auto json = std::make_shared<bool>(false);
    status->add_flag("--json", *json, "Machine-readable output");
    on_run(status, context, [&context, json] { run_status(context, *json); });
}

}  // namespace dspt::client
