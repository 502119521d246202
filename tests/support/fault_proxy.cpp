#include "tests/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace dspt::test {

namespace {

constexpr int kPollMillis = 20;
constexpr std::size_t kMaxConnections = 256;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

}  // namespace

// One proxied connection: client <-> server, with what is left before a cut.
struct FaultProxy::Link {
    int client = -1;
    int server = -1;
    bool cut = false;
    bool hold = false;  // at the end of `left`: hold the connection, not close it
    bool cut_to_server = true;
    std::size_t left = 0;      // bytes still allowed in the cut direction
    bool request_next = true;  // the client's next bytes start a request

    // Whether nothing more is read in this direction (the link is held).
    bool held(bool to_server) const {
        return hold && cut && cut_to_server == to_server && left == 0;
    }

    void close_both() {
        if (client >= 0) {
            ::close(client);
        }
        if (server >= 0) {
            ::close(server);
        }
        client = server = -1;
    }
};

// Moves what `from` has to `to`; false when the link is over.
bool FaultProxy::pump(int from, int to, Link& link, bool to_server) {
    char buffer[16 * 1024];
    std::size_t want = sizeof buffer;
    const bool limited = link.cut && link.cut_to_server == to_server;
    if (limited) {
        if (link.left == 0) {
            return false;
        }
        want = std::min(want, link.left);
    }
    const bool every = mode_ == Mode::cut_every && cut_to_server_ == to_server;
    if (every) {
        want = std::min(want, every_left_.load());
    }
    const auto n = ::recv(from, buffer, want, 0);
    if (n <= 0) {
        return false;
    }
    if (!to_server) {
        link.request_next = true;
    } else if (link.request_next) {
        link.request_next = false;
        if (mode_ == Mode::refuse_requests) {
            if (forward_left_ == 0) {
                ++cuts_;
                return false;
            }
            --forward_left_;
        }
    }
    if (delay_millis_ > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_millis_));
    }
    std::size_t sent = 0;
    while (sent < static_cast<std::size_t>(n)) {
        const auto m = ::send(to, buffer + sent, static_cast<std::size_t>(n) - sent, MSG_NOSIGNAL);
        if (m <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(m);
    }
    (to_server ? bytes_to_server_ : bytes_to_client_) += sent;
    if (const auto rate = bytes_per_second_.load(); rate > 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(sent * 1'000'000 / rate));
    }
    if (every) {
        every_left_ -= sent;
        if (every_left_ == 0) {
            every_left_ = cut_bytes_.load();
            ++cuts_;
            return false;
        }
    }
    if (limited) {
        link.left -= sent;
        if (link.left == 0) {
            ++cuts_;
            return link.hold;
        }
    }
    return true;
}

FaultProxy::FaultProxy(std::uint16_t server_port) : server_port_(server_port) {
    // Close-on-exec, as every socket here: a process the test starts later (a
    // server, HAProxy) must not keep the port open after the proxy is gone.
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto address = loopback(0);
    socklen_t size = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        throw std::runtime_error("the test proxy could not listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
}

FaultProxy::~FaultProxy() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
}

void FaultProxy::run() {
    std::vector<Link> links;
    while (!stop_) {
        std::vector<pollfd> fds{{listener_, POLLIN, 0}};
        for (const auto& link : links) {
            // A held direction is not read; its socket still reports a failure.
            fds.push_back({link.client, static_cast<short>(link.held(true) ? 0 : POLLIN), 0});
            fds.push_back({link.server, static_cast<short>(link.held(false) ? 0 : POLLIN), 0});
        }
        if (::poll(fds.data(), fds.size(), kPollMillis) <= 0) {
            continue;
        }
        for (std::size_t i = 0; i < links.size(); ++i) {
            auto& link = links[i];
            const auto& from_client = fds[1 + 2 * i];
            const auto& from_server = fds[2 + 2 * i];
            bool alive = true;
            if (from_client.revents != 0) {
                alive = link.held(true) ? (from_client.revents & (POLLERR | POLLHUP)) == 0
                                        : pump(link.client, link.server, link, true);
            }
            if (alive && from_server.revents != 0) {
                alive = link.held(false) ? (from_server.revents & (POLLERR | POLLHUP)) == 0
                                         : pump(link.server, link.client, link, false);
            }
            if (!alive) {
                link.close_both();
            }
        }
        std::erase_if(links, [](const Link& link) { return link.client < 0; });
        if ((fds[0].revents & POLLIN) == 0) {
            continue;
        }
        Link link;
        link.client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (link.client < 0) {
            continue;
        }
        ++connections_;
        auto mode = mode_.load();
        if (mode == Mode::refuse && forward_left_ > 0) {
            --forward_left_;
            mode = Mode::forward;
        }
        const bool refused =
            mode == Mode::refuse || (mode == Mode::refuse_requests && forward_left_ == 0);
        if (refused || links.size() >= kMaxConnections) {
            link.close_both();
            continue;
        }
        const bool limited = mode == Mode::cut || mode == Mode::stall;
        const bool skipped = limited && skip_left_ > 0;
        if (skipped) {
            --skip_left_;
        }
        link.cut = limited && !skipped && cut_left_ > 0;
        if (link.cut) {
            --cut_left_;
        }
        link.hold = mode == Mode::stall;
        link.cut_to_server = cut_to_server_;
        link.left = cut_bytes_;
        if (link.cut && link.left == 0 && !link.hold) {
            link.close_both();
            continue;
        }
        if (link.held(true)) {
            links.push_back(link);  // never answered, and the server never asked
            continue;
        }
        link.server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const auto address = loopback(server_port_);
        if (link.server < 0 || ::connect(link.server, reinterpret_cast<const sockaddr*>(&address),
                                         sizeof address) != 0) {
            link.close_both();
            continue;
        }
        links.push_back(link);
    }
    for (auto& link : links) {
        link.close_both();
    }
}

}  // namespace dspt::test
