#include "client/ui/run_screen.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "client/ui/screen.hpp"
#include "client/ui/ui_gate.hpp"
#include "client/ui/ui_http.hpp"

namespace dspt::client::ui {

namespace {

void empty_work_dir(const std::filesystem::path& dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
}

}  // namespace

void run_screen(LocalStore& store, const RunOptions& options,
                const std::function<void(const std::string& address)>& ready) {
    empty_work_dir(options.work_dir);
    boost::asio::io_context io;
    Screen* screen = nullptr;  // set before the first request can arrive (io.run below)
    Listener listener(
        io, {options.port, options.max_upload_bytes},
        [&screen](const Request& request) { return screen->handle(request); },
        [&screen](const Request& request, std::uint64_t size) {
            return screen->too_large(request, size);
        });
    Gate gate(listener.port());
    Screen own(store, gate, {options.max_upload_bytes, options.work_dir, options.user});
    screen = &own;

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
    ready(gate.address());
    io.run();
    std::error_code ignored;
    std::filesystem::remove_all(options.work_dir, ignored);
}

}  // namespace dspt::client::ui
