#pragma once
// What every command that talks to the server starts with: the store opened
// with the passphrase, this device's identity, and an API client signing as
// it. Opening one also sends a recovery copy of the organisation key that an
// earlier command could not deliver.

#include <memory>

#include "client/cli/command.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/transport.hpp"

namespace dspt::client {

class ServerSession {
  public:
    // `server_url`, when not empty, replaces the enrolled address for this
    // session (a proxy, a moved server); the device's keys stay the same.
    explicit ServerSession(CommandContext& context, const std::string& server_url = {});

    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;

    LocalStore& store() noexcept { return *store_; }
    const DeviceIdentity& identity() const noexcept { return identity_; }
    ApiClient& api() noexcept { return *api_; }

  private:
    std::unique_ptr<LocalStore> store_;
    DeviceIdentity identity_;
    std::unique_ptr<Transport> transport_;
    std::unique_ptr<ApiClient> api_;  // signs with identity_.signing
};

// A transport to the server this device enrolled with, or to `server_url`.
std::unique_ptr<Transport> transport_for(const DeviceIdentity& identity,
                                         const std::string& server_url = {});

}  // namespace dspt::client
