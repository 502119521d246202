// `dspt org` and `dspt grants`: the organisation as the server knows it, and
// the support partners it lets read its progress.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/output.hpp"
#include "client/cli/server_session.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/identity_store.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/recovery_upload.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct OrganisationOptions {
    std::string ods;      // default: this device's organisation
    std::string partner;  // grants give / revoke
    bool json = false;
};

// Runs `work` with an API client signed as this store's device.
template <class Work>
void with_api(CommandContext& context, Work&& work) {
    ServerSession session(context);
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

nlohmann::json to_json(const protocol::GrantView& grant) {
    return {{"organisation", grant.organisation_ods},
            {"partner", grant.partner_name},
            {"given_at", format_time(grant.given_at_ms)},
            {"revoked_at", grant.revoked_at_ms ? nlohmann::json(format_time(grant.revoked_at_ms))
                                               : nlohmann::json()}};
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

void run_grants(CommandContext& context, const OrganisationOptions& options) {
    with_api(context, [&](ApiClient& api, const DeviceIdentity& identity) {
        const auto list = api.grants(organisation_of(options, identity));
        if (options.json) {
            auto rows = nlohmann::json::array();
            for (const auto& grant : list.grants) {
                rows.push_back(to_json(grant));
            }
            *context.out << rows.dump(2) << "\n";
            return;
        }
        if (list.grants.empty()) {
            *context.out << "No partner has been given access.\n";
            return;
        }
        std::vector<std::vector<std::string>> rows{{"PARTNER", "GIVEN", "REVOKED"}};
        for (const auto& grant : list.grants) {
            rows.push_back({grant.partner_name, format_time(grant.given_at_ms),
                            grant.revoked_at_ms ? format_time(grant.revoked_at_ms) : "-"});
        }
        print_table(*context.out, rows);
    });
}

void run_give(CommandContext& context, const OrganisationOptions& options) {
    with_api(context, [&](ApiClient& api, const DeviceIdentity& identity) {
        const auto grant = api.give_grant(organisation_of(options, identity), options.partner);
        *context.out << "Partner \"" << grant.partner_name << "\" may now read the progress of "
                     << grant.organisation_ods << " (never evidence, never changes).\n";
    });
}

void run_revoke(CommandContext& context, const OrganisationOptions& options) {
    with_api(context, [&](ApiClient& api, const DeviceIdentity& identity) {
        const auto grant = api.revoke_grant(organisation_of(options, identity), options.partner);
        *context.out << "Partner \"" << grant.partner_name << "\" no longer sees "
                     << grant.organisation_ods << ".\n";
    });
}

}  // namespace

void add_organisation_commands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<OrganisationOptions>();

    auto* org = app.add_subcommand("org", "Show an organisation and its sites, from the server");
    org->add_option("ODS", options->ods, "The organisation (default: this device's)");
    org->add_flag("--json", options->json, "Machine-readable output");
    on_run(org, context, [&context, options] { run_show(context, *options); });

    auto* grants = app.add_subcommand("grants", "Support partners' access: list, give, revoke");
    grants->require_subcommand(1);
    auto* list = grants->add_subcommand("list", "List the partners given access");
    list->add_option("ODS", options->ods, "The organisation (default: this device's)");
    list->add_flag("--json", options->json, "Machine-readable output");
    on_run(list, context, [&context, options] { run_grants(context, *options); });
    auto* give = grants->add_subcommand("give", "Let a partner read this organisation's progress");
    give->add_option("PARTNER", options->partner, "The partner's name")->required();
    on_run(give, context, [&context, options] { run_give(context, *options); });
    auto* revoke = grants->add_subcommand("revoke", "Withdraw a partner's access");
    revoke->add_option("PARTNER", options->partner, "The partner's name")->required();
    on_run(revoke, context, [&context, options] { run_revoke(context, *options); });
}

}  // namespace dspt::client
