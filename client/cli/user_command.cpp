// `dspt user [NAME]`: the name shown as the author of the answers made on this
// device. On a computer that several people use in turn, each gives their name
// before they work, or sets DSPT_USER for their session; `dspt init --user`
// records the first.

#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"

namespace dspt::client {

namespace {

struct UserOptions {
    std::optional<std::string> name;
    bool json = false;
};

bool named_by_environment() {
    const char* value = std::getenv("DSPT_USER");
    return value != nullptr && *value != '\0';
}

void run_user(CommandContext& context, const UserOptions& options) {
    auto store = open_store(context.global);
    if (options.name) {
        store->set_author_name(*options.name);
    }
    const auto recorded = store->author_name();
    const auto shown = current_user(*store);
    auto& out = *context.out;
    if (options.json) {
        out << nlohmann::json{{"recorded", recorded.value_or("")},
                              {"shown", shown},
                              {"from_environment", named_by_environment()}}
                   .dump()
            << "\n";
        return;
    }
    if (options.name) {
        out << "Answers made here from now on show the name " << *recorded
            << ". Changes made before keep the name they were made under.\n";
    } else if (recorded) {
        out << "Answers made here show the name " << *recorded << ".\n";
    } else if (!named_by_environment()) {
        out << "No name is recorded on this device, so answers show the login name " << shown
            << ". Give yours with: dspt user \"Your Name\"\n";
    }
    if (named_by_environment()) {
        out << "DSPT_USER is set to " << shown
            << " for this session, and names the author instead until it is unset.\n";
    }
}

}  // namespace

void add_user_command(CLI::App& app, CommandContext& context) {
    auto* user = app.add_subcommand(
        "user", "Show or set the name shown as the author of answers made on this device");
    auto options = std::make_shared<UserOptions>();
    user->add_option("NAME", options->name, "Your name, e.g. \"Sam Patel\" (default: show it)");
    user->add_flag("--json", options->json, "Machine-readable output");
    on_run(user, context, [&context, options] { run_user(context, *options); });
}

}  // namespace dspt::client
