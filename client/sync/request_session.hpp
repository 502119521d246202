#pragma once
// How a device authenticates its requests (docs/security.md, "Request
// sessions"): in a session opened by one signed request and then a MAC per
// request, falling back to a signature per request.
//
// The first send() is signed: a run that makes one request (a sync in one
// exchange, a whoami) pays for no session. The second opens a session (POST
// /v1/session, signed, with a fresh X25519 key); it and later sends MAC the
// request with the session's key and the next counter. A session is opened
// again shortly before it ends. When the server answers that it does not hold
// the session (another server process, a restart, an expiry), a new one is
// opened and the request sent again, once; if that fails the same way, the
// request goes signed. A server without sessions (404 on /v1/session) gets
// signed requests for the life of this object.
//
// Thread safety: send() may be called from many threads at once; each request
// gets its own counter.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/session_key.hpp"
#include "common/crypto/signer.hpp"

namespace dspt::client {

class RequestSession {
  public:
    // Signs as `device_id` with `signing` (which must outlive this), timestamped
    // by `wall`, through `transport`.
    RequestSession(Transport& transport, std::string device_id,
                   const crypto::SigningKeyPair& signing, HybridClock::WallClock wall)
        : transport_(transport),
          device_id_(std::move(device_id)),
          signing_(signing),
          wall_(std::move(wall)) {}

    // Sends `request` authenticated and returns the answer, whatever its status
    // (a refused session open is that answer). Transport errors pass through.
    // `body_hash`: protocol::request_body_hash(request.body) when the caller worked
    // it out already (an evidence chunk, hashed while the one before it travelled),
    // so that the body is not hashed again; empty: worked out here.
    HttpResponse send(HttpRequest request, std::string body_hash = {});

    // Sends `request` signed, outside any session.
    HttpResponse send_signed(HttpRequest request);

  private:
    // What one request in a session needs.
    struct Ticket {
        std::string session_id;
        crypto::MacKey key;
        std::uint64_t counter = 0;
    };
    struct Open {
        std::string session_id;
        crypto::MacKey key;
        std::uint64_t renew_at_ms = 0;  // by wall_
        std::uint64_t next_counter = 1;
    };

    // The next counter of the live session, opening one when there is none or it
    // is about to end. Nothing when the server offers no sessions; `refusal` is
    // set when it refused to open one.
    std::optional<Ticket> next_ticket(std::optional<HttpResponse>& refusal);
    // Opens a session; holds lock_.
    std::optional<HttpResponse> open_session();
    // Forgets session `session_id` if it is still the live one.
    void forget(const std::string& session_id);

    Transport& transport_;
    std::string device_id_;
    const crypto::SigningKeyPair& signing_;
    HybridClock::WallClock wall_;

    std::mutex lock_;
    std::optional<Open> open_;
    bool offered_ = true;  // false once the server answered 404 to /v1/session
    bool first_ = true;    // no request sent yet: the first goes signed
};

}  // namespace dspt::client
