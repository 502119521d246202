#include "server/auth/authenticator.hpp"

#include "common/error.hpp"
#include "protocol/signing.hpp"
#include "protocol/version.hpp"

namespace dspt::server::auth {

namespace {

[[noreturn]] void refuse(const std::string& reason) {
    fail(ErrorCode::unauthenticated, reason);
}

}  // namespace

Authenticator::Authenticator(store::Repository& repository, AuthConfig config, Clock clock)
    : repository_(repository), config_(config), clock_(std::move(clock)) {}

store::Device Authenticator::authenticate(const http::Request& request) const {
    const auto device_id = request.header(protocol::kDeviceHeader);
    const auto timestamp = request.header(protocol::kTimestampHeader);
    const auto nonce = request.header(protocol::kNonceHeader);
    const auto signature = request.header(protocol::kSignatureHeader);
    if (device_id.empty() || timestamp.empty() || nonce.empty() || signature.empty()) {
        refuse("the request is not signed: enrol this device with 'dspt enrol'");
    }
    protocol::RequestSignature parsed;
    try {
        parsed = protocol::parse_signed_headers(device_id, timestamp, nonce, signature);
    } catch (const Error& e) {
        refuse(std::string("malformed signature headers: ") + e.what());
    }

    const auto device = repository_.find_device(parsed.device_id);
    if (!device) {
        refuse("unknown device " + parsed.device_id);
    }
    if (device->revoked_at_ms) {
        refuse("device " + device->id + " has been revoked");
    }
    const auto now = clock_();
    const auto window = config_.window.count();
    if (parsed.timestamp_ms < now - window || parsed.timestamp_ms > now + window) {
        refuse("stale timestamp: the device's clock is more than " + std::to_string(window / 1000) +
               " s from the server's");
    }
    if (!protocol::verify_request(device->signing_public_key, parsed, request.method,
                                  request.target, request.body)) {
        if (protocol::is_previous_scheme_signature(device->signing_public_key, parsed,
                                                   request.method, request.target, request.body)) {
            refuse("bad signature: signed the way of protocol version 1 (" +
                   std::string(protocol::kPreviousSignatureScheme) +
                   ", without the device id), which this server no longer accepts; update dspt "
                   "to a version that speaks protocol version " +
                   std::to_string(protocol::kProtocolVersion));
        }
        refuse("bad signature");
    }
    // A timestamp is accepted from now - window to now + window, so a request
    // stays acceptable for two windows of server time: its nonce is kept as long.
    if (!repository_.remember_nonce(device->id, parsed.nonce, now, 2 * window)) {
        refuse("replayed request: this nonce was already used");
    }
    return *device;
}

}  // namespace dspt::server::auth
