// `dspt partner progress`: what a support partner's device sees of the
// organisations that gave its partner access: each site's level, counts,
// missing items, conflicts, last sync and publication, and first the
// publications that lapse within 30 days of the server's date. Progress only:
// the server never sends an answer, a comment, a plan or an evidence name.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/progress_view.hpp"
#include "client/format/output.hpp"
#include "common/error.hpp"
#include "common/standards/year.hpp"

namespace dspt::client {

namespace {

struct PartnerOptions {
    bool json = false;
    std::string server;
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

void run_progress(CommandContext& context, const PartnerOptions& options) {
    CommandSession session(context, options.server);
    if (session.identity().role != protocol::Role::partner) {
        fail(ErrorCode::forbidden,
             "only a support partner's device reads partner progress: on this device, 'dspt "
             "sites' shows the organisation's own sites");
    }
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
}

}  // namespace dspt::client
