#pragma once
// A command's session with the server: the store opened as the command's
// global options say (store_access.hpp), this device's identity and its API
// client (client/sync/server_session.hpp), with the command's deadline
// (network_options.hpp).

#include <string>

#include "client/cli/command.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/store_access.hpp"
#include "client/sync/retry.hpp"
#include "client/sync/server_session.hpp"
#include "client/sync/sync_engine.hpp"

namespace dspt::client {

class CommandSession : public ServerSession {
  public:
    explicit CommandSession(CommandContext& context, const std::string& server_url = {})
        : CommandSession(transport_options(context), context, server_url) {}

  private:
    // The options are read first, so a bad --timeout is refused before the
    // store asks for its passphrase.
    CommandSession(const TransportOptions& transport, CommandContext& context,
                   const std::string& server_url)
        : ServerSession(open_store(context.global), *context.err, server_url, transport) {}
};

// One sync as `dspt sync` and `dspt publish` run it (client/sync/sync_run.hpp),
// with a notice on the error stream before each retry. `server`, when not
// empty, replaces the enrolled address for this run.
SyncReport sync_with_retry(CommandContext& context, const std::string& server,
                           const RetryPolicy& policy);

}  // namespace dspt::client
