#pragma once
// What every command group shares: the parsed global options and the action
// chosen by the parser. A group registers its subcommands and sets `action`
// from their callbacks; run_cli executes the action after parsing succeeds, so
// no command does work while arguments are still being read.

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>

namespace dspt::client {

struct CommandContext {
    std::function<void()> action;  // set by the chosen subcommand's callback
    std::ostream* out = nullptr;   // where results go (stdout)
};

void add_standards_commands(CLI::App& app, CommandContext& context);

}  // namespace dspt::client
