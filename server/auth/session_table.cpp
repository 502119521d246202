#include "server/auth/session_table.hpp"

#include "common/error.hpp"
#include "protocol/session_auth.hpp"

namespace dspt::server::auth {

SessionTable::SessionTable(std::size_t max_sessions) : max_sessions_(max_sessions) {
    if (max_sessions == 0) {
        fail(ErrorCode::invalid_argument, "the session table needs room for one session at least");
    }
}

void SessionTable::make_room(std::int64_t now_ms) {
    while (!opened_.empty() &&
           (opened_.front().first <= now_ms || sessions_.size() >= max_sessions_ ||
            opened_.size() > 2 * max_sessions_)) {
        const auto found = sessions_.find(opened_.front().second);
        if (found != sessions_.end() && found->second.expires_at_ms == opened_.front().first) {
            sessions_.erase(found);
        }
        opened_.pop_front();
    }
}

std::string SessionTable::open(std::string device_id, const crypto::MacKey& key,
                               std::int64_t now_ms, std::int64_t expires_at_ms) {
    auto id = protocol::new_session_id();
    const std::lock_guard guard(lock_);
    make_room(now_ms);
    sessions_.emplace(id, Session{std::move(device_id), key, expires_at_ms, {}});
    opened_.emplace_back(expires_at_ms, id);
    return id;
}

SessionTable::Lookup SessionTable::find(const std::string& id, std::int64_t now_ms, Live& out) {
    const std::lock_guard guard(lock_);
    const auto found = sessions_.find(id);
    if (found == sessions_.end()) {
        return Lookup::unknown;
    }
    if (found->second.expires_at_ms <= now_ms) {
        sessions_.erase(found);
        return Lookup::expired;
    }
    out.device_id = found->second.device_id;
    out.key = found->second.key;
    return Lookup::live;
}

ReplayWindow::Verdict SessionTable::take_counter(const std::string& id, std::uint64_t counter) {
    const std::lock_guard guard(lock_);
    const auto found = sessions_.find(id);
    return found == sessions_.end() ? ReplayWindow::Verdict::seen
                                    : found->second.counters.take(counter);
}

std::size_t SessionTable::drop_device(std::string_view device_id) {
    const std::lock_guard guard(lock_);
    return std::erase_if(sessions_,
                         [&](const auto& entry) { return entry.second.device_id == device_id; });
}

std::size_t SessionTable::size() const {
    const std::lock_guard guard(lock_);
    return sessions_.size();
}

}  // namespace dspt::server::auth
