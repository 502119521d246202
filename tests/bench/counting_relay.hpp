#pragma once
// A TCP relay for benchmarks: listens on 127.0.0.1 (an ephemeral port),
// forwards every connection to a server on 127.0.0.1 and counts the bytes each
// way, so "bytes on the wire" are the bytes the client and server really sent
// (request lines, headers, bodies as compressed, responses), not an estimate.
//
// It runs its own I/O thread from construction to destruction; the counters
// may be read from any thread. A connection ends, each direction on its own,
// when either side closes; the relay adds no timeouts of its own (the client's
// and server's deadlines apply through it).
//
// With DSPT_BENCH_RELAY_DUMP=FILE in the environment it also writes every
// relayed byte to FILE (tests/bench/wire_breakdown.py takes the last exchange
// apart: request line, each header, body).

#include <atomic>
#include <cstdint>
#include <memory>

namespace dspt::bench {

struct RelayCounts {
    std::uint64_t up = 0;    // client to server
    std::uint64_t down = 0;  // server to client
    std::uint64_t connections = 0;

    std::uint64_t total() const noexcept { return up + down; }
    RelayCounts operator-(const RelayCounts& before) const noexcept {
        return {up - before.up, down - before.down, connections - before.connections};
    }
};

class CountingRelay {
  public:
    // Starts relaying to 127.0.0.1:`server_port`. Throws on a socket failure.
    explicit CountingRelay(std::uint16_t server_port);
    // Stops: closes the listener and every relayed connection, joins the thread.
    ~CountingRelay();

    CountingRelay(const CountingRelay&) = delete;
    CountingRelay& operator=(const CountingRelay&) = delete;

    // The port clients connect to instead of the server's.
    std::uint16_t port() const noexcept;

    // Bytes and connections relayed so far. A connection's bytes count as they
    // pass, so read counts after the requests of interest have been answered.
    RelayCounts counts() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dspt::bench
