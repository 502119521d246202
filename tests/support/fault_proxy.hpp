#pragma once
// A TCP proxy on 127.0.0.1 between a client and a server, for tests of a bad
// network: it forwards connections as they are until told otherwise, then
// refuses new connections, cuts connections after a number of bytes from the
// client or from the server (a cut after the first byte of a response drops
// the answer to a request the server has handled), holds connections after a
// number of bytes (a server that stops answering, a line that stalls), cuts
// whichever connection carries each N-th byte, delays every segment, or
// throttles the bandwidth.
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
        forward,          // pass everything both ways
        refuse,           // accept, then close at once (the server is unreachable)
        cut,              // forward, then close after cut_bytes() bytes in the chosen direction
        cut_every,        // close the connection that carries every N-th byte in the direction
        stall,            // forward, then hold after stall bytes in the chosen direction
        refuse_requests,  // forward a number of requests, then close and refuse
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
    // Forwards the next `count` requests, then closes the connection a further
    // request starts on, before any of it reaches the server, and refuses new
    // connections: a server lost between two requests of a kept connection. A
    // request starts with the first bytes from the client after the server
    // has answered (or on a new connection).
    void refuse_after_requests(std::size_t count) {
        forward_left_ = count;
        mode_ = Mode::refuse_requests;
    }
    // Cuts each new connection once `bytes` have gone from the client to the
    // server (to_server) or from the server to the client (!to_server); with
    // `connections`, only that many new connections, forwarding the rest; with
    // `skip`, the first `skip` new connections are forwarded before any is cut.
    void cut_after(std::size_t bytes, bool to_server,
                   std::size_t connections = static_cast<std::size_t>(-1), std::size_t skip = 0) {
        cut_bytes_ = bytes;
        cut_to_server_ = to_server;
        cut_left_ = connections;
        skip_left_ = skip;
        mode_ = Mode::cut;
    }
    // As cut_after, but the connection is held open instead of closed: nothing
    // more goes in that direction, and nothing tells the client. With 0 bytes
    // to the server the server is not even contacted.
    void stall_after(std::size_t bytes, bool to_server,
                     std::size_t connections = static_cast<std::size_t>(-1), std::size_t skip = 0) {
        cut_after(bytes, to_server, connections, skip);
        mode_ = Mode::stall;
    }
    // A listener that accepts every new connection and never answers.
    void stall() { stall_after(0, true); }
    // Counting from now, cuts the connection that carries byte `bytes`,
    // 2 * `bytes`, ... in the direction, whichever connection that is.
    void cut_every(std::size_t bytes, bool to_server) {
        cut_bytes_ = bytes;
        cut_to_server_ = to_server;
        every_left_ = bytes;
        mode_ = Mode::cut_every;
    }
    // Holds every forwarded segment for `millis` first (0: none).
    void delay(std::size_t millis) { delay_millis_ = millis; }
    // Forwards at most `bytes_per_second` in all (0: unlimited).
    void throttle(std::size_t bytes_per_second) { bytes_per_second_ = bytes_per_second; }

    // Connections accepted so far.
    std::size_t connections() const noexcept { return connections_; }
    // Bytes forwarded so far, each way, and connections cut by the proxy.
    std::size_t bytes_to_server() const noexcept { return bytes_to_server_; }
    std::size_t bytes_to_client() const noexcept { return bytes_to_client_; }
    std::size_t cuts() const noexcept { return cuts_; }

  private:
    struct Link;
    void run();
    bool pump(int from, int to, Link& link, bool to_server);

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t server_port_;
    std::atomic<Mode> mode_{Mode::forward};
    std::atomic<std::size_t> cut_bytes_{0};
    std::atomic<bool> cut_to_server_{true};
    std::atomic<std::size_t> connections_{0};
    std::atomic<std::size_t> forward_left_{0};
    std::atomic<std::size_t> cut_left_{0};
    std::atomic<std::size_t> skip_left_{0};
    std::atomic<std::size_t> every_left_{0};
    std::atomic<std::size_t> delay_millis_{0};
    std::atomic<std::size_t> bytes_per_second_{0};
    std::atomic<std::size_t> bytes_to_server_{0};
    std::atomic<std::size_t> bytes_to_client_{0};
    std::atomic<std::size_t> cuts_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace dspt::test
