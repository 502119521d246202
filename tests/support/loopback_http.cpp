#include "tests/support/loopback_http.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace dspt::test {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string LoopbackResponse::header(std::string_view name) const {
    std::size_t at = head.find("\r\n");
    while (at != std::string::npos && at + 2 < head.size()) {
        const auto start = at + 2;
        const auto end = head.find("\r\n", start);
        const std::string_view line(head.data() + start,
                                    (end == std::string::npos ? head.size() : end) - start);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && same_name(line.substr(0, colon), name)) {
            auto value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
            return std::string(value);
        }
        at = end;
    }
    return {};
}

LoopbackConnection::LoopbackConnection(std::uint16_t port, const std::string& source)
    : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    const bool bound =
        source.empty() || (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) == 1 &&
                           ::bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || !bound ||
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
}

LoopbackConnection::~LoopbackConnection() {
    ::close(fd_);
}

void LoopbackConnection::send(const std::string& method, const std::string& target,
                              const std::map<std::string, std::string>& headers,
                              const std::string& body) {
    std::string text = method + " " + target +
                       " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                       "\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) {
        text += name + ": " + value + "\r\n";
    }
    if (!body.empty() || method == "POST") {
        text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += "\r\n" + body;
    send_raw(text);
}

void LoopbackConnection::send_raw(std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            throw std::runtime_error("cannot send to 127.0.0.1:" + std::to_string(port_));
        }
        sent += static_cast<std::size_t>(n);
    }
}

LoopbackResponse LoopbackConnection::read(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::string all;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        pollfd fd{fd_, POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        char buffer[16 * 1024];
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) {
            break;
        }
        all.append(buffer, static_cast<std::size_t>(n));
    }
    LoopbackResponse out;
    const auto end = all.find("\r\n\r\n");
    out.head = all.substr(0, end);
    out.body = end == std::string::npos ? std::string() : all.substr(end + 4);
    if (out.head.rfind("HTTP/1.", 0) == 0 && out.head.size() >= 12) {
        out.status = std::stoi(out.head.substr(9, 3));
    }
    return out;
}

LoopbackResponse http_exchange(std::uint16_t port, const std::string& method,
                               const std::string& target,
                               const std::map<std::string, std::string>& headers,
                               const std::string& body, std::chrono::milliseconds limit) {
    LoopbackConnection connection(port);
    connection.send(method, target, headers, body);
    return connection.read(limit);
}

}  // namespace dspt::test
