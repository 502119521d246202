#include "tests/sim/sim_server.hpp"

#include "server/store/sqlite_repository.hpp"

namespace dspt::sim {

SimServer::SimServer(std::filesystem::path data_dir, std::function<std::int64_t()> clock,
                     std::chrono::milliseconds auth_window)
    : data_dir_(std::move(data_dir)), clock_(std::move(clock)), auth_window_(auth_window) {
    open();
}

void SimServer::open() {
    server::auth::AuthConfig auth;
    auth.window = auth_window_;
    context_ = std::make_unique<server::Context>(
        std::make_unique<server::store::SqliteRepository>(data_dir_), auth, clock_);
    router_ = std::make_unique<server::api::Router>(*context_);
}

http::Response SimServer::handle(const http::Request& request) const {
    return router_->handle(request);
}

void SimServer::restart() {
    router_.reset();
    context_.reset();
    open();
}

}  // namespace dspt::sim
