#pragma once
// The request sessions this server process holds (docs/security.md, "Request
// sessions"): for each session id, the device, the key that MACs its requests,
// when it ends, and which counters it has used (ReplayWindow).
//
// Sessions live in this process's memory only: nothing is written to the store
// per request, and a session opened on one process is unknown to another (the
// proxy keeps a session's requests on the process that opened it; a device told
// its session is unknown opens another). The table is bounded: opening a session
// when it is full drops the expired ones and then the oldest.
//
// Thread safety: every method may be called from many threads at once (one lock).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/crypto/session_key.hpp"
#include "server/auth/replay_window.hpp"

namespace dspt::server::auth {

class SessionTable {
  public:
    explicit SessionTable(std::size_t max_sessions);

    // A new session for `device_id` with `key`, ending at expires_at_ms; its id.
    std::string open(std::string device_id, const crypto::MacKey& key, std::int64_t now_ms,
                     std::int64_t expires_at_ms);

    // What a request needs of its session.
    struct Live {
        std::string device_id;
        crypto::MacKey key;
    };
    enum class Lookup { live, unknown, expired };
    // The live session `id` at now_ms; `unknown` when there is none (never
    // opened here, dropped, or pushed out), `expired` when it has ended (it is
    // then forgotten).
    Lookup find(const std::string& id, std::int64_t now_ms, Live& out);

    // Takes `counter` for session `id`: false when it was used or is below the
    // window, or the session has gone since it was found.
    bool use_counter(const std::string& id, std::uint64_t counter) {
        return take_counter(id, counter) == ReplayWindow::Verdict::taken;
    }
    // use_counter(), saying why a counter was refused (a session gone since it
    // was found counts as `seen`).
    ReplayWindow::Verdict take_counter(const std::string& id, std::uint64_t counter);

    // Forgets every session of `device_id` (it was revoked); how many there were.
    std::size_t drop_device(std::string_view device_id);

    std::size_t size() const;

  private:
    struct Session {
        std::string device_id;
        crypto::MacKey key;
        std::int64_t expires_at_ms = 0;
        ReplayWindow counters;
    };

    // Drops expired sessions, and the oldest while the table is full. Holds lock_.
    void make_room(std::int64_t now_ms);

    const std::size_t max_sessions_;
    mutable std::mutex lock_;
    std::unordered_map<std::string, Session> sessions_;
    // Session ids as opened, oldest first, with their ends (every session lives
    // as long, so this is also the order they end in). May name sessions
    // already dropped.
    std::deque<std::pair<std::int64_t, std::string>> opened_;
};

}  // namespace dspt::server::auth
