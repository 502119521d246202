#include "client/sync/server_session.hpp"

#include "client/sync/recovery_upload.hpp"

namespace dspt::client {

std::unique_ptr<Transport> transport_for(const DeviceIdentity& identity,
                                         const std::string& server_url, TransportOptions options) {
    options.ca_file = identity.ca_file;
    return make_http_transport(
        ServerUrl::parse(server_url.empty() ? identity.server_url : server_url), options);
}

ServerSession::ServerSession(std::unique_ptr<LocalStore> store, std::ostream& notices,
                             const std::string& server_url, const TransportOptions& transport)
    : ServerSession(*store, notices, server_url, transport) {
    owned_ = std::move(store);
}

ServerSession::ServerSession(LocalStore& store, std::ostream& notices,
                             const std::string& server_url, const TransportOptions& transport)
    : store_(&store),
      identity_(require_identity(store)),
      transport_(transport_for(identity_, server_url, transport)),
      keep_(store, identity_.device_id, server_url.empty() ? identity_.server_url : server_url),
      api_(std::make_unique<ApiClient>(*transport_, identity_.device_id, identity_.signing,
                                       &HybridClock::system_millis, &keep_)) {
    // Evidence chunks go two at a time, the second on a connection of its own.
    auto options = transport;
    options.ca_file = identity_.ca_file;
    api_->set_side_lane(
        [url = ServerUrl::parse(server_url.empty() ? identity_.server_url : server_url), options] {
            return make_http_transport(url, options);
        });
    send_pending_recovery(store, *api_, notices);
}

}  // namespace dspt::client
