#pragma once
// One whole sync as a person asks for it (`dspt sync`, `dspt publish`, which
// syncs first, and the Sync now button of `dspt ui`): a session is opened for
// each attempt, so nothing stale carries over, transient failures are tried
// again under `policy`, and a finished sync is recorded for `dspt status`.
//
// Publishing (publish_synced) then asks the server to publish what it now
// holds, once: the request id kept in the store makes an answer lost on the
// way harmless to ask for again. The id is kept until an answer arrives,
// whatever failure came instead.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/sync/retry.hpp"
#include "client/sync/server_session.hpp"
#include "client/sync/sync_engine.hpp"
#include "common/standards/pack.hpp"
#include "protocol/publish_messages.hpp"

namespace dspt::client {

using SessionOpener = std::function<std::unique_ptr<ServerSession>()>;

// `progress` hears how the evidence files move (sync_once).
SyncReport sync_with_retry(const SessionOpener& open, const RetryPolicy& policy,
                           const RetryNotice& notice, const Sleeper& sleep,
                           const SyncProgressFn& progress = {});

// Asks the server to publish the store's assessment at `level` for `sites`
// (a headquarters names them; a branch gives none), through `api`. Refused
// with failed_precondition while changes of this device have not reached the
// server. Returns the server's answer: published, or every problem it found.
protocol::PublishResponse publish_synced(LocalStore& store, ApiClient& api, standards::Level level,
                                         std::vector<std::string> sites, const RetryPolicy& policy,
                                         const RetryNotice& notice, const Sleeper& sleep);

// As above, with the session's store and API client.
protocol::PublishResponse publish_synced(ServerSession& session, standards::Level level,
                                         std::vector<std::string> sites, const RetryPolicy& policy,
                                         const RetryNotice& notice, const Sleeper& sleep);

}  // namespace dspt::client
