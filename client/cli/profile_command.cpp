// `dspt profile`: the organisation profile, the same for every standards year
// and every site: the Cyber Essentials Plus certificate (which decides
// Standards Exceeded), the organisation type, its NHSmail address and the named
// roles (security lead, Caldicott Guardian, Senior Information Risk Owner,
// Data Protection Officer). Headquarters sets it, and so does the branch
// device of an organisation with one site and no headquarters; every device of
// the organisation receives it when it syncs.

#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/profile_fields.hpp"
#include "client/sync/server_session.hpp"
#include "common/date.hpp"
#include "common/error.hpp"
#include "protocol/register_key.hpp"

namespace dspt::client {

namespace {

// A text field's options: --<option> VALUE and --no-<option>.
struct TextOption {
    std::string_view field;
    std::string option;
    std::string help;
};

const std::vector<TextOption>& text_options() {
    static const std::vector<TextOption> options{
        {protocol::kProfileOrganisationType, "organisation-type",
         "The organisation type: care_home, homecare, both or other"},
        {protocol::kProfileNhsmail, "nhsmail", "The organisation's NHSmail address (...@nhs.net)"},
        {protocol::kProfileSecurityLead, "security-lead",
         "The person named as the organisation's data security lead"},
        {protocol::kProfileCaldicottGuardian, "caldicott-guardian",
         "The person named as Caldicott Guardian"},
        {protocol::kProfileSiro, "siro", "The person named as Senior Information Risk Owner"},
        {protocol::kProfileDataProtectionOfficer, "dpo",
         "The person named as Data Protection Officer"},
    };
    return options;
}

struct ProfileOptions {
    std::string expires;
    bool clear_expires = false;
    std::map<std::string_view, std::optional<std::string>> set;  // by field
    std::map<std::string_view, bool> clear;                      // by field
    bool json = false;
};

bool changes_anything(const ProfileOptions& options) {
    bool any = !options.expires.empty() || options.clear_expires;
    for (const auto& [field, value] : options.set) {
        any = any || value.has_value();
    }
    for (const auto& [field, clear] : options.clear) {
        any = any || clear;
    }
    return any;
}

// On a branch device not yet known to be its organisation's only one, asks
// the server: an organisation with this one site and no headquarters sets its
// own profile; any other branch is refused, saying why.
void check_branch_may_set(CommandContext& context, LocalStore& store) {
    const auto identity = load_identity(store);
    if (store.may_set_profile() || !identity || identity->role != protocol::Role::branch) {
        return;
    }
    const auto refuse = [&](const std::string& why) {
        fail(ErrorCode::forbidden, "the organisation profile is set by headquarters: " + why +
                                       ", so the branch device of " + identity->site_ods +
                                       " does not set it");
    };
    ServerSession session(store, *context.err, {}, transport_options(context));
    protocol::OrganisationView view;
    try {
        view = session.api().organisation(identity->organisation_ods);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::forbidden) {
            throw;
        }
        refuse(identity->organisation_ods + " is registered with a headquarters");
    }
    const bool single_site = !view.is_headquarters && view.sites.size() == 1 &&
                             view.sites.front().ods == identity->site_ods;
    store.set_single_site_organisation(single_site);
    if (view.is_headquarters) {
        refuse(view.ods + " is registered with a headquarters");
    }
    if (!single_site) {
        refuse(view.ods + " has " + std::to_string(view.sites.size()) + " sites");
    }
}

void run_profile(CommandContext& context, const ProfileOptions& options) {
    if (!options.expires.empty() && options.clear_expires) {
        fail(ErrorCode::invalid_argument, "give either --ce-plus-until or --no-ce-plus");
    }
    for (const auto& text : text_options()) {
        if (options.set.at(text.field) && options.clear.at(text.field)) {
            fail(ErrorCode::invalid_argument,
                 "give either --" + text.option + " or --no-" + text.option);
        }
    }
    std::optional<Date> expires;
    if (!options.expires.empty()) {
        expires = Date::parse(options.expires);
        if (!expires) {
            fail(
                ErrorCode::invalid_argument,
                "the expiry needs a real date written YYYY-MM-DD, not \"" + options.expires + "\"");
        }
    }
    auto store = open_store(context.global);
    if (changes_anything(options)) {
        check_branch_may_set(context, *store);
        // Every value is checked before any is written.
        for (const auto& text : text_options()) {
            if (const auto& value = options.set.at(text.field)) {
                normalise_profile_text(*find_profile_text_field(text.field), *value);
            }
        }
    }
    if (expires || options.clear_expires) {
        store->set_cyber_essentials_plus_expires(expires);
    }
    if (expires && *expires < Date::today()) {
        *context.err
            << "Warning: that Cyber Essentials Plus certificate expired on " << long_date(*expires)
            << ": if that is a slip, set the right date with 'dspt profile --ce-plus-until "
               "YYYY-MM-DD'; if it has lapsed, renew it.\n";
    }
    for (const auto& text : text_options()) {
        if (const auto& value = options.set.at(text.field)) {
            store->set_profile_text(text.field, *value);
        } else if (options.clear.at(text.field)) {
            store->set_profile_text(text.field, std::nullopt);
        }
    }
    const auto current = store->cyber_essentials_plus_expires();
    if (options.json) {
        nlohmann::json doc = {{"cyber_essentials_plus_expires",
                               current ? nlohmann::json(current->to_string()) : nlohmann::json()}};
        for (const auto& field : profile_text_fields()) {
            const auto value = store->profile_text(field.field);
            doc[std::string(field.field)] = value ? nlohmann::json(*value) : nlohmann::json();
        }
        *context.out << doc.dump(2) << "\n";
        return;
    }
    auto& out = *context.out;
    const auto line = [&out](std::string_view label, const std::string& value) {
        out << label << ":" << std::string(31 - label.size(), ' ') << value << "\n";
    };
    line("Cyber Essentials Plus",
         current ? "certified until " + current->to_string() : std::string("not certified"));
    for (const auto& field : profile_text_fields()) {
        const auto value = store->profile_text(field.field);
        std::string label(field.label);
        label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
        if (!value) {
            line(label, field.json_key == "name" ? "(not named)" : "(not given)");
        } else {
            line(label, field.field == protocol::kProfileOrganisationType
                            ? organisation_type_name(*value)
                            : *value);
        }
    }
}

}  // namespace

void add_profile_command(CLI::App& app, CommandContext& context) {
    auto* profile = app.add_subcommand(
        "profile",
        "Show the organisation profile; on a headquarters device, or the device of an "
        "organisation with one site and no headquarters, set it");
    auto options = std::make_shared<ProfileOptions>();
    profile->add_option("--ce-plus-until,--cyber-essentials-plus-expires", options->expires,
                        "The Cyber Essentials Plus certificate's expiry date, YYYY-MM-DD");
    profile->add_flag("--no-ce-plus,--no-cyber-essentials-plus", options->clear_expires,
                      "The organisation holds no Cyber Essentials Plus certificate");
    for (const auto& text : text_options()) {
        profile->add_option("--" + text.option, options->set[text.field], text.help);
        profile->add_flag("--no-" + text.option, options->clear[text.field],
                          "Unset: " + std::string(find_profile_text_field(text.field)->label));
    }
    profile->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(profile, context);
    on_run(profile, context, [&context, options] { run_profile(context, *options); });
}

}  // namespace dspt::client
