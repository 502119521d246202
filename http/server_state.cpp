#include "http/detail/server_state.hpp"

#include <utility>

#include "http/access_log.hpp"

namespace dspt::http::detail {

namespace {

ServerConfig with_default_log(ServerConfig config) {
    if (!config.log) {
        config.log = write_stderr_line;
    }
    return config;
}

}  // namespace

ServerState::ServerState(ServerConfig config_in, Handler handler_in)
    : config(with_default_log(std::move(config_in))), handler(std::move(handler_in)) {}

void ServerState::log(std::string_view line) const noexcept {
    try {
        config.log(line);
    } catch (...) {
        // A failing log sink must not take a connection (or the server) down.
    }
}

}  // namespace dspt::http::detail
