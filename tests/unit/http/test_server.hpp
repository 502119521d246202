#pragma once
// A started HttpServer on 127.0.0.1 with an ephemeral port, its log lines
// captured, for the server_http tests. Timeouts are short enough that a
// broken test fails in seconds, and long enough for ASan builds.
//
// Thread-safety: LogCapture is safe from any thread; TestServer is used from
// the test's thread.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/server.hpp"

namespace dspt::test::http {

using dspt::http::Handler;
using dspt::http::HttpServer;
using dspt::http::Request;
using dspt::http::Response;
using dspt::http::ServerConfig;

class LogCapture {
  public:
    void add(std::string_view line) {
        const std::lock_guard lock(mutex_);
        lines_.emplace_back(line);
    }
    std::vector<std::string> lines() const {
        const std::lock_guard lock(mutex_);
        return lines_;
    }
    // Lines containing every one of `parts`.
    std::vector<std::string> matching(std::initializer_list<std::string_view> parts) const {
        std::vector<std::string> out;
        for (const auto& line : lines()) {
            bool all = true;
            for (const auto part : parts) {
                all = all && line.find(part) != std::string::npos;
            }
            if (all) {
                out.push_back(line);
            }
        }
        return out;
    }
    // Waits (at most `limit`) for a line containing every one of `parts`.
    bool wait_for(std::initializer_list<std::string_view> parts,
                  std::chrono::milliseconds limit = std::chrono::seconds(5)) const {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (matching(parts).empty()) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

// The configuration every test starts from.
inline ServerConfig test_config(const std::shared_ptr<LogCapture>& log) {
    ServerConfig config;
    config.threads = 2;
    config.limits.read_timeout = std::chrono::seconds(5);
    config.limits.idle_timeout = std::chrono::seconds(5);
    config.limits.write_timeout = std::chrono::seconds(5);
    config.limits.close_timeout = std::chrono::milliseconds(500);
    config.limits.shutdown_grace = std::chrono::seconds(5);
    config.log = [log](std::string_view line) { log->add(line); };
    return config;
}

class TestServer {
  public:
    explicit TestServer(Handler handler, const std::function<void(ServerConfig&)>& adjust = nullptr)
        : log_(std::make_shared<LogCapture>()),
          server_(configured(log_, adjust), std::move(handler)),
          port_(server_.start()) {}

    std::uint16_t port() const noexcept { return port_; }
    HttpServer& server() noexcept { return server_; }
    const LogCapture& log() const noexcept { return *log_; }

  private:
    static ServerConfig configured(const std::shared_ptr<LogCapture>& log,
                                   const std::function<void(ServerConfig&)>& adjust) {
        ServerConfig config = test_config(log);
        if (adjust) {
            adjust(config);
        }
        return config;
    }

    std::shared_ptr<LogCapture> log_;
    HttpServer server_;
    std::uint16_t port_;
};

// A handler that answers 200 with the request body and route "<method> /echo".
inline Response echo(const Request& request) {
    Response response;
    response.content_type = "text/plain";
    response.body = request.body;
    response.route = request.method + " /echo";
    return response;
}

}  // namespace dspt::test::http
