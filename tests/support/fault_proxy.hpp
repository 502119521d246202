#pragma once
// A TCP proxy on 127.0.0.1 between a client and a server, for tests of a bad
// network: it forwards connections as they are until told otherwise, then
// refuses new connections, or cuts each connection after a number of bytes
// from the client or from the server.
//
// One background thread serves every connection with poll(); each wait is
// bounded, and the destructor stops the thread and closes every socket.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace dspt::test {

class FaultProxy {
  public:
    enum class Mode {
        forward,  // pass everything both ways
        refuse,   // accept, then close at once (the server is unreachable)
        cut,      // forward, then close after cut_bytes() bytes in the chosen direction
    };

    // Proxies to 127.0.0.1:`server_port`; listens on an ephemeral port.
    explicit FaultProxy(std::uint16_t server_port);
    ~FaultProxy();

    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    std::uint16_t port() const noexcept { return port_; }

    // Applies to connections accepted from now on.
    void forward() { mode_ = Mode::forward; }
    void refuse() {
        forward_left_ = 0;
        mode_ = Mode::refuse;
    }
    // Forwards the next `count` connections, then refuses.
    void refuse_after(std::size_t count) {
        forward_left_ = count;
        mode_ = Mode::refuse;
    }
    // Cuts each new connection once `bytes` have gone from the client to the
    // server (to_server) or from the server to the client (!to_server).
    void cut_after(std::size_t bytes, bool to_server) {
        cut_bytes_ = bytes;
        cut_to_server_ = to_server;
        mode_ = Mode::cut;
    }

    // Connections accepted so far.
    std::size_t connections() const noexcept { return connections_; }

  private:
    void run();

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t server_port_;
    std::atomic<Mode> mode_{Mode::forward};
    std::atomic<std::size_t> cut_bytes_{0};
    std::atomic<bool> cut_to_server_{true};
    std::atomic<std::size_t> connections_{0};
    std::atomic<std::size_t> forward_left_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace dspt::test
