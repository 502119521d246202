#pragma once
// Authenticates requests (docs/security.md, "In transit" and "Request sessions").
//
// A request after enrolment is authenticated one of two ways.
//
// Signed: four headers (protocol/signing.hpp):
// the device id, a timestamp, a nonce and an Ed25519 signature over the
// canonical string (device id, method, target, timestamp, nonce, BLAKE2b of
// the body).
// authenticate() accepts a request only when, in this order:
//   1. all four headers are present and well formed;
//   2. the device is known and not revoked (through DeviceCache, as below);
//   3. the timestamp is within the window of the server's clock (default five
//      minutes either side);
//   4. the signature verifies with the device's public key;
//   5. the nonce has not been seen from this device within the window.
// The nonce is remembered only after the signature verifies, so nobody can use
// up another device's nonces. Every refusal is Error(ErrorCode::unauthenticated)
// with a reason a client can show ("unknown device", "device revoked", "stale
// timestamp", "bad signature", "replayed request"); a signature of protocol
// version 1's scheme, which left the device id out, is refused too, with a
// message telling the client to update.
//
// In a session: a device opens one with a signed POST /v1/session
// (open_session()), then MACs each request with the session's key
// (protocol/session_auth.hpp). authenticate() accepts such a request only when:
//   1. the three session headers are present and well formed;
//   2. the session is live in this process (else UnknownSession: the device
//      opens another and sends again);
//   3. its device is known and not revoked (DeviceCache: a read of the device
//      only when one was revoked since it was read; a revoked device's sessions
//      are dropped);
//   4. the MAC verifies with the session's key;
//   5. the counter has not been used in the session (ReplayWindow); one below
//      the session's window is refused as UnknownSession, so the device opens
//      another (its processes share a session, each with its own counters).
// Nothing is written to the store. Refusals are Error(unauthenticated) with a
// reason ("device revoked", "bad MAC", "replayed request").
//
// Thread-safety: every method may run on many threads at once; the repository
// serialises the nonce check, the session table its own.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "http/request.hpp"
#include "protocol/session_messages.hpp"
#include "server/auth/device_cache.hpp"
#include "server/auth/session_table.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::auth {

struct AuthConfig {
    std::chrono::milliseconds window{std::chrono::minutes(5)};
    // How long a request session lives, and how many one process holds.
    std::chrono::milliseconds session_lifetime{std::chrono::minutes(30)};
    std::size_t max_sessions = 100'000;
};

// The refusal of a request whose session this process does not hold (never
// opened here, expired, dropped): unauthenticated, and the answer tells the
// device to open a new session (server/api/error_response.hpp).
class UnknownSession : public Error {
  public:
    explicit UnknownSession(std::string message)
        : Error(ErrorCode::unauthenticated, std::move(message)) {}
};

class Authenticator {
  public:
    // Unix milliseconds now; tests inject a fixed clock.
    using Clock = std::function<std::int64_t()>;

    Authenticator(store::Repository& repository, AuthConfig config, Clock clock);

    // The device that made the request, signed or in a session; throws
    // Error(unauthenticated), UnknownSession for a session not held here.
    store::Device authenticate(const http::Request& request) const;

    // The device that signed the request; a session is not enough. Same throws.
    store::Device authenticate_signed(const http::Request& request) const;

    // A new session for `device` (authenticated by signature) with the device's
    // ephemeral public key. Throws Error(invalid_argument) for a key that is not
    // 32 bytes or gives no usable key.
    protocol::SessionOffer open_session(const store::Device& device,
                                        const protocol::SessionRequest& request) const;

    // Ends every session of `device_id` held here (the device was revoked).
    void drop_sessions(std::string_view device_id) const;

  private:
    store::Device authenticate_in_session(const http::Request& request) const;

    store::Repository& repository_;
    AuthConfig config_;
    Clock clock_;
    mutable SessionTable sessions_;
    DeviceCache devices_;  // both ways read their device through it
};

}  // namespace dspt::server::auth
