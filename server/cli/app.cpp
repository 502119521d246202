#include "server/cli/app.hpp"

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "protocol/version.hpp"

namespace dspt::server {

namespace {

constexpr int kExitUsage = 1;

std::string version_text() {
    std::string years;
    for (const auto& year : standards::bundled_years()) {
        years += (years.empty() ? "" : ", ") + year;
    }
    return std::string("dspt-server ") + DSPT_VERSION + " (protocol " +
           std::to_string(protocol::kProtocolVersion) + "; standards " + years + ")";
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"dspt-server: the dsptsync server for organisations, sites and partners",
                 "dspt-server"};
    app.set_version_flag("--version", version_text());

    if (argc >= 2 && argv[1][0] != '-') {
        std::cerr << "dspt-server: unknown command '" << argv[1]
                  << "'. Run 'dspt-server --help' to see the commands.\n";
        return kExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : kExitUsage;
    }
    std::cout << app.help();
    return 0;
}

}  // namespace dspt::server
