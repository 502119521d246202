// `dspt org`, `dspt grant` and `dspt grants`: the organisation as the server
// knows it, and the support partners it lets read its progress.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/identity_store.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/recovery_upload.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/date.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct OrganisationOptions {
    std::string ods;      // default: this device's organisation
    std::string partner;  // grant --partner
    std::string until;    // grant --until
    std::string revoke;   // grant --revoke
    bool json = false;
};

// Runs `work` with an API client signed as this store's device.
template <class Work>
void with_api(CommandContext& context, Work&& work) {
    CommandSession session(context);
    work(session.api(), session.identity());
}

std::string organisation_of(const OrganisationOptions& options, const DeviceIdentity& identity) {
    if (!options.ods.empty()) {
        return options.ods;
    }
    if (identity.organisation_ods.empty()) {
        fail(ErrorCode::invalid_argument, "give the organisation's ODS code");
    }
    return identity.organisation_ods;
}

// The grant's state now, for people: "in force until 2027-03-31", "ended 2026-03-31".
std::string grant_state(const protocol::GrantView& grant, std::int64_t now_ms) {
    if (grant.revoked_at_ms != 0) {
        return "revoked " + format_time(grant.revoked_at_ms);
    }
    if (grant.expires_at_ms == 0) {
        return "in force until revoked";
    }
    const auto last_day = Date::from_unix_ms(grant.expires_at_ms).to_string();
    return (now_ms <= grant.expires_at_ms ? "in force until " : "ended ") + last_day;
}

nlohmann::json to_json(const protocol::GrantView& grant, std::int64_t now_ms) {
    const auto optional_time = [](std::int64_t ms) {
        return ms != 0 ? nlohmann::json(format_time(ms)) : nlohmann::json();
    };
    return {{"organisation", grant.organisation_ods},
            {"partner", grant.partner_name},
            {"given_at", format_time(grant.given_at_ms)},
            {"until", grant.expires_at_ms != 0
                          ? nlohmann::json(Date::from_unix_ms(grant.expires_at_ms).to_string())
                          : nlohmann::json()},
            {"revoked_at", optional_time(grant.revoked_at_ms)},
            {"in_force", grant.revoked_at_ms == 0 &&
                             (grant.expires_at_ms == 0 || now_ms <= grant.expires_at_ms)},
            {"state", grant_state(grant, now_ms)}};
}

void run_show(CommandContext& context, const OrganisationOptions& options) {
    with_api(context, [&](ApiClient& api, const DeviceIdentity& identity) {
        const auto view = api.organisation(organisation_of(options, identity));
        if (options.json) {
            auto sites = nlohmann::json::array();
            for (const auto& site : view.sites) {
                sites.push_back(
                    {{"ods", site.ods}, {"cqc", site.cqc_location_id}, {"name", site.name}});
            }
            *context.out << nlohmann::json{{"ods", view.ods},
                                           {"name", view.name},
                                           {"headquarters", view.is_headquarters},
                                           {"sites", sites}}
                                .dump(2)
                         << "\n";
            return;
        }
        *context.out << view.ods << "  " << view.name
                     << (view.is_headquarters ? "  (headquarters)" : "") << "\n";
        std::vector<std::vector<std::string>> rows{{"SITE", "CQC LOCATION", "NAME"}};
        for (const auto& site : view.sites) {
            rows.push_back({site.ods, site.cqc_location_id, site.name});
        }
        print_table(*context.out, rows);
    });
}

// The organisation's grants, or on a partner device the grants given to it.
void run_grants(CommandContext& context, const OrganisationOptions& options) {
    with_api(context, [&](ApiClient& api, const DeviceIdentity& identity) {
        const bool partner = identity.role == protocol::Role::partner && options.ods.empty();
        const auto list =
            partner ? api.partner_grants() : api.grants(organisation_of(options, identity));
        const auto now = static_cast<std::int64_t>(HybridClock::system_millis());
        if (options.json) {
            auto rows = nlohmann::json::array();
            for (const auto& grant : list.grants) {
                rows.push_back(to_json(grant, now));
            }
            *context.out << rows.dump(2) << "\n";
            return;
        }
        if (list.grants.empty()) {
            *context.out << (partner ? "No organisation has given partner \"" +
                                           identity.partner_name + "\" access.\n"
                                     : std::string("No partner has been given access.\n"));
            return;
        }
        std::vector<std::vector<std::string>> rows{
            {partner ? "ORGANISATION" : "PARTNER", "GIVEN", "STATE"}};
        for (const auto& grant : list.grants) {
            rows.push_back({partner ? grant.organisation_ods : grant.partner_name,
                            format_time(grant.given_at_ms), grant_state(grant, now)});
        }
        print_table(*context.out, rows);
    });
}

void run_grant(CommandContext& context, const OrganisationOptions& options) {
    if (options.partner.empty() == options.revoke.empty()) {
        fail(ErrorCode::invalid_argument, "give --partner NAME [--until DATE], or --revoke NAME");
    }
    if (!options.until.empty()) {
        if (!options.revoke.empty()) {
            fail(ErrorCode::invalid_argument, "--until goes with --partner, not --revoke");
        }
        const auto until = Date::parse(options.until);
        if (!until) {
            fail(ErrorCode::invalid_argument,
                 "--until takes a date, YYYY-MM-DD: " + options.until + " is not one");
        }
        if (*until < Date::today()) {
            fail(ErrorCode::invalid_argument,
                 "--until " + options.until + " has passed: give today or a later day");
        }
    }
    with_api(context, [&](ApiClient& api, const DeviceIdentity& identity) {
        const auto ods = organisation_of(options, identity);
        const auto now = static_cast<std::int64_t>(HybridClock::system_millis());
        const auto grant = options.revoke.empty()
                               ? api.give_grant(ods, options.partner, options.until)
                               : api.revoke_grant(ods, options.revoke);
        if (options.json) {
            *context.out << to_json(grant, now).dump(2) << "\n";
        } else if (options.revoke.empty()) {
            *context.out << "Partner \"" << grant.partner_name << "\" may now read the progress of "
                         << grant.organisation_ods << ", " << grant_state(grant, now)
                         << ": levels and counts only, never answers, plans or evidence.\n";
        } else {
            *context.out << "Partner \"" << grant.partner_name << "\" no longer sees "
                         << grant.organisation_ods << ".\n";
        }
    });
}

}  // namespace

void add_organisation_commands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<OrganisationOptions>();

    auto* org = app.add_subcommand("org", "Show an organisation and its sites, from the server");
    ods_codes(org->add_option("ODS", options->ods, "The organisation (default: this device's)"));
    org->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(org, context);
    on_run(org, context, [&context, options] { run_show(context, *options); });

    auto* grant = app.add_subcommand(
        "grant", "Let a support partner read this organisation's progress, or revoke that");
    grant->add_option("--partner", options->partner, "The partner to give access")
        ->option_text("NAME");
    grant->add_option("--until", options->until, "The last day of access (default: until revoked)")
        ->option_text("DATE");
    grant->add_option("--revoke", options->revoke, "The partner whose access ends now")
        ->option_text("NAME");
    ods_codes(
        grant->add_option("--org", options->ods, "The organisation (default: this device's)"));
    grant->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(grant, context);
    on_run(grant, context, [&context, options] { run_grant(context, *options); });

    auto* grants = app.add_subcommand(
        "grants", "List the partners given access (on a partner device: who gave it access)");
    ods_codes(grants->add_option("ODS", options->ods, "The organisation (default: this device's)"));
    grants->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(grants, context);
    on_run(grants, context, [&context, options] { run_grants(context, *options); });
}

}  // namespace dspt::client
