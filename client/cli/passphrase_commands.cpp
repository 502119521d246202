// `dspt passphrase change`: re-wraps the store's data key under a new passphrase.

#include <memory>
#include <ostream>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"

namespace dspt::client {

void add_passphrase_commands(CLI::App& app, CommandContext& context) {
    auto* group = app.add_subcommand("passphrase", "Change the store's passphrase");
    group->require_subcommand(1);
    auto* change = group->add_subcommand(
        "change", "Change the passphrase (new one from $DSPT_NEW_PASSPHRASE, a file, or a prompt)");
    auto new_file = std::make_shared<std::string>();
    change->add_option("--new-passphrase-file", *new_file, "Read the new passphrase from FILE");
    on_run(change, context, [&context, new_file] {
        auto store = open_store(context.global);
        const auto passphrase = read_new_passphrase("DSPT_NEW_PASSPHRASE", *new_file);
        store->change_passphrase(passphrase);
        *context.out << "Changed the passphrase. The old one no longer opens the store.\n";
    });
}

}  // namespace dspt::client
