#include "server/cli/app.hpp"

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "protocol/version.hpp"
#include "server/cli/commands.hpp"

namespace dspt::server {

namespace {

constexpr int kExitUsage = 1;
constexpr int kExitUserError = 2;
constexpr int kExitFailure = 4;

std::string version_text() {
    std::string years;
    for (const auto& year : standards::bundled_years()) {
        years += (years.empty() ? "" : ", ") + year;
    }
    return std::string("dspt-server ") + DSPT_VERSION + " (protocol " +
           std::to_string(protocol::kProtocolVersion) + "; standards " + years + ")";
}

// Errors a person can fix by changing what they typed or the registry.
bool is_user_error(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument:
        case ErrorCode::not_found:
        case ErrorCode::already_exists:
        case ErrorCode::failed_precondition:
            return true;
        default:
            return false;
    }
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"dspt-server: the dsptsync server for organisations, sites and partners",
                 "dspt-server"};
    app.set_version_flag("--version", version_text());
    app.require_subcommand(0, 1);

    CommandContext context;
    add_serve_command(app, context);
    add_admin_commands(app, context);
    add_migrate_command(app, context);

    if (argc >= 2 && argv[1][0] != '-') {
        bool known = false;
        for (const auto* sub : app.get_subcommands({})) {
            known = known || sub->check_name(argv[1]);
        }
        if (!known) {
            std::cerr << "dspt-server: unknown command '" << argv[1]
                      << "'. Run 'dspt-server --help' to see the commands.\n";
            return kExitUsage;
        }
    }
    try {
        try {
            app.parse(argc, argv);  // a configuration file is read while parsing
        } catch (const CLI::ParseError& e) {
            const int code = app.exit(e);
            return code == 0 ? 0 : kExitUsage;
        }
        if (!context.action) {
            std::cout << app.help();
            return 0;
        }
        return context.action();
    } catch (const Error& e) {
        std::cerr << "dspt-server: " << e.what() << "\n";
        return is_user_error(e.code()) ? kExitUserError : kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "dspt-server: internal error: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace dspt::server
