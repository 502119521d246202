// `dspt web-login`: a link that signs a browser in to the server's dashboard, as
// this device (its role and scope) for the standards year of its store.

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/network_options.hpp"
#include "client/format/output.hpp"
#include "client/cli/command_session.hpp"

namespace dspt::client {

namespace {

struct WebLoginOptions {
    bool json = false;
    std::string server;
};

void run_web_login(CommandContext& context, const WebLoginOptions& options) {
    CommandSession session(context, options.server);
    const auto year = session.store().info().year;
    const auto link = session.api().web_login_link(year);
    std::string url = options.server.empty() ? session.identity().server_url : options.server;
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    url += link.path;
    if (options.json) {
        *context.out << nlohmann::json{{"url", url},
                                       {"year", year},
                                       {"expires", format_time_iso(link.expires_at_ms)},
                                       {"expires_at_ms", link.expires_at_ms}}
                            .dump(2)
                     << "\n";
        return;
    }
    *context.out << "Open this link in a browser to see the " << year
                 << " dashboard as this device. It works once, until "
                 << format_time(link.expires_at_ms) << " UTC:\n"
                 << url << "\n";
}

}  // namespace

void add_web_commands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<WebLoginOptions>();
    auto* login = app.add_subcommand(
        "web-login", "Print a single-use link that signs a browser in to the dashboard");
    login->add_flag("--json", options->json, "Machine-readable output");
    login->add_option("--server", options->server, "Use this server address for this run");
    add_network_options(login, context);
    on_run(login, context, [&context, options] { run_web_login(context, *options); });
}

}  // namespace dspt::client
