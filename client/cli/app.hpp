#pragma once
// The `dspt` command line: builds the CLI11 application from the command
// groups in this folder, runs the chosen command, and turns errors into a
// message on stderr and an exit code (exit_codes.hpp).

namespace dspt::client {

// Runs `dspt` with the process's arguments and returns its exit code.
int run_cli(int argc, char** argv);

}  // namespace dspt::client
