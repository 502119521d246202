// `dspt profile`: the organisation facts that affect the level reached.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct ProfileOptions {
    std::string expires;
    bool clear = false;
    bool json = false;
};

void run_profile(CommandContext& context, const ProfileOptions& options) {
    if (!options.expires.empty() && options.clear) {
        fail(ErrorCode::invalid_argument,
             "give either --cyber-essentials-plus-expires or --no-cyber-essentials-plus");
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
    if (expires || options.clear) {
        store->set_cyber_essentials_plus_expires(expires);
    }
    const auto current = store->cyber_essentials_plus_expires();
    if (options.json) {
        nlohmann::json doc = {{"cyber_essentials_plus_expires",
                               current ? nlohmann::json(current->to_string()) : nlohmann::json()}};
        *context.out << doc.dump(2) << "\n";
        return;
    }
    if (current) {
        *context.out << "Cyber Essentials Plus: certified until " << current->to_string() << "\n";
    } else {
        *context.out << "Cyber Essentials Plus: not certified\n";
    }
}

}  // namespace

void add_profile_command(CLI::App& app, CommandContext& context) {
    auto* profile =
        app.add_subcommand("profile", "Show or set the organisation's Cyber Essentials Plus");
    auto options = std::make_shared<ProfileOptions>();
    profile->add_option("--cyber-essentials-plus-expires", options->expires,
                        "The certificate's expiry date, YYYY-MM-DD");
    profile->add_flag("--no-cyber-essentials-plus", options->clear,
                      "The organisation holds no certificate");
    profile->add_flag("--json", options->json, "Machine-readable output");
    on_run(profile, context, [&context, options] { run_profile(context, *options); });
}

}  // namespace dspt::client
