#pragma once
// Requests to the real server's API signed as an enrolled device, to read
// endpoints as they answer rather than as a command shows them.

#include <memory>
#include <string>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/transport.hpp"
#include "common/error.hpp"
#include "tests/integration/server_fixture.hpp"

namespace dspt::test {

// An API client signing as the device in `home`, to read endpoints as they answer.
struct RawApi {
    RawApi(const ClientHome& home, const ServerProcess& server) {
        auto store = client::LocalStore::open(home.store_file(), ClientHome::kPassphrase);
        identity = std::make_unique<client::DeviceIdentity>(client::require_identity(*store));
        transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
        api =
            std::make_unique<client::ApiClient>(*transport, identity->device_id, identity->signing);
    }

    std::unique_ptr<client::DeviceIdentity> identity;
    std::unique_ptr<client::Transport> transport;
    std::unique_ptr<client::ApiClient> api;
};

// The error code a call fails with; "none" when it succeeds.
template <class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return std::string(to_string(e.code()));
    }
    return "none";
}

}  // namespace dspt::test
