#pragma once
// One sync as the commands run it (`dspt sync`, and `dspt publish`, which
// syncs first): the session is opened for each attempt and transient failures
// are tried again under `policy`, with a notice on the error stream.

#include <string>

#include "client/cli/command.hpp"
#include "client/sync/retry.hpp"
#include "client/sync/sync_engine.hpp"

namespace dspt::client {

// `server`, when not empty, replaces the enrolled address for this run.
SyncReport sync_with_retry(CommandContext& context, const std::string& server,
                           const RetryPolicy& policy);

}  // namespace dspt::client
