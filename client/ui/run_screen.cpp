#include "client/ui/run_screen.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/ui/screen.hpp"
#include "client/ui/ui_gate.hpp"
#include "client/ui/ui_http.hpp"

namespace dspt::client::ui {

namespace {

// Set by SIGINT or SIGTERM. A plain flag rather than Asio's signal_set: a
// request that waits for the server runs inside a handler, so only a flag it
// can look at itself stops it there.
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

// Stops `io` once a stop is asked for, looking every kStopCheck.
void watch_for_stop(boost::asio::steady_timer& timer, boost::asio::io_context& io) {
    timer.expires_after(kStopCheck);
    timer.async_wait([&timer, &io](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        if (g_stop != 0) {
            io.stop();
            return;
        }
        watch_for_stop(timer, io);
    });
}

}  // namespace

void run_screen(LocalStore& store, const RunOptions& options,
                const std::function<void(const std::string& address)>& ready) {
    empty_work_dir(options.work_dir);
    const StopSignals signals;
    boost::asio::io_context io;
    Screen* screen = nullptr;  // set before the first request can arrive (io.run below)
    Listener listener(
        io, {options.port, options.max_upload_bytes},
        [&screen](const Request& request) { return screen->handle(request); },
        [&screen](const Request& request, std::uint64_t size) {
            return screen->too_large(request, size);
        });
    Gate gate(listener.port());
    auto transport = options.transport;
    transport.stop_requested = [] { return g_stop != 0; };
    Screen own(store, gate,
               {options.max_upload_bytes, options.work_dir, options.user, std::move(transport)});
    screen = &own;

    boost::asio::steady_timer timer(io);
    watch_for_stop(timer, io);
    ready(gate.address());
    io.run();
    std::error_code ignored;
    std::filesystem::remove_all(options.work_dir, ignored);
}

}  // namespace dspt::client::ui
