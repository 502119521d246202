#pragma once
// The `dspt-server` command line.

namespace dspt::server {

// Runs `dspt-server` with the process's arguments and returns its exit code:
// 0 success, 1 usage, 2 a bad value or state, 4 an environment failure.
int run_cli(int argc, char** argv);

}  // namespace dspt::server
