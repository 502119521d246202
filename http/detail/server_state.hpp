#pragma once
// Private to server/http. The state every session of one HttpServer shares
// (docs/architecture.md, "The server"): the configuration, the handler, the metrics, the registry
// of open sessions and the stopping flag. Sessions hold it by shared_ptr.
//
// Thread-safety: config and handler are immutable once the server starts;
// metrics and sessions are internally synchronised; stopping is atomic.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/access_log.hpp"
#include "http/metrics.hpp"
#include "http/request.hpp"
#include "http/server.hpp"

namespace dspt::http::detail {

// One open connection, as the server's stop logic sees it (defined in
// session.hpp; it holds Asio types).
struct SessionHandle;

// The open sessions, and how many come from each client address. A session is
// added by the listener before it starts and removes itself when it ends.
class SessionRegistry {
  public:
    void add(std::shared_ptr<SessionHandle> session);
    void remove(const SessionHandle* session);
    std::size_t size() const;
    // Open sessions from `address` (SessionHandle::address).
    std::size_t from(const std::string& address) const;
    std::vector<std::shared_ptr<SessionHandle>> snapshot() const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<const SessionHandle*, std::shared_ptr<SessionHandle>> sessions_;
    std::unordered_map<std::string, std::size_t> per_address_;
};

struct ServerState {
    ServerState(ServerConfig config_in, Handler handler_in);

    // Calls config.log; a throwing log callback loses its line, nothing more.
    void log(std::string_view line) const noexcept;

    // The default log, when the configuration gives none. Declared first: it
    // outlives every use of config.log, and writes the last lines when it goes.
    const std::unique_ptr<StderrLineWriter> stderr_log;
    const ServerConfig config;  // config.log is never empty
    const Handler handler;
    Metrics metrics;
    SessionRegistry sessions;
    // Set once by stop(): no new connections, no further keep-alive.
    std::atomic<bool> stopping{false};
};

}  // namespace dspt::http::detail
