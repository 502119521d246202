// The listener, the I/O threads and the orderly stop of HttpServer. Sessions
// live in session.cpp; this file only accepts connections and coordinates.
#include "http/server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>

#include "common/error.hpp"
#include "http/access_log.hpp"
#include "http/detail/server_state.hpp"
#include "http/detail/session.hpp"

namespace dspt::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

auto into(error_code& ec) {
    return net::redirect_error(net::use_awaitable, ec);
}

// Every address `host` stands for; throws invalid_argument when none.
std::vector<net::ip::address> resolve_host(const std::string& host) {
    error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (!ec) {
        return {address};
    }
    net::io_context context;
    tcp::resolver resolver(context);
    const auto results = resolver.resolve(host, "", ec);
    if (ec || results.empty()) {
        fail(ErrorCode::invalid_argument,
             "cannot resolve the listen host '" + host + "': " + ec.message());
    }
    std::vector<net::ip::address> out;
    for (const auto& entry : results) {
        out.push_back(entry.endpoint().address());
    }
    return out;
}

void require_readable(const std::filesystem::path& path, const std::string& what) {
    std::error_code fs_error;
    const bool regular = std::filesystem::is_regular_file(path, fs_error);
    std::ifstream file(path, std::ios::binary);
    if (!regular || !file || file.peek() == std::ifstream::traits_type::eof()) {
        fail(ErrorCode::invalid_argument,
             "cannot read the TLS " + what + " file '" + path.string() + "'");
    }
}

std::unique_ptr<net::ssl::context> make_tls_context(const std::filesystem::path& cert,
                                                    const std::filesystem::path& key) {
    auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                         net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                         net::ssl::context::single_dh_use);
    // The option bits above say "not these"; the floor says "nothing older",
    // including versions a future OpenSSL might add below it.
    if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
        fail(ErrorCode::internal, "OpenSSL refused TLS 1.2 as the minimum version");
    }
    error_code ec;
    context->use_certificate_chain_file(cert.string(), ec);
    if (ec) {
        fail(ErrorCode::invalid_argument,
             "cannot use the TLS certificate file '" + cert.string() + "': " + ec.message());
    }
    context->use_private_key_file(key.string(), net::ssl::context::pem, ec);
    if (ec) {
        fail(ErrorCode::invalid_argument,
             "cannot use the TLS key file '" + key.string() + "': " + ec.message());
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        fail(ErrorCode::invalid_argument, "the TLS key file '" + key.string() +
                                              "' does not match the certificate '" + cert.string() +
                                              "'");
    }
    return context;
}

// Bounds of the period of an I/O thread's timer floor (hold_timer_floor): half
// the shortest per-request timeout, within these.
constexpr std::chrono::milliseconds kTimerFloorMinPeriod{10};
constexpr std::chrono::milliseconds kTimerFloorMaxPeriod{5'000};

// The server whose I/O thread this is, if any: stop() and wait() must not
// join the thread they run on.
thread_local const void* current_server = nullptr;

}  // namespace

void ServerConfig::validate() const {
    if (tls_cert.has_value() != tls_key.has_value()) {
        fail(ErrorCode::invalid_argument,
             tls_cert ? "a TLS certificate needs its key: give --tls-key as well"
                      : "a TLS key needs its certificate: give --tls-cert as well");
    }
    if (tls_cert) {
        require_readable(*tls_cert, "certificate");
        require_readable(*tls_key, "key");
    }
    const auto addresses = resolve_host(listen_host);
    if (!tls_cert && !insecure) {
        for (const auto& address : addresses) {
            if (!address.is_loopback()) {
                fail(ErrorCode::invalid_argument,
                     "refusing to serve plain HTTP on " + listen_host +
                         ", which is not a loopback address: give --tls-cert and --tls-key "
                         "to serve HTTPS, or --insecure to serve plain HTTP anyway");
            }
        }
    }
    const auto require = [](bool ok, const char* what) {
        if (!ok) {
            fail(ErrorCode::invalid_argument, std::string("HTTP limit ") + what);
        }
    };
    require(limits.body_limit > 0, "body_limit must be positive");
    require(limits.header_limit > 0 && limits.header_limit <= UINT32_MAX,
            "header_limit must be between 1 byte and 4 GiB");
    require(limits.read_timeout.count() > 0, "read_timeout must be positive");
    require(limits.idle_timeout.count() > 0, "idle_timeout must be positive");
    require(limits.write_timeout.count() > 0, "write_timeout must be positive");
    require(limits.close_timeout.count() > 0, "close_timeout must be positive");
    require(limits.shutdown_grace.count() >= 0, "shutdown_grace must not be negative");
    require(limits.max_connections > 0, "max_connections must be positive");
    require(limits.max_connections_per_address > 0, "max_connections_per_address must be positive");
    require(limits.first_byte_timeout.count() > 0, "first_byte_timeout must be positive");
    require(limits.max_requests_per_connection > 0, "max_requests_per_connection must be positive");
    require(limits.listen_backlog > 0, "listen_backlog must be positive");
}

class HttpServer::Impl {
  public:
    Impl(ServerConfig config, Handler handler)
        : state_(std::make_shared<detail::ServerState>(std::move(config), std::move(handler))),
          thread_count_(state_->config.threads != 0
                            ? state_->config.threads
                            : std::max(1u, std::thread::hardware_concurrency())) {
        if (!state_->handler) {
            fail(ErrorCode::invalid_argument, "HttpServer needs a handler");
        }
        workers_.reserve(thread_count_);
        for (std::size_t i = 0; i < thread_count_; ++i) {
            workers_.push_back(std::make_unique<Worker>());
        }
    }

    ~Impl() {
        request_stop();
        join();
    }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::uint16_t start();
    void request_stop();
    void join();
    void stop_on_signals();
    std::uint16_t port() const noexcept { return port_.load(); }

  private:
    // One I/O thread and the connections it serves. Its io_context is run by
    // that thread alone, so a connection's coroutine and timers never run
    // concurrently without a strand, and no other thread is woken to pass
    // a connection's completions along.
    struct Worker {
        // Connections on this worker now; the listener gives a new one to the
        // worker with the fewest. Declared before `context`, whose sessions
        // count themselves out as it destroys them.
        std::atomic<std::size_t> sessions{0};
        net::io_context context{1};
        // Keeps run() going while the worker has no connection; released once
        // stop() has drained the server.
        std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
        // The timer floor (hold_timer_floor), used on the worker's thread only.
        std::optional<net::steady_timer> floor;
    };

    net::awaitable<void> listen();
    net::awaitable<void> drain();
    net::awaitable<void> hold_timer_floor(Worker& worker);
    Worker& next_worker();
    void run_thread(net::io_context& context);
    void log_exception(std::string_view event, std::exception_ptr error) const;

    // Declared before the io_contexts so that they outlive any coroutine frame
    // an io_context may still hold when it is destroyed.
    std::shared_ptr<detail::ServerState> state_;
    std::unique_ptr<net::ssl::context> tls_;
    const std::size_t thread_count_;

    // The listener, the signal set and stop's drain run on their own thread,
    // so that no handler holding a worker delays an accept or the stop.
    net::io_context control_context_{1};
    const net::io_context::executor_type control_{control_context_.get_executor()};
    // Keeps the control thread until the drain has ended, whenever stop() comes.
    std::optional<net::executor_work_guard<net::io_context::executor_type>> control_guard_;
    tcp::acceptor acceptor_{control_};
    std::chrono::steady_clock::time_point last_refusal_log_{};  // on control_
    std::size_t next_worker_ = 0;                               // on control_
    std::vector<std::unique_ptr<Worker>> workers_;

    std::mutex signals_mutex_;
    std::optional<net::signal_set> signals_;  // guarded by signals_mutex_

    std::mutex start_mutex_;       // serialises start(), request_stop(), stop_on_signals()
    bool started_ = false;         // guarded by start_mutex_
    bool stop_requested_ = false;  // guarded by start_mutex_

    std::mutex join_mutex_;
    std::vector<std::thread> threads_;  // guarded by join_mutex_
    std::atomic<std::uint16_t> port_{0};
};

std::uint16_t HttpServer::Impl::start() {
    const std::lock_guard lock(start_mutex_);
    if (started_) {
        fail(ErrorCode::failed_precondition,
             "the HTTP server was started already; a server runs once");
    }
    const ServerConfig& config = state_->config;
    config.validate();
    if (config.tls_cert) {
        tls_ = make_tls_context(*config.tls_cert, *config.tls_key);
    }

    // A name such as "localhost" may resolve to ::1 and 127.0.0.1; prefer
    // IPv4, which every host has, and bind the one address.
    const auto addresses = resolve_host(config.listen_host);
    const auto v4 = std::find_if(addresses.begin(), addresses.end(),
                                 [](const net::ip::address& a) { return a.is_v4(); });
    const tcp::endpoint endpoint(v4 != addresses.end() ? *v4 : addresses.front(),
                                 config.listen_port);
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor_.listen(config.limits.listen_backlog, ec);
    }
    if (ec) {
        error_code ignored;
        acceptor_.close(ignored);
        fail(ErrorCode::network, "cannot listen on " + config.listen_host + " port " +
                                     std::to_string(config.listen_port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();

    net::co_spawn(control_, listen(),
                  [this](std::exception_ptr error) { log_exception("listener_failed", error); });
    started_ = true;
    {
        const std::lock_guard join_lock(join_mutex_);
        control_guard_.emplace(control_);
        threads_.emplace_back([this] { run_thread(control_context_); });
        for (const auto& worker : workers_) {
            worker->guard.emplace(worker->context.get_executor());
            worker->floor.emplace(worker->context);
            net::co_spawn(
                worker->context, hold_timer_floor(*worker),
                [this](std::exception_ptr error) { log_exception("timer_floor_failed", error); });
            threads_.emplace_back([this, &context = worker->context] { run_thread(context); });
        }
    }
    state_->log(format_event_line("listening", {{"address", endpoint.address().to_string()},
                                                {"port", std::to_string(port_.load())},
                                                {"tls", tls_ ? "yes" : "no"},
                                                {"threads", std::to_string(thread_count_)}}));
    return port_;
}

void HttpServer::Impl::run_thread(net::io_context& context) {
    current_server = this;
    for (;;) {
        try {
            // Returns when nothing is left to do: for the control thread, the
            // listener, the drain and the signal set have ended; for a worker,
            // the drain has released it and its sessions have ended.
            context.run();
            return;
        } catch (...) {
            log_exception("io_thread_exception", std::current_exception());
        }
    }
}

net::awaitable<void> HttpServer::Impl::listen() {
    const Limits& limits = state_->config.limits;
    net::steady_timer pause(control_);
    for (;;) {
        // The connection lives on one worker from accept to close.
        Worker& worker = next_worker();
        tcp::socket socket(worker.context);
        error_code ec;
        co_await acceptor_.async_accept(socket, into(ec));
        if (state_->stopping || ec == net::error::operation_aborted) {
            co_return;
        }
        if (ec) {
            // Out of descriptors or memory: wait rather than spin.
            state_->log(format_event_line("accept_failed", {{"error", ec.message()}}));
            pause.expires_after(kAcceptRetryDelay);
            co_await pause.async_wait(into(ec));
            continue;
        }
        const auto remote = socket.remote_endpoint(ec);
        if (ec) {
            continue;  // gone already; the socket closes with this scope
        }
        const auto address = detail::client_address(remote);
        const char* refusal = nullptr;
        if (state_->sessions.size() >= limits.max_connections) {
            refusal = "max_connections";
        } else if (state_->sessions.from(address) >= limits.max_connections_per_address) {
            refusal = "max_connections_per_address";
        }
        if (refusal != nullptr) {
            state_->metrics.record_refused_connection();
            // At most one line a second however fast connections are refused.
            const auto now = std::chrono::steady_clock::now();
            if (now - last_refusal_log_ >= std::chrono::seconds(1)) {
                last_refusal_log_ = now;
                state_->log(
                    format_event_line("connection_refused",
                                      {{"reason", refusal},
                                       {"address", address},
                                       {"max_connections", std::to_string(limits.max_connections)},
                                       {"max_connections_per_address",
                                        std::to_string(limits.max_connections_per_address)}}));
            }
            socket.close(ec);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        try {
            detail::spawn_session(state_, std::move(socket), remote, tls_.get(), worker.sessions);
        } catch (...) {
            log_exception("session_spawn_failed", std::current_exception());
        }
    }
}

// Every read and write of a connection arms a deadline (tcp_stream), and an
// io_context asks the kernel to move its wake-up (a timerfd_settime call)
// whenever a new deadline is the earliest it holds: with a connection or two
// per worker, that is once a request. A timer that always expires sooner than
// any connection's deadline can keeps the connections' deadlines from being
// the earliest, so arming them costs no call; it wakes its worker once a
// period, and a deadline shorter than the period is kept as before.
net::awaitable<void> HttpServer::Impl::hold_timer_floor(Worker& worker) {
    const Limits& limits = state_->config.limits;
    const auto shortest = std::min({limits.read_timeout, limits.first_byte_timeout,
                                    limits.idle_timeout, limits.write_timeout});
    const auto period = std::clamp<std::chrono::milliseconds>(shortest / 2, kTimerFloorMinPeriod,
                                                              kTimerFloorMaxPeriod);
    error_code ec;
    while (!state_->stopping) {
        worker.floor->expires_after(period);
        co_await worker.floor->async_wait(into(ec));
    }
}

HttpServer::Impl::Worker& HttpServer::Impl::next_worker() {
    // The fewest connections; among equals, the one after the last chosen.
    const std::size_t count = workers_.size();
    std::size_t best = next_worker_ % count;
    for (std::size_t step = 1; step < count; ++step) {
        const std::size_t i = (next_worker_ + step) % count;
        if (workers_[i]->sessions.load(std::memory_order_relaxed) <
            workers_[best]->sessions.load(std::memory_order_relaxed)) {
            best = i;
        }
    }
    next_worker_ = best + 1;
    return *workers_[best];
}

void HttpServer::Impl::request_stop() {
    const std::lock_guard lock(start_mutex_);
    if (!started_ || stop_requested_) {
        return;
    }
    stop_requested_ = true;
    state_->stopping = true;
    net::post(control_, [this] {
        error_code ignored;
        acceptor_.close(ignored);
        const std::lock_guard signals_lock(signals_mutex_);
        if (signals_) {
            signals_->cancel(ignored);
            signals_->clear(ignored);  // back to the default dispositions
        }
    });
    net::co_spawn(control_, drain(), [this](std::exception_ptr error) {
        // No session starts after the drain (the listener, on this thread too,
        // has seen `stopping`): each worker ends when its last session does.
        for (const auto& worker : workers_) {
            worker->guard.reset();
            net::post(worker->context, [&floor = worker->floor] { floor->cancel(); });
        }
        control_guard_.reset();
        log_exception("drain_failed", error);
    });
}

net::awaitable<void> HttpServer::Impl::drain() {
    // Idle connections close now; busy ones finish their request, see
    // `stopping` and close after the response.
    for (const auto& session : state_->sessions.snapshot()) {
        detail::notify_stop(session, false);
    }
    const auto deadline = std::chrono::steady_clock::now() + state_->config.limits.shutdown_grace;
    net::steady_timer timer(control_);
    error_code ec;
    while (state_->sessions.size() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(kDrainPollInterval);
        co_await timer.async_wait(into(ec));
    }
    if (const std::size_t left = state_->sessions.size(); left > 0) {
        state_->log(
            format_event_line("shutdown_grace_expired", {{"open_sessions", std::to_string(left)}}));
        for (const auto& session : state_->sessions.snapshot()) {
            detail::notify_stop(session, true);
        }
    }
}

void HttpServer::Impl::join() {
    if (current_server == this) {
        return;  // joining our own thread would deadlock; the stop is requested
    }
    const std::lock_guard lock(join_mutex_);
    for (auto& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
}

void HttpServer::Impl::stop_on_signals() {
    const std::lock_guard lock(start_mutex_);
    if (!started_) {
        fail(ErrorCode::failed_precondition, "stop_on_signals() needs a started server");
    }
    const std::lock_guard signals_lock(signals_mutex_);
    // After a stop request a pending wait would keep the threads alive.
    if (stop_requested_ || signals_) {
        return;
    }
    signals_.emplace(control_, SIGINT, SIGTERM);
    signals_->async_wait([this](const error_code& ec, int signal_number) {
        if (ec) {
            return;
        }
        state_->log(format_event_line("stopping", {{"signal", std::to_string(signal_number)}}));
        request_stop();
    });
}

void HttpServer::Impl::log_exception(std::string_view event, std::exception_ptr error) const {
    if (!error) {
        return;
    }
    state_->log(format_exception_line(event, error));
}

HttpServer::HttpServer(ServerConfig config, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(handler))) {}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::start() {
    return impl_->start();
}

void HttpServer::stop() {
    impl_->request_stop();
    impl_->join();
}

void HttpServer::wait() {
    impl_->join();
}

void HttpServer::stop_on_signals() {
    impl_->stop_on_signals();
}

std::uint16_t HttpServer::port() const noexcept {
    return impl_->port();
}

}  // namespace dspt::http
