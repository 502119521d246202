#pragma once
// Authenticates signed requests (docs/security.md, "In transit").
//
// Every request after enrolment carries four headers (protocol/signing.hpp):
// the device id, a timestamp, a nonce and an Ed25519 signature over the
// canonical string (device id, method, target, timestamp, nonce, BLAKE2b of
// the body).
// authenticate() accepts a request only when, in this order:
//   1. all four headers are present and well formed;
//   2. the device is known and not revoked;
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
// Thread-safety: authenticate() may run on many threads at once; the
// repository serialises the nonce check.

#include <chrono>
#include <cstdint>
#include <functional>

#include "http/request.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::auth {

struct AuthConfig {
    std::chrono::milliseconds window{std::chrono::minutes(5)};
};

class Authenticator {
  public:
    // Unix milliseconds now; tests inject a fixed clock.
    using Clock = std::function<std::int64_t()>;

    Authenticator(store::Repository& repository, AuthConfig config, Clock clock);

    // The device that signed the request; throws Error(unauthenticated).
    store::Device authenticate(const http::Request& request) const;

  private:
    store::Repository& repository_;
    AuthConfig config_;
    Clock clock_;
};

}  // namespace dspt::server::auth
