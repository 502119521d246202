#include "http/detail/server_state.hpp"

#include <utility>

#include "http/access_log.hpp"

namespace dspt::http::detail {

namespace {

std::unique_ptr<StderrLineWriter> default_log(const ServerConfig& config) {
    return config.log ? nullptr : std::make_unique<StderrLineWriter>();
}

ServerConfig with_log(ServerConfig config, StderrLineWriter* writer) {
    if (!config.log) {
        config.log = [writer](std::string_view line) { writer->add(line); };
    }
    return config;
}

}  // namespace

ServerState::ServerState(ServerConfig config_in, Handler handler_in)
    : stderr_log(default_log(config_in)),
      config(with_log(std::move(config_in), stderr_log.get())),
      handler(std::move(handler_in)) {}

void ServerState::log(std::string_view line) const noexcept {
    try {
        config.log(line);
    } catch (...) {
        // A failing log sink must not take a connection (or the server) down.
    }
}

}  // namespace dspt::http::detail
