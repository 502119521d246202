#pragma once
// A request session opened on the real server with a device key held in a
// client's store, and requests MACed in it as they are and answered as they
// come: for tests that present what the dspt client never would (a counter
// used before, a body other than the one MACed).

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "client/sync/transport.hpp"
#include "common/crypto/session_key.hpp"
#include "protocol/codec.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/session_messages.hpp"
#include "tests/integration/raw_client.hpp"

namespace dspt::test {

struct RawSession {
    // Opens a session with a signed POST /v1/session as `raw`'s device.
    explicit RawSession(const RawClient& device) : url(device.url) {
        const auto pair = crypto::SessionKeyPair::generate();
        protocol::SessionRequest request;
        request.client_public_key.assign(pair.public_key().begin(), pair.public_key().end());
        const auto answer = device.send("POST", "/v1/session", protocol::encode(request));
        INFO(answer.body);
        REQUIRE(answer.status == 201);
        const auto offer = protocol::decode<protocol::SessionOffer>(answer.body);
        id = offer.session_id;
        key = pair.client_request_key(offer.server_public_key);
    }

    // MACed as the `nth` request over `maced_body`, sent with `body`.
    client::HttpResponse send(const std::string& method, const std::string& target,
                              const std::string& body, std::uint64_t nth,
                              const std::string& maced_body) const {
        const auto headers = protocol::mac_request(key, id, nth, method, target, maced_body);
        client::HttpRequest request;
        request.method = method;
        request.target = target;
        request.body = body;
        request.headers[std::string(protocol::kSessionHeader)] = headers.session_id;
        request.headers[std::string(protocol::kCounterHeader)] = headers.counter;
        request.headers[std::string(protocol::kMacHeader)] = headers.mac;
        return client::make_http_transport(client::ServerUrl::parse(url), {})->send(request);
    }

    // As the next request of the session.
    client::HttpResponse send(const std::string& method, const std::string& target,
                              const std::string& body = {}) {
        return send(method, target, body, ++sent, body);
    }

    std::string url;
    std::string id;
    crypto::MacKey key;
    std::uint64_t sent = 0;  // the counter of the last request send() numbered
};

}  // namespace dspt::test
