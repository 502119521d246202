#include "tests/bench/counting_relay.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace dspt::bench {

namespace {

namespace net = boost::asio;
using boost::system::error_code;
using net::ip::tcp;

constexpr std::size_t kBufferBytes = 256 * 1024;

auto into(error_code& ec) {
    return net::redirect_error(net::use_awaitable, ec);
}

// Both ends of one relayed connection; alive while either direction pumps.
struct Pair {
    explicit Pair(tcp::socket client_in)
        : client(std::move(client_in)), server(client.get_executor()) {}
    tcp::socket client;
    tcp::socket server;
};

// Copies from `from` to `to` until `from` ends, counting into `bytes` what it read, then
// passes the end on (half-close), so the other direction may still finish.
// DSPT_BENCH_RELAY_DUMP=FILE: every relayed byte is also appended to FILE, each
// read as a line "<up|down> <connection> <bytes>" followed by the bytes, so a
// figure's bytes can be taken apart (request line, each header, body).
class Dump {
  public:
    Dump() {
        if (const char* path = std::getenv("DSPT_BENCH_RELAY_DUMP"); path && *path) {
            file_ = std::fopen(path, "wb");
        }
    }
    ~Dump() {
        if (file_) {
            std::fclose(file_);
        }
    }
    Dump(const Dump&) = delete;
    Dump& operator=(const Dump&) = delete;

    void write(const char* direction, std::uint64_t connection, const char* data, std::size_t n) {
        if (!file_) {
            return;
        }
        const std::lock_guard lock(mutex_);
        std::fprintf(file_, "%s %llu %zu\n", direction, static_cast<unsigned long long>(connection),
                     n);
        std::fwrite(data, 1, n, file_);
        std::fflush(file_);
    }

  private:
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
};

net::awaitable<void> pump([[maybe_unused]] std::shared_ptr<Pair> owner, tcp::socket& from,
                          tcp::socket& to, std::atomic<std::uint64_t>& bytes, Dump& dump,
                          const char* direction, std::uint64_t connection) {
    std::array<char, kBufferBytes> buffer;
    error_code ec;
    for (;;) {
        const std::size_t n = co_await from.async_read_some(net::buffer(buffer), into(ec));
        if (ec) {
            break;
        }
        // Counted before they are passed on: once the other side has them (and the
        // bench may take its snapshot), they are in the count.
        bytes += n;
        dump.write(direction, connection, buffer.data(), n);
        co_await net::async_write(to, net::buffer(buffer.data(), n), into(ec));
        if (ec) {
            break;
        }
    }
    error_code ignored;
    to.shutdown(tcp::socket::shutdown_send, ignored);
    from.shutdown(tcp::socket::shutdown_receive, ignored);
}

}  // namespace

struct CountingRelay::Impl {
    explicit Impl(std::uint16_t server_port)
        : upstream(net::ip::make_address_v4("127.0.0.1"), server_port),
          acceptor(io, tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), 0)) {}

    net::awaitable<void> accept_loop() {
        for (;;) {
            error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(into(ec));
            if (ec) {
                if (!acceptor.is_open()) {
                    co_return;
                }
                continue;  // e.g. too many open files: the client sees the failure
            }
            net::co_spawn(io, relay(std::make_shared<Pair>(std::move(socket))), net::detached);
        }
    }

    net::awaitable<void> relay(std::shared_ptr<Pair> pair) {
        error_code ec;
        co_await pair->server.async_connect(upstream, into(ec));
        if (ec) {
            co_return;  // the client's read fails: as if the server were down
        }
        pair->client.set_option(tcp::no_delay(true), ec);
        pair->server.set_option(tcp::no_delay(true), ec);
        const auto connection = ++connections;
        net::co_spawn(io, pump(pair, pair->client, pair->server, up, dump, "up", connection),
                      net::detached);
        net::co_spawn(io, pump(pair, pair->server, pair->client, down, dump, "down", connection),
                      net::detached);
    }

    net::io_context io{1};
    tcp::endpoint upstream;
    tcp::acceptor acceptor;
    std::atomic<std::uint64_t> up{0};
    std::atomic<std::uint64_t> down{0};
    std::atomic<std::uint64_t> connections{0};
    Dump dump;
    std::thread thread;
};

CountingRelay::CountingRelay(std::uint16_t server_port)
    : impl_(std::make_unique<Impl>(server_port)) {
    net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

CountingRelay::~CountingRelay() {
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t CountingRelay::port() const noexcept {
    error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

RelayCounts CountingRelay::counts() const noexcept {
    return {impl_->up.load(), impl_->down.load(), impl_->connections.load()};
}

}  // namespace dspt::bench
