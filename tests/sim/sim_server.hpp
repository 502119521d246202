#pragma once
// The real server in the simulation's process: the repository on SQLite files
// in a directory, the services and the router, as `dspt-server serve` builds
// them, with the simulation's clock. restart() closes the store and opens it
// again from its files, as a server process that stopped and started would.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "http/request.hpp"
#include "server/api/router.hpp"
#include "server/context.hpp"

namespace dspt::sim {

class SimServer {
  public:
    // `clock`: the server's Unix milliseconds. Signed requests are accepted
    // from devices whose clocks differ from it by up to `auth_window`.
    SimServer(std::filesystem::path data_dir, std::function<std::int64_t()> clock,
              std::chrono::milliseconds auth_window);

    http::Response handle(const http::Request& request) const;

    // Closes the store and opens it again.
    void restart();

    server::Context& context() noexcept { return *context_; }
    const std::filesystem::path& data_dir() const noexcept { return data_dir_; }

  private:
    void open();

    std::filesystem::path data_dir_;
    std::function<std::int64_t()> clock_;
    std::chrono::milliseconds auth_window_;
    std::unique_ptr<server::Context> context_;
    std::unique_ptr<server::api::Router> router_;
};

}  // namespace dspt::sim
