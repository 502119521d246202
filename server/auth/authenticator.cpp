#include "server/auth/authenticator.hpp"

#include <optional>
#include <utility>

#include "common/crypto/session_key.hpp"
#include "common/error.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/signing.hpp"
#include "protocol/version.hpp"

namespace dspt::server::auth {

namespace {

[[noreturn]] void refuse(const std::string& reason) {
    fail(ErrorCode::unauthenticated, reason);
}

}  // namespace

Authenticator::Authenticator(store::Repository& repository, AuthConfig config, Clock clock)
    : repository_(repository),
      config_(config),
      clock_(std::move(clock)),
      sessions_(config.max_sessions),
      devices_(repository, config.max_sessions) {}

store::Device Authenticator::authenticate(const http::Request& request) const {
    if (!request.header(protocol::kSessionHeader).empty()) {
        return authenticate_in_session(request);
    }
    return authenticate_signed(request);
}

store::Device Authenticator::authenticate_in_session(const http::Request& request) const {
    protocol::SessionProof proof;
    try {
        proof = protocol::parse_session_headers(request.header(protocol::kSessionHeader),
                                                request.header(protocol::kCounterHeader),
                                                request.header(protocol::kMacHeader));
    } catch (const Error& e) {
        refuse(std::string("malformed session headers: ") + e.what());
    }
    SessionTable::Live session;
    switch (sessions_.find(proof.session_id, clock_(), session)) {
        case SessionTable::Lookup::unknown:
            throw UnknownSession("unknown session: this server does not hold it; open a new one");
        case SessionTable::Lookup::expired:
            throw UnknownSession("expired session: open a new one");
        case SessionTable::Lookup::live:
            break;
    }
    auto device = devices_.find(session.device_id);
    if (!device) {
        sessions_.drop_device(session.device_id);
        refuse("unknown device " + session.device_id);
    }
    if (device->revoked_at_ms) {
        sessions_.drop_device(device->id);
        refuse("device " + device->id + " has been revoked");
    }
    // A large body's digest was worked out as it arrived (http::Request::body_digest).
    const bool verified = request.body_digest.empty()
                              ? protocol::verify_session_request(session.key, proof, request.method,
                                                                 request.target, request.body)
                              : protocol::verify_session_request_digest(
                                    session.key, proof, request.method, request.target,
                                    crypto::as_byte_view(request.body_digest));
    if (!verified) {
        refuse("bad MAC: the request is not the one its session key authenticated");
    }
    switch (sessions_.take_counter(proof.session_id, proof.counter)) {
        case ReplayWindow::Verdict::taken:
            break;
        case ReplayWindow::Verdict::seen:
            refuse("replayed request: this session's counter " + std::to_string(proof.counter) +
                   " was already used");
        case ReplayWindow::Verdict::too_old:
            // Several processes of one device share a session, each with its own
            // block of counters: one that sent nothing for a while falls below the
            // window. Nothing is done; the device opens a new session.
            throw UnknownSession("replayed request: this session's counter " +
                                 std::to_string(proof.counter) +
                                 " is too old (below its window); open a new session");
    }
    return std::move(*device);
}

protocol::SessionOffer Authenticator::open_session(const store::Device& device,
                                                   const protocol::SessionRequest& request) const {
    const auto pair = crypto::SessionKeyPair::generate();
    std::optional<crypto::MacKey> key;
    try {
        key = pair.server_request_key(request.client_public_key);
    } catch (const Error& e) {
        fail(ErrorCode::invalid_argument, std::string("the session request: ") + e.what());
    }
    const auto now = clock_();
    protocol::SessionOffer offer;
    offer.lifetime_ms = config_.session_lifetime.count();
    offer.session_id = sessions_.open(device.id, *key, now, now + offer.lifetime_ms);
    offer.server_public_key.assign(pair.public_key().begin(), pair.public_key().end());
    return offer;
}

void Authenticator::drop_sessions(std::string_view device_id) const {
    sessions_.drop_device(device_id);
}

store::Device Authenticator::authenticate_signed(const http::Request& request) const {
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

    auto device = devices_.find(parsed.device_id);
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
    return std::move(*device);
}

}  // namespace dspt::server::auth
