#pragma once
// The `dspt-server` command groups. Each registers its subcommands and sets
// the action to run once parsing has succeeded (as in the client's CLI).

#include <functional>

#include <CLI/CLI.hpp>

namespace dspt::server {

struct CommandContext {
    std::function<int()> action;  // returns the exit code
};

void add_serve_command(CLI::App& app, CommandContext& context);
void add_admin_commands(CLI::App& app, CommandContext& context);
void add_migrate_command(CLI::App& app, CommandContext& context);

}  // namespace dspt::server
