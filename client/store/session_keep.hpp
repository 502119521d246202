#pragma once
// The request session a device keeps between runs of dspt (docs/security.md,
// "Request sessions"), so that a command's first request, often its only one,
// goes in a session rather than signed.
//
// The store keeps one session: its id, the key that MACs its requests, when it
// was opened and when to stop using it, the next counter no process has taken,
// and the device and server it belongs to, all in one field sealed under the
// data key like the device's keys (meta "request_session"). A session of
// another device id or server address, or past its renewal time, is never
// handed out (and is forgotten).
//
// Counters are never used twice, also by two dspt processes on one store at
// once (the local screen and a command): a process reserves a block of counters
// in a write transaction before it uses any of them, and later blocks the same
// way. A counter a process reserved and did not use is skipped.
//
// A store connection inside a transaction of its own keeps nothing: take() and
// reserve() answer nothing and keep() does nothing, so a rolled-back
// transaction never gives counters back.
//
// A SessionKeep made without a store keeps its session in itself, for its own
// life only: a client that keeps nothing between runs but opens its session in
// its first request as dspt does (the deadline bench's devices).
//
// Thread safety: as LocalStore (one thread at a time).

#include <cstdint>
#include <optional>
#include <string>

#include "common/crypto/session_key.hpp"

namespace dspt::client {

class LocalStore;

struct KeptSession {
    std::string session_id;
    crypto::MacKey key;
    std::uint64_t opened_at_ms = 0;  // by the device's clock
    std::uint64_t renew_at_ms = 0;   // not used from then on
};

class SessionKeep {
  public:
    // The session of `device_id` with the server at `server_url` kept in
    // `store`, which must outlive this.
    SessionKeep(LocalStore& store, std::string device_id, std::string server_url)
        : store_(&store), device_id_(std::move(device_id)), server_url_(std::move(server_url)) {}
    // A keep in this object only (see above).
    SessionKeep() = default;

    struct Taken {
        KeptSession session;
        std::uint64_t first_counter = 0;  // `count` counters from here are the caller's
    };
    // The kept session, live at now_ms, with `count` counters reserved for the
    // caller; nothing when none is kept for this device and server, or it is no
    // longer live (then it is forgotten). A damaged record is forgotten too: it
    // only saves a request.
    std::optional<Taken> take(std::uint64_t now_ms, std::uint64_t count);

    // `count` more counters of the kept session `session_id`: the first of them;
    // nothing when the store keeps another session or none.
    std::optional<std::uint64_t> reserve(const std::string& session_id, std::uint64_t count);

    // Keeps `session`, replacing any other, with counters before
    // `next_counter` taken. False when nothing could be kept (see above).
    bool keep(const KeptSession& session, std::uint64_t next_counter);

    // Forgets the kept session when it is `session_id`.
    void drop(const std::string& session_id);

  private:
    LocalStore* store_ = nullptr;  // none: kept in held_
    std::string device_id_;
    std::string server_url_;
    std::optional<KeptSession> held_;
    std::uint64_t held_next_counter_ = 1;
};

// Forgets whatever session `store` keeps, of any device and server: a store put
// back from a copy opens a fresh session rather than go on with counters the
// copy's original may already have used.
void forget_kept_session(LocalStore& store);

}  // namespace dspt::client
