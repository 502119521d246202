// The client transport keeps its connection from one request to the next: a
// sync is one connection, a server that closed a kept connection costs the
// caller nothing, and a kept connection that stalls still ends at the deadline.

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "client/sync/transport.hpp"
#include "common/error.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/unit/http/test_server.hpp"

namespace {

using dspt::ErrorCode;
using dspt::client::HttpRequest;
using dspt::client::make_http_transport;
using dspt::client::ServerUrl;
using dspt::client::TransportOptions;
using dspt::test::FaultProxy;
using dspt::test::http::TestServer;
using namespace std::chrono_literals;

std::unique_ptr<dspt::client::Transport> transport_to(std::uint16_t port,
                                                      TransportOptions options = {}) {
    return make_http_transport(ServerUrl::parse("http://127.0.0.1:" + std::to_string(port)),
                               options);
}

HttpRequest post(std::string body) {
    return {"POST", "/echo", {}, "text/plain", std::move(body)};
}

// A listener on 127.0.0.1 that answers the first `answered` requests of its
// first connection with "connection 1, request N" and keeps it open; the next
// request on it is read whole, then the connection is closed unanswered or
// held unanswered, as a server does whose idle timeout fires as the request
// arrives, or one that stalls. Every later connection is answered in full.
// Each wait is bounded; the destructor ends every connection.
class ScriptedServer {
  public:
    enum class Then { close, hold };

    ScriptedServer(std::size_t answered, Then then) : answered_(answered), then_(then) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
            ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(address.sin_port);
        accepter_ = std::thread([this] { accept_loop(); });
    }

    ~ScriptedServer() {
        stop_ = true;
        accepter_.join();
        for (auto& thread : connections_) {
            thread.join();
        }
        ::close(listener_);
    }

    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    std::size_t connections() const noexcept { return accepted_; }

  private:
    // Waits up to 50 ms for `fd` to become readable; false when it did not.
    static bool readable(int fd) {
        pollfd watch{fd, POLLIN, 0};
        return ::poll(&watch, 1, 50) > 0;
    }

    void accept_loop() {
        // At most a handful of connections in any test here.
        while (!stop_ && accepted_ < 8) {
            if (!readable(listener_)) {
                continue;
            }
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) {
                continue;
            }
            const std::size_t number = ++accepted_;
            connections_.emplace_back([this, fd, number] { serve(fd, number); });
        }
    }

    // Reads one whole request (a header and its Content-Length of body);
    // false when the connection ended or the test is over first.
    bool read_request(int fd, std::string& pending) {
        for (int turn = 0; turn < 200 && !stop_; ++turn) {
            const auto header_end = pending.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                std::string head = pending.substr(0, header_end);
                for (auto& c : head) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                const auto at = head.find("content-length:");
                const std::size_t length =
                    at == std::string::npos ? 0 : std::stoul(head.substr(at + 15));
                if (pending.size() >= header_end + 4 + length) {
                    pending.erase(0, header_end + 4 + length);
                    return true;
                }
            }
            if (!readable(fd)) {
                continue;
            }
            char bytes[65536];
            const auto n = ::recv(fd, bytes, sizeof bytes, 0);
            if (n <= 0) {
                return false;
            }
            pending.append(bytes, static_cast<std::size_t>(n));
            turn = 0;
        }
        return false;
    }

    void serve(int fd, std::size_t number) {
        std::string pending;
        for (std::size_t request = 1; read_request(fd, pending); ++request) {
            if (number == 1 && request > answered_) {
                // Held: read and ignored until the client goes or the test ends.
                char ignored[4096];
                while (then_ == Then::hold && !stop_) {
                    if (readable(fd) && ::recv(fd, ignored, sizeof ignored, 0) <= 0) {
                        break;
                    }
                }
                break;
            }
            const std::string body =
                "connection " + std::to_string(number) + ", request " + std::to_string(request);
            const std::string answer =
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body;
            if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) !=
                static_cast<ssize_t>(answer.size())) {
                break;
            }
        }
        ::close(fd);
    }

    std::size_t answered_;
    Then then_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> accepted_{0};
    std::thread accepter_;
    std::vector<std::thread> connections_;  // touched by the accepting thread only
};

}  // namespace

TEST_CASE("a transport sends every request of a run on one connection",
          "[unit][client_sync][transport]") {
    TestServer server(dspt::test::http::echo);
    FaultProxy proxy(server.port());
    const auto transport = transport_to(proxy.port());

    const std::string chunk(1 << 20, 'e');  // an evidence chunk's size
    for (int i = 0; i < 4; ++i) {
        CHECK(transport->send(post("request " + std::to_string(i))).body ==
              "request " + std::to_string(i));
        CHECK(transport->send(post(chunk)).body == chunk);
    }
    CHECK(transport->send({"GET", "/echo", {}, "text/plain", ""}).status == 200);
    CHECK(proxy.connections() == 1);
}

TEST_CASE("a transport opens a new connection when the server answers Connection: close",
          "[unit][client_sync][transport]") {
    TestServer server(dspt::test::http::echo, [](dspt::test::http::ServerConfig& config) {
        config.limits.max_requests_per_connection = 2;
    });
    FaultProxy proxy(server.port());
    const auto transport = transport_to(proxy.port());

    for (int i = 0; i < 5; ++i) {
        CHECK(transport->send(post("request " + std::to_string(i))).body ==
              "request " + std::to_string(i));
    }
    CHECK(proxy.connections() == 3);
}

TEST_CASE("a kept connection the server closed while it was idle is replaced unnoticed",
          "[unit][client_sync][transport]") {
    TestServer server(dspt::test::http::echo, [](dspt::test::http::ServerConfig& config) {
        config.limits.idle_timeout = 100ms;
    });
    FaultProxy proxy(server.port());
    const auto transport = transport_to(proxy.port());

    CHECK(transport->send(post("before")).body == "before");
    std::this_thread::sleep_for(400ms);  // past the server's idle timeout
    CHECK(transport->send(post("after")).body == "after");
    CHECK(proxy.connections() == 2);
}

TEST_CASE("a kept connection the server closes as a request arrives: the request is sent again",
          "[unit][client_sync][transport]") {
    ScriptedServer server(1, ScriptedServer::Then::close);
    const auto transport = transport_to(server.port());

    CHECK(transport->send(post("first")).body == "connection 1, request 1");
    // The server reads this one on the kept connection and closes it unanswered.
    CHECK(transport->send(post(std::string(200'000, 'x'))).body == "connection 2, request 1");
    CHECK(transport->send(post("third")).body == "connection 2, request 2");
    CHECK(server.connections() == 2);
}

TEST_CASE("a kept connection that stalls ends at the deadline and is not retried",
          "[unit][client_sync][transport]") {
    ScriptedServer server(1, ScriptedServer::Then::hold);
    TransportOptions options;
    options.timeout = 500ms;
    const auto transport = transport_to(server.port(), options);

    CHECK(transport->send(post("first")).body == "connection 1, request 1");
    try {
        transport->send(post("second"));
        FAIL("a stalled request returned");
    } catch (const dspt::Error& e) {
        CHECK(e.code() == ErrorCode::timeout);
        CHECK_THAT(e.what(), Catch::Contains("waiting for the response header"));
    }
    CHECK(server.connections() == 1);
    // The stalled connection is dropped: the next request goes on a new one.
    CHECK(transport->send(post("third")).body == "connection 2, request 1");
    CHECK(server.connections() == 2);
}

TEST_CASE("a stop asked while a kept connection waits ends the request, unretried",
          "[unit][client_sync][transport]") {
    ScriptedServer server(1, ScriptedServer::Then::hold);
    std::atomic<bool> stop{false};
    TransportOptions options;
    options.stop_requested = [&] { return stop.load(); };
    const auto transport = transport_to(server.port(), options);

    CHECK(transport->send(post("first")).body == "connection 1, request 1");
    std::thread stopper([&] {
        std::this_thread::sleep_for(200ms);
        stop = true;
    });
    try {
        transport->send(post("second"));
        FAIL("a stopped request returned");
    } catch (const dspt::Error& e) {
        CHECK(e.code() == ErrorCode::unavailable);
    }
    stopper.join();
    CHECK(server.connections() == 1);
}
