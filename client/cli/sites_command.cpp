// `dspt sites`: a headquarters' view of every site's progress, as the server
// holds it (a branch device sees its own site's row), and with --missing, the
// items that still block the most sites.

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/progress_view.hpp"
#include "client/format/output.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct SitesOptions {
    bool json = false;
    std::string missing;  // "", "approaching" or "met"
    std::string server;
};

// An item and the sites that still miss it.
struct MissingItem {
    std::string id;
    std::string title;
    std::vector<std::string> sites;
};

// The items the sites miss for the level, most sites first, then in the
// standards' order.
std::vector<MissingItem> missing_items(const protocol::OrganisationProgress& organisation,
                                       const std::string& level, const standards::Pack& pack) {
    std::map<std::string, MissingItem, std::less<>> by_id;
    for (const auto& site : organisation.sites) {
        for (const auto& item :
             level == "approaching" ? site.missing_approaching : site.missing_met) {
            auto& entry = by_id[item.id];
            entry.id = item.id;
            entry.title = item.title;
            entry.sites.push_back(site.site_code);
        }
    }
    const auto position = [&pack](const std::string& id) {
        for (std::size_t i = 0; i < pack.items.size(); ++i) {
            if (pack.items[i].id == id) {
                return i;
            }
        }
        return pack.items.size();
    };
    std::vector<MissingItem> items;
    for (auto& [id, item] : by_id) {
        items.push_back(std::move(item));
    }
    std::sort(items.begin(), items.end(), [&](const MissingItem& a, const MissingItem& b) {
        if (a.sites.size() != b.sites.size()) {
            return a.sites.size() > b.sites.size();
        }
        return position(a.id) < position(b.id);
    });
    return items;
}

void print_missing(std::ostream& out, const protocol::OrganisationProgress& organisation,
                   const std::string& level, const standards::Pack& pack, bool json) {
    const auto items = missing_items(organisation, level, pack);
    if (json) {
        auto rows = nlohmann::json::array();
        for (const auto& item : items) {
            rows.push_back({{"item", item.id},
                            {"title", item.title},
                            {"sites_missing", item.sites.size()},
                            {"sites", item.sites}});
        }
        out << nlohmann::json{{"organisation", organisation.organisation_ods},
                              {"year", organisation.year},
                              {"level", level},
                              {"sites", organisation.sites.size()},
                              {"items", rows}}
                   .dump(2)
            << "\n";
        return;
    }
    const auto name = level_display(level);
    if (items.empty()) {
        out << "Every site has every item " << name << " needs.\n";
        return;
    }
    out << name << ": " << items.size() << " item(s) still missing, most sites first\n";
    std::vector<std::vector<std::string>> rows{{"ITEM", "TITLE", "SITES MISSING IT"}};
    for (const auto& item : items) {
        std::string sites = std::to_string(item.sites.size());
        sites += " of ";
        sites += std::to_string(organisation.sites.size());
        sites += ":";
        for (const auto& code : item.sites) {
            sites += " ";
            sites += code;
        }
        rows.push_back({item.id, item.title, sites});
    }
    print_table(out, rows);
}

void run_sites(CommandContext& context, const SitesOptions& options) {
    CommandSession session(context, options.server);
    const auto& identity = session.identity();
    if (identity.role == protocol::Role::partner) {
        fail(ErrorCode::forbidden,
             "this is a support partner's device: 'dspt partner progress' shows the "
             "organisations that gave it access");
    }
    const auto report =
        session.api().progress(identity.organisation_ods, session.store().info().year);
    if (report.organisations.size() != 1) {
        fail(ErrorCode::protocol, "the server's progress report names no organisation");
    }
    const auto& organisation = report.organisations.front();
    auto& out = *context.out;
    if (!options.missing.empty()) {
        print_missing(out, organisation, options.missing, session.store().pack(), options.json);
        return;
    }
    if (options.json) {
        auto doc = organisation_json(organisation, report.generated_at_ms);
        doc["generated_at"] = format_time_iso(report.generated_at_ms);
        out << doc.dump(2) << "\n";
        return;
    }
    out << organisation.organisation_name << " (" << organisation.organisation_ods
        << "), standards " << organisation.year << ", as of " << format_time(report.generated_at_ms)
        << " UTC\n";
    std::vector<std::vector<std::string>> rows{site_header()};
    for (const auto& site : organisation.sites) {
        rows.push_back(site_row(site, report.generated_at_ms));
    }
    print_table(out, rows);
}

}  // namespace

void add_sites_command(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<SitesOptions>();
    auto* sites = app.add_subcommand(
        "sites", "Every site's progress as the server holds it (headquarters; a branch: its own)");
    sites->add_flag("--json", options->json, "Machine-readable output");
    sites
        ->add_option("--missing", options->missing,
                     "List the items still missing for a level, and which sites miss them")
        ->check(CLI::IsMember({"approaching", "met"}));
    sites->add_option("--server", options->server,
                      "Ask this server address instead of the enrolled one");
    add_network_options(sites, context);
    on_run(sites, context, [&context, options] { run_sites(context, *options); });
}

}  // namespace dspt::client
