#include "client/cli/server_session.hpp"

#include "client/cli/store_access.hpp"
#include "client/sync/recovery_upload.hpp"

namespace dspt::client {

std::unique_ptr<Transport> transport_for(const DeviceIdentity& identity,
                                         const std::string& server_url) {
    TransportOptions options;
    options.ca_file = identity.ca_file;
    return make_http_transport(
        ServerUrl::parse(server_url.empty() ? identity.server_url : server_url), options);
}

ServerSession::ServerSession(CommandContext& context, const std::string& server_url)
    : store_(open_store(context.global)),
      identity_(require_identity(*store_)),
      transport_(transport_for(identity_, server_url)),
      api_(std::make_unique<ApiClient>(*transport_, identity_.device_id, identity_.signing)) {
    send_pending_recovery(*store_, *api_, *context.err);
}

}  // namespace dspt::client
