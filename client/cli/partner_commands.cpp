// `dspt partner progress`: what a support partner's device sees of the
// organisations that gave its partner access: each site's level, counts,
// missing items, conflicts, last sync and publication, and first the
// publications that lapse within 30 days of the server's date. Progress only:
// the server never sends an answer, a comment, a plan or an evidence name.
//
// `dspt partner summary [--json] [--csv FILE]`: the counts across them (levels,
// published, lapsing within 30 days, no sync for 30 days), by organisation type
// and by the partner's own groups, and the mandatory items missed most often.
// `dspt partner group ODS LABEL`: the partner's own label for an organisation
// ("" removes it), by which the summary groups.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/output_file.hpp"
#include "client/cli/progress_view.hpp"
#include "client/format/output.hpp"
#include "client/store/profile_fields.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/report/csv_writer.hpp"
#include "common/standards/year.hpp"
#include "protocol/limits.hpp"

namespace dspt::client {

namespace {

struct PartnerOptions {
    bool json = false;
    std::string server;
    std::string csv;
    bool force = false;
    std::string organisation;
    std::string label;
};

// The items a site still misses for the next level it has not reached.
void print_site_missing(std::ostream& out, const protocol::SiteProgress& site) {
    const bool approaching = site.approaching_satisfied < site.approaching_total;
    const auto& missing = approaching ? site.missing_approaching : site.missing_met;
    if (missing.empty()) {
        return;
    }
    out << "  " << site.site_code << " still needs for "
        << level_display(approaching ? "approaching" : "met") << ":\n";
    for (const auto& item : missing) {
        out << "    " << item.id << "  " << item.title << "\n";
    }
}

// A publication a provider will have to renew soon: its site and the day it lapses.
struct Lapsing {
    const protocol::OrganisationProgress* organisation;
    const protocol::SiteProgress* site;
    Date lapses_on;
};

constexpr int kLapsingDays = 30;

// The sites whose last publication lapses within 30 days of the server's date,
// in the report's order.
std::vector<Lapsing> lapsing_soon(const protocol::ProgressReport& report) {
    const auto today = Date::from_unix_ms(report.generated_at_ms);
    std::vector<Lapsing> lapsing;
    for (const auto& organisation : report.organisations) {
        for (const auto& site : organisation.sites) {
            const auto published = Date::from_unix_ms(site.last_publication.published_at_ms);
            if (site.published && standards::lapses_within(published, today, kLapsingDays)) {
                lapsing.push_back({&organisation, &site, standards::lapses_on(published)});
            }
        }
    }
    return lapsing;
}

// The session of a partner's device; refuses any other device with the next step.
void require_partner_device(CommandSession& session, std::string_view what) {
    if (session.identity().role != protocol::Role::partner) {
        fail(ErrorCode::forbidden, "only a support partner's device " + std::string(what) +
                                       ": on this device, 'dspt sites' shows the "
                                       "organisation's own sites");
    }
}

void run_progress(CommandContext& context, const PartnerOptions& options) {
    CommandSession session(context, options.server);
    require_partner_device(session, "reads partner progress");
    const auto report = session.api().partner_progress(session.store().info().year);
    auto& out = *context.out;
    if (options.json) {
        auto organisations = nlohmann::json::array();
        for (const auto& organisation : report.organisations) {
            organisations.push_back(organisation_json(organisation, report.generated_at_ms));
        }
        auto lapsing = nlohmann::json::array();
        for (const auto& soon : lapsing_soon(report)) {
            lapsing.push_back({{"organisation", soon.organisation->organisation_ods},
                               {"name", soon.organisation->organisation_name},
                               {"site", soon.site->site_code},
                               {"lapses_on", soon.lapses_on.to_string()}});
        }
        out << nlohmann::json{{"generated_at", format_time_iso(report.generated_at_ms)},
                              {"year", session.store().info().year},
                              {"organisations", organisations},
                              {"lapsing_within_30_days", lapsing}}
                   .dump(2)
            << "\n";
        return;
    }
    if (report.organisations.empty()) {
        out << "No organisation has given this partner access to its progress.\n";
        return;
    }
    if (const auto lapsing = lapsing_soon(report); !lapsing.empty()) {
        out << "Publications lapsing within 30 days (republish before the day):\n";
        for (const auto& soon : lapsing) {
            out << "  " << soon.organisation->organisation_name << " ("
                << soon.organisation->organisation_ods << "), " << soon.site->site_code
                << ": lapses on " << soon.lapses_on.to_string() << "\n";
        }
        out << "\n";
    }
    for (const auto& organisation : report.organisations) {
        out << organisation.organisation_name << " (" << organisation.organisation_ods
            << "), standards " << organisation.year << ", as of "
            << format_time(report.generated_at_ms) << " UTC\n";
        std::vector<std::vector<std::string>> rows{site_header()};
        for (const auto& site : organisation.sites) {
            rows.push_back(site_row(site, report.generated_at_ms));
        }
        print_table(out, rows);
        for (const auto& site : organisation.sites) {
            print_site_missing(out, site);
        }
        out << "\n";
    }
}

std::string organisation_type_display(const std::string& type) {
    return type.empty() ? "Not stated" : organisation_type_name(type);
}

std::vector<std::string> tally_cells(const protocol::LevelTally& tally) {
    return {std::to_string(tally.organisations), std::to_string(tally.none),
            std::to_string(tally.approaching),   std::to_string(tally.met),
            std::to_string(tally.exceeded),      std::to_string(tally.published),
            std::to_string(tally.lapsing),       std::to_string(tally.no_recent_sync)};
}

const std::vector<std::string> kTallyHeads{
    "Organisations", "None",      "Approaching",        "Met",
    "Exceeded",      "Published", "Lapsing in 30 days", "No sync for 30 days"};

nlohmann::json tally_json(const protocol::LevelTally& tally) {
    return {{"organisations", tally.organisations},
            {"levels",
             {{"none", tally.none},
              {"approaching", tally.approaching},
              {"met", tally.met},
              {"exceeded", tally.exceeded}}},
            {"published", tally.published},
            {"lapsing_within_30_days", tally.lapsing},
            {"no_sync_for_30_days", tally.no_recent_sync}};
}

nlohmann::json summary_json(const protocol::PartnerSummary& summary) {
    auto by_type = nlohmann::json::array();
    for (const auto& tally : summary.by_type) {
        auto entry = tally_json(tally);
        entry["type"] = tally.label.empty() ? "not_stated" : tally.label;
        by_type.push_back(entry);
    }
    auto by_group = nlohmann::json::array();
    for (const auto& tally : summary.by_group) {
        auto entry = tally_json(tally);
        entry["group"] = tally.label;
        by_group.push_back(entry);
    }
    auto missing = nlohmann::json::array();
    for (const auto& item : summary.missing) {
        missing.push_back(
            {{"item", item.id}, {"title", item.title}, {"organisations", item.organisations}});
    }
    auto organisations = nlohmann::json::array();
    for (const auto& row : summary.organisations) {
        organisations.push_back(
            {{"organisation", row.ods},
             {"name", row.name},
             {"type", row.type.empty() ? "not_stated" : row.type},
             {"group", row.group},
             {"level", row.level},
             {"sites", row.sites},
             {"published", row.published},
             {"lapses_on",
              row.lapses_on.empty() ? nlohmann::json() : nlohmann::json(row.lapses_on)},
             {"last_sync", row.last_sync_at_ms == 0
                               ? nlohmann::json()
                               : nlohmann::json(format_time_iso(row.last_sync_at_ms))},
             {"no_sync_for_30_days", row.no_recent_sync},
             {"missing", row.missing}});
    }
    auto all = tally_json(summary.all);
    return {{"generated_at", format_time_iso(summary.generated_at_ms)},
            {"year", summary.year},
            {"all", all},
            {"by_type", by_type},
            {"by_group", by_group},
            {"missing_items", missing},
            {"organisations", organisations}};
}

// One table: a header row, then one row per count, each cell guarded against formulas.
std::string summary_csv(const protocol::PartnerSummary& summary) {
    std::string csv;
    const auto line = [&csv](const std::vector<std::string>& cells) {
        report::append_csv_line(csv, cells);
    };
    std::vector<std::string> head{"Breakdown", "Label"};
    head.insert(head.end(), kTallyHeads.begin(), kTallyHeads.end());
    line(head);
    const auto tally_line = [&](const std::string& breakdown, const std::string& label,
                                const protocol::LevelTally& tally) {
        std::vector<std::string> cells{breakdown, label};
        const auto counts = tally_cells(tally);
        cells.insert(cells.end(), counts.begin(), counts.end());
        line(cells);
    };
    tally_line("All", "All organisations", summary.all);
    for (const auto& tally : summary.by_type) {
        tally_line("Organisation type", organisation_type_display(tally.label), tally);
    }
    for (const auto& tally : summary.by_group) {
        tally_line("Group", tally.label.empty() ? "No group" : tally.label, tally);
    }
    for (const auto& item : summary.missing) {
        line({"Missing item", item.id + " " + item.title, std::to_string(item.organisations)});
    }
    return csv;
}

void print_summary(std::ostream& out, const protocol::PartnerSummary& summary) {
    out << "Summary of " << summary.all.organisations
        << " organisation(s) that gave this partner access, standards " << summary.year
        << ", as of " << format_time(summary.generated_at_ms) << " UTC\n";
    std::vector<std::string> head{""};
    head.insert(head.end(), kTallyHeads.begin(), kTallyHeads.end());
    std::vector<std::vector<std::string>> rows{head};
    const auto add = [&rows](const std::string& label, const protocol::LevelTally& tally) {
        std::vector<std::string> row{label};
        const auto counts = tally_cells(tally);
        row.insert(row.end(), counts.begin(), counts.end());
        rows.push_back(std::move(row));
    };
    add("All", summary.all);
    for (const auto& tally : summary.by_type) {
        if (tally.organisations > 0) {
            add(organisation_type_display(tally.label), tally);
        }
    }
    for (const auto& tally : summary.by_group) {
        add(tally.label.empty() ? "No group" : "Group: " + tally.label, tally);
    }
    print_table(out, rows);
    if (summary.missing.empty()) {
        out << "\nNo mandatory item is missing.\n";
        return;
    }
    out << "\nMandatory items missed most often (organisations missing each):\n";
    for (const auto& item : summary.missing) {
        out << "  " << item.organisations << "  " << item.id << "  " << item.title << "\n";
    }
}

void run_summary(CommandContext& context, const PartnerOptions& options) {
    std::filesystem::path csv_path;
    if (!options.csv.empty()) {
        csv_path = options.csv;
        refuse_existing_output(csv_path, options.force);
    }
    CommandSession session(context, options.server);
    require_partner_device(session, "reads the partner summary");
    const auto summary = session.api().partner_summary(session.store().info().year);
    auto& out = *context.out;
    if (!csv_path.empty()) {
        write_file_atomic(csv_path, summary_csv(summary), 0600);
    }
    if (options.json) {
        out << summary_json(summary).dump(2) << "\n";
        return;
    }
    if (summary.organisations.empty()) {
        out << "No organisation has given this partner access to its progress.\n";
    } else {
        print_summary(out, summary);
    }
    if (!csv_path.empty()) {
        out << "Wrote the summary to " << csv_path.string() << "\n";
    }
}

// The server's rule for a label, checked here so that a mistyped one is refused
// before any connection, also offline.
void check_group_label(std::string_view label) {
    if (label.size() > protocol::kMaxGroupLabelBytes) {
        fail(ErrorCode::invalid_argument,
             "the group's name is " + std::to_string(label.size()) + " bytes long; give one of " +
                 std::to_string(protocol::kMaxGroupLabelBytes) + " at most");
    }
    for (const char c : label) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            fail(ErrorCode::invalid_argument,
                 "the group's name holds a control character: give it as plain text");
        }
    }
    if (!label.empty() && (label.front() == ' ' || label.back() == ' ')) {
        fail(ErrorCode::invalid_argument,
             "the group's name starts or ends with a space: give it without them");
    }
}

void run_group(CommandContext& context, const PartnerOptions& options) {
    check_group_label(options.label);
    CommandSession session(context, options.server);
    require_partner_device(session, "groups organisations");
    session.api().set_partner_group(options.organisation, options.label);
    if (options.label.empty()) {
        *context.out << options.organisation << " is in no group now.\n";
    } else {
        *context.out << options.organisation << " is in the group \"" << options.label << "\".\n";
    }
}

}  // namespace

void add_partner_commands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<PartnerOptions>();
    auto* partner = app.add_subcommand("partner", "A support partner's view of its providers");
    partner->require_subcommand(1);
    auto* progress = partner->add_subcommand(
        "progress", "The progress of every organisation that gave this partner access");
    progress->add_flag("--json", options->json, "Machine-readable output");
    progress->add_option("--server", options->server,
                         "Ask this server address instead of the enrolled one");
    add_network_options(progress, context);
    on_run(progress, context, [&context, options] { run_progress(context, *options); });

    auto* summary = partner->add_subcommand(
        "summary",
        "Counts across the organisations that gave this partner access: levels, publications, "
        "lapses, syncs and the items missed most often");
    summary->add_flag("--json", options->json, "Machine-readable output");
    summary->add_option("--csv", options->csv, "Also write the counts to this CSV file");
    summary->add_flag("--force", options->force, "Replace the CSV file if it exists");
    summary->add_option("--server", options->server,
                        "Ask this server address instead of the enrolled one");
    add_network_options(summary, context);
    on_run(summary, context, [&context, options] { run_summary(context, *options); });

    auto* group = partner->add_subcommand(
        "group",
        "Put an organisation that gave this partner access in one of the partner's "
        "own groups (a local authority area, say); an empty LABEL takes it out");
    group->add_option("ODS", options->organisation, "The organisation's ODS code")->required();
    group->add_option("LABEL", options->label, "The group's name; \"\" for none")->required();
    group->add_option("--server", options->server,
                      "Ask this server address instead of the enrolled one");
    add_network_options(group, context);
    on_run(group, context, [&context, options] { run_group(context, *options); });
}

}  // namespace dspt::client
