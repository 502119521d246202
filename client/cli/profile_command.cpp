// `dspt profile`: the organisation profile, the same for every standards year
// and every site: the Cyber Essentials Plus certificate (which decides
// Standards Exceeded) and the named security lead. Headquarters sets it; every
// device of the organisation receives it when it syncs.

#include <memory>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct ProfileOptions {
    std::string expires;
    bool clear_expires = false;
    std::optional<std::string> security_lead;
    bool clear_security_lead = false;
    bool json = false;
};

void run_profile(CommandContext& context, const ProfileOptions& options) {
    if (!options.expires.empty() && options.clear_expires) {
        fail(ErrorCode::invalid_argument, "give either --ce-plus-until or --no-ce-plus");
    }
    if (options.security_lead && options.clear_security_lead) {
        fail(ErrorCode::invalid_argument, "give either --security-lead or --no-security-lead");
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
    if (expires || options.clear_expires) {
        store->set_cyber_essentials_plus_expires(expires);
    }
    if (options.security_lead) {
        store->set_security_lead(*options.security_lead);
    } else if (options.clear_security_lead) {
        store->set_security_lead(std::nullopt);
    }
    const auto current = store->cyber_essentials_plus_expires();
    const auto lead = store->security_lead();
    if (options.json) {
        const nlohmann::json doc = {
            {"cyber_essentials_plus_expires",
             current ? nlohmann::json(current->to_string()) : nlohmann::json()},
            {"security_lead", lead ? nlohmann::json(*lead) : nlohmann::json()}};
        *context.out << doc.dump(2) << "\n";
        return;
    }
    auto& out = *context.out;
    if (current) {
        out << "Cyber Essentials Plus: certified until " << current->to_string() << "\n";
    } else {
        out << "Cyber Essentials Plus: not certified\n";
    }
    out << "Security lead:         " << (lead ? *lead : std::string("(not named)")) << "\n";
}

}  // namespace

void add_profile_command(CLI::App& app, CommandContext& context) {
    auto* profile = app.add_subcommand(
        "profile", "Show the organisation profile; on a headquarters device, set it");
    auto options = std::make_shared<ProfileOptions>();
    profile->add_option("--ce-plus-until,--cyber-essentials-plus-expires", options->expires,
                        "The Cyber Essentials Plus certificate's expiry date, YYYY-MM-DD");
    profile->add_flag("--no-ce-plus,--no-cyber-essentials-plus", options->clear_expires,
                      "The organisation holds no Cyber Essentials Plus certificate");
    profile->add_option("--security-lead", options->security_lead,
                        "The person named as the organisation's data security lead");
    profile->add_flag("--no-security-lead", options->clear_security_lead,
                      "No security lead is named");
    profile->add_flag("--json", options->json, "Machine-readable output");
    on_run(profile, context, [&context, options] { run_profile(context, *options); });
}

}  // namespace dspt::client
