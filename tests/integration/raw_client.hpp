#pragma once
// Requests signed with a device key held in a client's store, sent to the real
// server as they are and answered as they come: for tests that present what
// the dspt client never would (a chosen timestamp or nonce, another device's
// id, a body other than the one signed).

#include <cstdint>
#include <memory>
#include <string>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/encoding.hpp"
#include "protocol/signing.hpp"
#include "tests/integration/server_fixture.hpp"

namespace dspt::test {

struct RawClient {
    RawClient(const ClientHome& home, const ServerProcess& server) : url(server.url()) {
        auto store = client::LocalStore::open(home.store_file(), ClientHome::kPassphrase);
        identity = std::make_unique<client::DeviceIdentity>(client::require_identity(*store));
    }

    // Signed as `signed_as` (the device id in the signed string) over
    // `signed_body`, sent with the header X-Dspt-Device: `presented_as` and
    // `body`.
    client::HttpResponse send_as(const std::string& method, const std::string& target,
                                 const std::string& body, std::int64_t timestamp_ms,
                                 const std::string& nonce, const std::string& signed_body,
                                 const std::string& signed_as,
                                 const std::string& presented_as) const {
        const auto canonical = protocol::canonical_request(signed_as, method, target, timestamp_ms,
                                                           nonce, signed_body);
        const auto signature = identity->signing.sign(crypto::as_byte_view(canonical));
        client::HttpRequest request;
        request.method = method;
        request.target = target;
        request.body = body;
        request.headers[std::string(protocol::kDeviceHeader)] = presented_as;
        request.headers[std::string(protocol::kTimestampHeader)] = std::to_string(timestamp_ms);
        request.headers[std::string(protocol::kNonceHeader)] = nonce;
        request.headers[std::string(protocol::kSignatureHeader)] = crypto::to_base64(signature);
        const auto transport = client::make_http_transport(client::ServerUrl::parse(url), {});
        return transport->send(request);
    }

    // As this device, with the chosen timestamp and nonce, over `signed_body`.
    client::HttpResponse send(const std::string& method, const std::string& target,
                              const std::string& body, std::int64_t timestamp_ms,
                              const std::string& nonce, const std::string& signed_body) const {
        return send_as(method, target, body, timestamp_ms, nonce, signed_body, identity->device_id,
                       identity->device_id);
    }

    client::HttpResponse send(const std::string& method, const std::string& target,
                              const std::string& body = {}) const {
        return send(method, target, body, now(), protocol::new_nonce(), body);
    }

    static std::int64_t now() { return static_cast<std::int64_t>(HybridClock::system_millis()); }

    std::string url;
    std::unique_ptr<client::DeviceIdentity> identity;
};

}  // namespace dspt::test
