// `dspt ui`: the local screen, a web interface on this computer for the whole
// assessment that works with no connection (client/ui/).

#include <memory>
#include <ostream>
#include <spawn.h>

#include "client/cli/command.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/store_access.hpp"
#include "client/ui/run_screen.hpp"
#include "client/ui/site_view.hpp"
#include "common/error.hpp"

extern char** environ;

namespace dspt::client {

namespace {

struct UiOptions {
    int port = 0;
    bool open = false;
    int max_upload_mb = 100;
};

// Asks the desktop to open `address` in the default browser; says so when it cannot.
void open_browser(const std::string& address, std::ostream& err) {
    pid_t child = 0;
    std::string program = "xdg-open";
    std::string argument = address;
    char* argv[] = {program.data(), argument.data(), nullptr};
    if (posix_spawnp(&child, "xdg-open", nullptr, nullptr, argv, environ) != 0) {
        err << "dspt: could not start a browser (xdg-open); open the address yourself\n";
    }
}

void run_ui(CommandContext& context, const UiOptions& options) {
    if (options.port < 0 || options.port > 65535) {
        fail(ErrorCode::invalid_argument, "--port is from 0 (any free port) to 65535");
    }
    if (options.max_upload_mb < 1 || options.max_upload_mb > 2048) {
        fail(ErrorCode::invalid_argument, "--max-upload-mb is from 1 to 2048");
    }
    ui::RunOptions run;
    run.transport = transport_options(context);
    auto store = open_store(context.global);
    run.port = static_cast<std::uint16_t>(options.port);
    run.max_upload_bytes = static_cast<std::uint64_t>(options.max_upload_mb) << 20;
    run.work_dir = resolve_home(context.global) / "ui-scratch";
    run.user = current_user(*store);
    auto& out = *context.out;
    // Whose assessment it opens at: the organisation, and the site on a head
    // office device given --site or on a branch's.
    const auto whose = ui::whose_assessment(*store);
    auto shown = whose.organisation.empty() ? std::string("this site") : whose.organisation;
    if (!whose.site.empty()) {
        shown += ", " + whose.site;
    }
    ui::run_screen(*store, run, [&](const std::string& address) {
        out << "The DSPT screen for " << shown << " (" << store->info().year << ") is at\n  "
            << address
            << "\nOpen it in a browser on this computer: the address works once. It works "
               "without a connection. Stop with Ctrl-C.\n";
        out.flush();
        if (options.open) {
            open_browser(address, *context.err);
        }
    });
    out << "Stopped. Every change is saved.\n";
}

}  // namespace

void add_ui_command(CLI::App& app, CommandContext& context) {
    auto* ui = app.add_subcommand(
        "ui", "Open the assessment in a browser: a local screen on 127.0.0.1, offline too");
    auto options = std::make_shared<UiOptions>();
    ui->add_option("--port", options->port, "Port on 127.0.0.1 (default: any free port)");
    ui->add_flag("--open", options->open, "Open the default browser at the screen");
    ui->add_option("--max-upload-mb", options->max_upload_mb,
                   "Largest evidence file the screen accepts, in MB (default 100)");
    add_network_options(ui, context);
    on_run(ui, context, [&context, options] { run_ui(context, *options); });
}

}  // namespace dspt::client
