#include "client/ui/run_screen.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>
#include <thread>

#include "client/ui/screen.hpp"
#include "client/ui/ui_gate.hpp"
#include "http/server.hpp"

namespace dspt::client::ui {

namespace {

// Set by SIGINT or SIGTERM. A plain flag rather than the HTTP server's own
// signal handling: a request that waits for the server runs inside a handler,
// so only a flag it can look at itself stops it there.
volatile std::sig_atomic_t g_stop = 0;

extern "C" void request_screen_stop(int /*signal*/) {
    g_stop = 1;
}

// How often the screen looks for a stop between requests.
constexpr std::chrono::milliseconds kStopCheck{100};

void empty_work_dir(const std::filesystem::path& dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
}

// Installs request_screen_stop for SIGINT and SIGTERM; puts back what was there.
class StopSignals {
  public:
    StopSignals() {
        g_stop = 0;
        struct sigaction action {};
        action.sa_handler = request_screen_stop;
        action.sa_flags = SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

  private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

// The HTTP layer as the screen runs it: 127.0.0.1 only, one thread, so one
// request at a time has the store; no /healthz or /metrics; nothing logged
// (the log would hold the one-time address and item names).
http::Response starting() {
    http::Response response;
    response.status = 503;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "The screen is starting. Open the address 'dspt ui' prints.\n";
    return response;
}

http::ServerConfig screen_config(const RunOptions& options) {
    http::ServerConfig config;
    config.listen_host = "127.0.0.1";
    config.listen_port = options.port;
    config.threads = 1;
    config.builtin_endpoints = false;
    config.log = [](std::string_view) {};
    config.limits.body_limit = options.max_upload_bytes;
    config.limits.idle_timeout = std::chrono::seconds(120);
    // A file may take a while to come in from a slow disk; one over the limit
    // is read and dropped, within bounds, so the browser shows the answer
    // rather than a reset connection.
    config.limits.read_timeout = std::chrono::seconds(600);
    config.limits.close_timeout = std::chrono::seconds(30);
    config.limits.linger_drain_bytes = 4ULL << 30;
    config.limits.max_connections = 64;
    config.limits.shutdown_grace = std::chrono::seconds(5);
    return config;
}

}  // namespace

void run_screen(LocalStore& store, const RunOptions& options,
                const std::function<void(const std::string& address)>& ready) {
    empty_work_dir(options.work_dir);
    const StopSignals signals;
    // The gate must know the port before the screen exists, so the server
    // starts first; a request in that moment (no one has the address yet) is
    // told to come back.
    std::atomic<Screen*> screen{nullptr};
    auto config = screen_config(options);
    config.refusal_page = [&screen](const http::Refusal& refusal) {
        Screen* const ready_screen = screen.load();
        return ready_screen != nullptr ? ready_screen->refused(refusal) : starting();
    };
    config.admit = [&screen](const http::Request& head) -> std::optional<http::Response> {
        Screen* const ready_screen = screen.load();
        return ready_screen != nullptr ? ready_screen->admit(head) : starting();
    };
    http::HttpServer server(std::move(config), [&screen](const http::Request& request) {
        Screen* const ready_screen = screen.load();
        return ready_screen != nullptr ? ready_screen->handle(request) : starting();
    });
    Gate gate(server.start());
    auto transport = options.transport;
    transport.stop_requested = [] { return g_stop != 0; };
    Screen own(store, gate,
               {options.max_upload_bytes, options.work_dir, options.user, std::move(transport)});
    screen = &own;
    ready(gate.address());
    while (g_stop == 0) {
        std::this_thread::sleep_for(kStopCheck);
    }
    // Lets the request in hand finish (one waiting for the server sees the
    // stop itself), then closes every connection; only then may `own` go.
    server.stop();
    std::error_code ignored;
    std::filesystem::remove_all(options.work_dir, ignored);
}

}  // namespace dspt::client::ui
