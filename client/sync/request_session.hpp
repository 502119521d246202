#pragma once
// How a device authenticates its requests (docs/security.md, "Request
// sessions"): in a session opened by one signed request and then a MAC per
// request, falling back to a signature per request.
//
// With a SessionKeep (the local store's, as every dspt command and the local
// screen have), the session outlives this object: the first send() uses the
// session an earlier run kept when it is still live, with counters reserved in
// the store, so an ordinary one-request sync is MACed. When none is kept, the
// first send() goes signed and opens a session in the same request (the
// device's ephemeral key in the signed target, the server's offer in the
// answer; protocol/session_auth.hpp), which is then kept. A server that offers
// nothing that way gets a POST /v1/session at the second send().
//
// Without a SessionKeep the first send() is signed and the second opens a
// session (POST /v1/session, signed, with a fresh X25519 key) that lives as
// long as this object.
//
// Either way a session is opened again shortly before it ends. When the server
// answers that it does not hold the session (another server process, a
// restart, an expiry, a counter below its window), it is forgotten (also from
// the store), a new one is opened and the request sent again, once; if that
// fails the same way, the request goes signed. A server without sessions (404
// on /v1/session) gets signed requests for the life of this object.
//
// Thread safety: send() and stamp() may be called from many threads at once;
// each request gets its own counter. The SessionKeep is used under this
// object's lock only.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "client/store/session_keep.hpp"
#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/session_key.hpp"
#include "common/crypto/signer.hpp"

namespace dspt::client {

class RequestSession {
  public:
    // Signs as `device_id` with `signing` (which must outlive this), timestamped
    // by `wall`, through `transport`; keeps sessions in `keep` when given (it
    // must outlive this).
    RequestSession(Transport& transport, std::string device_id,
                   const crypto::SigningKeyPair& signing, HybridClock::WallClock wall,
                   SessionKeep* keep = nullptr)
        : transport_(transport),
          device_id_(std::move(device_id)),
          signing_(signing),
          wall_(std::move(wall)),
          keep_(keep) {}

    // Sends `request` authenticated and returns the answer, whatever its status
    // (a refused session open is that answer). Transport errors pass through.
    // `body_hash`: protocol::request_body_hash(request.body) when the caller worked
    // it out already (an evidence chunk, hashed while the one before it travelled),
    // so that the body is not hashed again; empty: worked out here.
    HttpResponse send(HttpRequest request, std::string body_hash = {});

    // Sends `request` signed, outside any session.
    HttpResponse send_signed(HttpRequest request);

    // A request authenticated for a caller that sends it on a transport of its
    // own (a second connection, from another thread): MACed in the live session
    // when there is one, else signed. It never opens a session, so it makes no
    // request itself.
    struct Stamped {
        HttpRequest request;     // with its authentication headers
        std::string session_id;  // "" when signed
        bool kept = false;       // the session is the store's
    };
    Stamped stamp(HttpRequest request, std::string body_hash = {});

    // After `stamped` was answered with `response`: true when the server does not
    // hold its session (or refused a kept session's counter), which is then
    // forgotten; the caller sends the request again with send(), once, after
    // unstamp().
    bool refused(const Stamped& stamped, const HttpResponse& response);
    // `request` without the headers a session or a signature added to it.
    static void unstamp(HttpRequest& request);

  private:
    // What one request in a session needs.
    struct Ticket {
        std::string session_id;
        crypto::MacKey key;
        std::uint64_t counter = 0;
        bool kept = false;  // the session is the store's, shared with other runs
    };
    struct Open {
        std::string session_id;
        crypto::MacKey key;
        std::uint64_t renew_at_ms = 0;  // by wall_
        std::uint64_t next_counter = 1;
        // Counters before this one are this object's; kept sessions reserve
        // more in the store when they run out.
        std::uint64_t end_counter = UINT64_MAX;
        bool kept = false;
    };

    // The next counter of the live session, opening one when there is none or it
    // is about to end. Nothing when the request goes signed: the server offers no
    // sessions, or it is the first request and none is kept (`open_inline` is then
    // set when the request should open one itself). `refusal` is set when the
    // server refused to open one.
    std::optional<Ticket> next_ticket(std::optional<HttpResponse>& refusal, bool& open_inline);
    // The next counter of the live or kept session, if there is one; holds lock_.
    std::optional<Ticket> live_ticket();
    // `request` signed, headers added.
    void sign(HttpRequest& request);
    // `request` MACed with `ticket`, headers added.
    static void mac(HttpRequest& request, const Ticket& ticket, const std::string& body_hash);
    // Sends `request` signed with a new session key in its target, and takes the
    // session the server offers in its answer, if any.
    HttpResponse send_opening(HttpRequest request);
    // Opens a session; holds lock_.
    std::optional<HttpResponse> open_session();
    // Makes the session of `offer`, opened at `started` with `pair`, the live one
    // and keeps it; holds lock_.
    void take_offer(const crypto::SessionKeyPair& pair, const std::string& session_id,
                    const crypto::Bytes& server_public_key, std::int64_t lifetime_ms,
                    std::uint64_t started);
    // Forgets session `session_id` if it is still the live one, also from the store.
    void forget(const std::string& session_id);

    Transport& transport_;
    std::string device_id_;
    const crypto::SigningKeyPair& signing_;
    HybridClock::WallClock wall_;
    SessionKeep* keep_;

    std::mutex lock_;
    std::optional<Open> open_;
    bool offered_ = true;  // false once the server answered 404 to /v1/session
    bool first_ = true;    // no request sent yet: the first goes signed
    // False once the server answered a request opening a session with no offer.
    bool inline_offered_ = true;
    std::uint64_t block_ = 1;  // counters reserved at a time in a kept session
};

}  // namespace dspt::client
