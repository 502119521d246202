#pragma once
// What everything that talks to the server starts with: the unlocked store,
// this device's identity, and an API client signing as it. Opening one also
// sends a recovery copy of the organisation key that an earlier run could not
// deliver. The commands open one per run; the local screen (`dspt ui`) opens
// one on its own open store for each sync or publish.

#include <iosfwd>
#include <memory>
#include <string>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/store/session_keep.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/transport.hpp"

namespace dspt::client {

class ServerSession {
  public:
    // `server_url`, when not empty, replaces the enrolled address for this
    // session (a proxy, a moved server); the device's keys stay the same.
    // `transport` gives the deadline of each request and the stop check; the
    // certificate to trust is the device's own. `notices` hears about a
    // recovery copy sent late.
    //
    // This one keeps `store` for its life.
    ServerSession(std::unique_ptr<LocalStore> store, std::ostream& notices,
                  const std::string& server_url = {}, const TransportOptions& transport = {});
    // This one works on a store its caller keeps open for longer.
    ServerSession(LocalStore& store, std::ostream& notices, const std::string& server_url = {},
                  const TransportOptions& transport = {});

    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;
    virtual ~ServerSession() = default;

    LocalStore& store() noexcept { return *store_; }
    const DeviceIdentity& identity() const noexcept { return identity_; }
    ApiClient& api() noexcept { return *api_; }

  private:
    std::unique_ptr<LocalStore> owned_;
    LocalStore* store_;
    DeviceIdentity identity_;
    std::unique_ptr<Transport> transport_;
    SessionKeep keep_;                // the request session kept in the store
    std::unique_ptr<ApiClient> api_;  // signs with identity_.signing
};

// A transport to the server this device enrolled with, or to `server_url`,
// trusting the device's certificate (TransportOptions::ca_file is replaced).
std::unique_ptr<Transport> transport_for(const DeviceIdentity& identity,
                                         const std::string& server_url = {},
                                         TransportOptions options = {});

}  // namespace dspt::client
