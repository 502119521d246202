#include "client/cli/app.hpp"

#include <iostream>
#include <string>
#include <string_view>

#include "client/cli/command.hpp"
#include "client/cli/exit_codes.hpp"
#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "protocol/version.hpp"

namespace dspt::client {

namespace {

std::string version_text() {
    std::string years;
    for (const auto& year : standards::bundled_years()) {
        years += (years.empty() ? "" : ", ") + year;
    }
    return std::string("dspt ") + DSPT_VERSION + " (protocol " +
           std::to_string(protocol::kProtocolVersion) + "; standards " + years + ")";
}

// CLI11 reports an unknown subcommand as "arguments were not expected"; say
// plainly that the command is unknown instead.
bool reject_unknown_command(const CLI::App& app, int argc, char** argv) {
    if (argc < 2) {
        return false;
    }
    const std::string first = argv[1];
    if (first.empty() || first[0] == '-') {
        return false;
    }
    for (const auto* sub : app.get_subcommands({})) {
        if (sub->check_name(first)) {
            return false;
        }
    }
    std::cerr << "dspt: unknown command '" << first
              << "'. Run 'dspt --help' to see the commands.\n";
    return true;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"dspt: the offline client for the Data Security and Protection Toolkit", "dspt"};
    app.set_version_flag("--version", version_text());
    app.require_subcommand(1);

    app.fallthrough();  // global options may also follow the command

    CommandContext context;
    context.out = &std::cout;
    context.err = &std::cerr;
    app.add_option("--home", context.global.home,
                   "The store's directory (default: $DSPT_HOME, else ~/.local/share/dspt)");
    app.add_option("--passphrase-file", context.global.passphrase_file,
                   "Read the passphrase from FILE (default: $DSPT_PASSPHRASE, else a prompt)");
    ods_codes(app.add_option("--site", context.global.site,
                             "On a headquarters device: work on this branch's assessment (its "
                             "site code) instead of the organisation-wide answers"));

    add_init_command(app, context);
    add_user_command(app, context);
    add_item_commands(app, context);
    add_answer_command(app, context);
    add_evidence_commands(app, context);
    add_plan_commands(app, context);
    add_status_command(app, context);
    add_profile_command(app, context);
    add_export_command(app, context);
    add_import_command(app, context);
    add_passphrase_commands(app, context);
    add_backup_commands(app, context);
    add_standards_commands(app, context);
    add_enrol_commands(app, context);
    add_organisation_commands(app, context);
    add_sync_commands(app, context);
    add_outbox_commands(app, context);
    add_log_command(app, context);
    add_publish_commands(app, context);
    add_year_commands(app, context);
    add_sites_command(app, context);
    add_partner_commands(app, context);
    add_web_commands(app, context);
    add_ui_command(app, context);

    if (reject_unknown_command(app, argc, argv)) {
        return static_cast<int>(ExitCode::usage);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
    }

    try {
        if (context.action) {
            context.action();
        }
        return static_cast<int>(ExitCode::ok);
    } catch (const Error& e) {
        std::cerr << "dspt: " << e.what() << "\n";
        const bool revoked = e.code() == ErrorCode::unauthenticated &&
                             std::string_view(e.what()).find("revoked") != std::string_view::npos;
        if (revoked && !context.next_step_given) {
            std::cerr << "dspt: the server no longer accepts this device: its enrolment was "
                         "revoked. Your answers and unsent changes are kept here. Ask head office "
                         "or the server's operator for a new enrolment code, then run 'dspt enrol "
                         "--again --code CODE' on this store\n";
        }
        return static_cast<int>(exit_code_for(e.code()));
    } catch (const std::exception& e) {
        std::cerr << "dspt: internal error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::failure);
    }
}

}  // namespace dspt::client
