#pragma once
// The options every command that talks to the server shares: `--timeout S`,
// the deadline of each request (default 30 s; a body that keeps moving is
// not cut by it), `--insecure-http`, which allows a plain http:// address of
// another computer (client/sync/plain_http.hpp), and what the transport makes
// of them.

#include <CLI/CLI.hpp>

#include "client/cli/command.hpp"
#include "client/sync/transport.hpp"

namespace dspt::client {

// Adds --timeout and --insecure-http to `command`.
void add_network_options(CLI::App* command, CommandContext& context);

// The transport options the command's flags ask for. Throws
// Error(invalid_argument) for a --timeout that is not more than 0 and at most
// an hour.
TransportOptions transport_options(const CommandContext& context);

}  // namespace dspt::client
