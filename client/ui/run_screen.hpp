#pragma once
// Runs the local screen (`dspt ui`) on an open store until SIGINT or SIGTERM:
// listens on 127.0.0.1, makes the one-time address, and serves one request at
// a time. A stop lands between requests, so every change a request made is
// whole in the store when this returns; a request waiting for the server (Sync
// now, Publish) is ended by the stop at once, its page saying so.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "client/store/local_store.hpp"
#include "client/sync/transport.hpp"

namespace dspt::client::ui {

struct RunOptions {
    std::uint16_t port = 0;  // 0: any free port
    std::uint64_t max_upload_bytes = 100ULL << 20;
    std::filesystem::path work_dir;  // see ScreenOptions::work_dir; emptied at start and end
    std::string user;
    TransportOptions transport;  // its stop_requested is the screen's own
};

// `ready` is called with the address once the screen is listening.
void run_screen(LocalStore& store, const RunOptions& options,
                const std::function<void(const std::string& address)>& ready);

}  // namespace dspt::client::ui
