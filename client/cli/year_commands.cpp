// `dspt year start [YEAR]`: begins a newer standards year's assessment from the
// current one, keeping the finished year as a store of its own. Without YEAR
// it offers the version open today (docs/domain.md, "Publishing"); a version
// that has not opened yet is not started.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/open_version.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

constexpr std::size_t kMaxPackBytes = 8 * 1024 * 1024;

struct YearStartCommand {
    std::string year;
    std::string pack_file;
    bool json = false;
};

// The year to start from the bundled packs: `asked`, or the version open
// today when none is asked for.
std::string offered_year(const LocalStore& store, const std::string& asked) {
    if (!asked.empty()) {
        return asked;
    }
    const auto today = Date::today();
    const auto packs = standards::openings_of(standards::bundled_packs());
    const auto open = standards::open_year(packs, today);
    if (!open || *open <= store.info().year) {
        const auto newer = standards::newer_year_notice(packs, today);
        fail(ErrorCode::failed_precondition, "this store is already at the open version, " +
                                                 store.info().year +
                                                 (newer ? "; " + *newer : std::string()));
    }
    return *open;
}

// A version that has not opened is not started: publishing could not use it.
void check_open(const standards::Pack& pack) {
    const auto today = Date::today();
    if (pack.opening_date() > today) {
        const auto open =
            standards::open_year(standards::openings_of(standards::bundled_packs()), today);
        fail(ErrorCode::failed_precondition,
             pack.year + " opens on " + pack.opening_date().to_string() +
                 (open ? ": until then the open version is " + *open : std::string()));
    }
}

void run_year_start(CommandContext& context, const YearStartCommand& command) {
    if (!context.global.site.empty()) {
        fail(ErrorCode::invalid_argument,
             "a new year starts for the whole store, every site's assessment in it: leave out "
             "--site");
    }
    const auto home = resolve_home(context.global);
    const auto passphrase = read_passphrase(context.global);
    auto store = LocalStore::open(LocalStore::file_in(home), passphrase);

    YearStartOptions options;
    if (!command.pack_file.empty()) {
        options.pack = standards::parse_pack_json(read_file(command.pack_file, kMaxPackBytes),
                                                  command.pack_file);
        options.custom_pack = true;
        if (!command.year.empty() && options.pack.year != command.year) {
            fail(ErrorCode::invalid_argument,
                 command.pack_file + " is for " + options.pack.year + ", not " + command.year);
        }
    } else if (store->info().custom_pack) {
        fail(ErrorCode::failed_precondition,
             "this store uses an imported standards pack: give the " +
                 (command.year.empty() ? std::string("new year's") : command.year) +
                 " pack with --pack FILE (made by 'dspt standards import')");
    } else {
        options.pack = standards::bundled_pack(offered_year(*store, command.year));
    }
    check_open(options.pack);
    options.archive_home = home / "years" / store->info().year;

    const auto report = store->start_year(options, passphrase);
    if (command.json) {
        const nlohmann::json doc = {{"from", report.old_year},
                                    {"to", report.new_year},
                                    {"answers_to_review", report.answers_to_review},
                                    {"evidence_to_review", report.evidence_to_review},
                                    {"answers_dropped", report.answers_dropped},
                                    {"evidence_dropped", report.evidence_dropped},
                                    {"plan_entries_dropped", report.plan_entries_dropped},
                                    {"changes_discarded", report.changes_discarded},
                                    {"new_items", report.new_items},
                                    {"previous_year_home", options.archive_home.string()}};
        *context.out << doc.dump(2) << "\n";
        return;
    }
    auto& out = *context.out;
    out << "Started the " << report.new_year << " assessment from " << report.old_year << ".\n"
        << "Carried over, to review: " << report.answers_to_review << " answer(s) and "
        << report.evidence_to_review
        << " evidence file(s). They count once reviewed: 'dspt review ITEM' keeps an "
           "answer as it is, 'dspt answer ITEM ...' changes it.\n";
    if (report.answers_dropped + report.evidence_dropped > 0) {
        out << "Not in " << report.new_year << ", so left behind: " << report.answers_dropped
            << " answer(s) and " << report.evidence_dropped << " evidence file(s).\n";
    }
    if (report.plan_entries_dropped > 0) {
        out << "The action plan starts empty (" << report.plan_entries_dropped
            << (report.plan_entries_dropped == 1 ? " entry stays" : " entries stay") << " with "
            << report.old_year << ").\n";
    }
    if (report.changes_discarded > 0) {
        out << report.changes_discarded << " unsent change(s) of " << report.old_year
            << " will not be sent: this store was never enrolled.\n";
    }
    out << "New in " << report.new_year << ": "
        << (report.new_items.empty() ? std::string("no items") : joined(report.new_items)) << ".\n"
        << "The " << report.old_year << " assessment is kept at " << options.archive_home.string()
        << " (dspt --home " << options.archive_home.string() << " status | export FILE).\n";
}

}  // namespace

void add_year_commands(CLI::App& app, CommandContext& context) {
    auto* year = app.add_subcommand("year", "Standards years: begin the next one");
    year->require_subcommand(1);
    auto command = std::make_shared<YearStartCommand>();
    auto* start = year->add_subcommand(
        "start", "Begin a newer standards year from this one; answers carry over to review");
    start->add_option("YEAR", command->year,
                      "The new standards year, e.g. 2025-26 (default: the version open today)");
    start->add_option("--pack", command->pack_file,
                      "The new year's imported standards pack (for a store that uses one)");
    start->add_flag("--json", command->json, "Machine-readable output");
    on_run(start, context, [&context, command] { run_year_start(context, *command); });
}

}  // namespace dspt::client
