#pragma once
// The recovery copy of the organisation key, created on the organisation's
// first device, waits in the local store until the server confirms it. This
// sends it: right after enrolment, and again from any later command that
// reaches the server, so a connection lost during enrolment loses nothing.

#include <iosfwd>

#include "client/store/local_store.hpp"
#include "client/sync/api_client.hpp"

namespace dspt::client {

// Sends the pending recovery copy, if there is one, and clears it once the
// server has it. Returns true when nothing is pending any more. A network
// failure leaves it pending and is reported on `err` as a warning; any other
// error is thrown (for example, already_exists when another device of the
// organisation created the organisation's key first).
bool send_pending_recovery(LocalStore& store, ApiClient& api, std::ostream& err);

}  // namespace dspt::client
