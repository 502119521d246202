// `dspt status`: the level reached, progress to each level, what is missing,
// and how many changes wait to be synced.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/publish_outlook.hpp"
#include "client/store/publish_state.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/standards/open_version.hpp"
#include "common/standards/year.hpp"

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

// Whether each level can be published, as this device knows (publish_outlook.hpp).
struct LevelOutlook {
    standards::Level level;
    std::vector<assessment::PublishProblem> problems;
    std::optional<assessment::PriorPublication> republishes;
};

std::vector<LevelOutlook> publishing_outlook(LocalStore& store, Date today) {
    std::vector<LevelOutlook> outlook;
    for (const auto level :
         {standards::Level::approaching, standards::Level::met, standards::Level::exceeded}) {
        auto problems = local_publication_problems(store, level, today);
        auto again = problems.empty() ? republishes(store, level, {}, today) : std::nullopt;
        outlook.push_back({level, std::move(problems), std::move(again)});
    }
    return outlook;
}

nlohmann::json outlook_json(const std::vector<LevelOutlook>& outlook) {
    nlohmann::json doc = nlohmann::json::object();
    for (const auto& level : outlook) {
        auto reasons = nlohmann::json::array();
        for (const auto& problem : level.problems) {
            reasons.push_back(problem.message);  // of the assessment shown
        }
        doc[std::string(standards::to_string(level.level))] = {
            {"ready", level.problems.empty()},
            {"republishes", level.republishes
                                ? nlohmann::json(describe_republish(*level.republishes))
                                : nlohmann::json()},
            {"reasons", reasons}};
    }
    return doc;
}

void print_outlook(std::ostream& out, const std::vector<LevelOutlook>& outlook, bool learned) {
    out << "Publishing" << (learned ? "" : " (publications not yet learned: sync first)") << ":\n";
    for (const auto& level : outlook) {
        const auto name = std::string(standards::display_name(level.level)) + ":";
        out << "  " << name << std::string(name.size() < 23 ? 23 - name.size() : 1, ' ');
        if (level.problems.empty()) {
            out << "ready to publish";
            if (level.republishes) {
                out << " (republishes: " << describe_republish(*level.republishes) << ")";
            }
            out << "\n";
            continue;
        }
        // The first reason, and how many more (dspt status --json lists them all).
        out << "not yet: " << level.problems.front().message;
        if (level.problems.size() > 1) {
            out << " (and " << level.problems.size() - 1 << " more)";
        }
        out << "\n";
    }
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
    const auto& year = store->info().year;
    const auto packs = packs_held(*store);
    const auto open = standards::open_year(packs, today);
    const auto newer = standards::newer_year_notice(packs, today);
    const auto outlook = publishing_outlook(*store, today);
    const bool learned = known_publications(*store).learned;

    if (json) {
        nlohmann::json doc = {
            {"year", year},
            {"open_version", open ? nlohmann::json(*open) : nlohmann::json()},
            {"newer_year", newer ? nlohmann::json(*newer) : nlohmann::json()},
            {"deadline",
             {{"date", standards::deadline_of(year).to_string()},
              {"days_left", standards::days_to_deadline(year, today)}}},
            {"publishing", outlook_json(outlook)},
            {"publications_learned", learned},
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
    out << "standards " << year << "\n";
    if (open && *open != year) {
        out << "The open version is " << *open << ": publishing is against it only\n";
    }
    if (newer) {
        out << "Note: " << *newer << "\n";
    }
    out << "Deadline: " << standards::deadline_words(year, today) << "\n"
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
    print_outlook(out, outlook, learned);
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
