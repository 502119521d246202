#pragma once
// Every tuning knob of the dsptsync server's HTTP front end, in one place
// (docs/architecture.md, "Where each kind of code lives"). The defaults are the
// production values; tests shorten the timeouts.
//
// Limits is plain data: copy it, change a field, hand it to
// http::ServerConfig. Nothing here is read after HttpServer::start() except
// through the server's own copy, so changing a Limits object later has no
// effect on a running server.
//
// Memory bound: one connection holds at most header_limit + body_limit +
// kReadChunkBytes of request data at a time, and while it decompresses a zstd
// body also the decompressed body (at most body_limit) and the decoder's
// window (at most the larger of 8 MiB and body_limit rounded up to a power of
// two). So the worst case for the whole server is about max_connections *
// (header_limit + 4 * body_limit) for a body_limit of 8 MiB or more. Size
// max_connections and body_limit together for the machine.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace dspt::http {

struct Limits {
    // Largest request body accepted, after chunked decoding. A larger
    // Content-Length is refused with 413 before any of the body is read (and
    // before "100 Continue" is sent); a chunked body that grows past it is
    // refused with 413 as soon as it does. The connection is then closed.
    // A zstd-compressed body must also stay within it once decompressed, or
    // gets 413 (and the connection stays open: the body was read whole).
    std::size_t body_limit = 16 * 1024 * 1024;

    // Largest request line plus header fields. Over it: 431, then close.
    std::size_t header_limit = 16 * 1024;

    // Time allowed to read one whole request (request line, headers and
    // body), counted from its first byte. On expiry the connection is closed
    // without a response.
    std::chrono::milliseconds read_timeout{30'000};

    // Time a new connection has to finish its TLS handshake and send the
    // first byte of its first request. A client that connects and sends
    // nothing is dropped after this long, so idle connections cannot hold
    // the server's connection slots for the whole read_timeout.
    std::chrono::milliseconds first_byte_timeout{10'000};

    // Time a keep-alive connection may sit between requests before the
    // server closes it.
    std::chrono::milliseconds idle_timeout{60'000};

    // Time allowed to write one response (or the "100 Continue" interim
    // response). A client that stops reading is dropped after this long.
    std::chrono::milliseconds write_timeout{30'000};

    // Time spent closing a connection politely: the TLS close_notify
    // exchange and, after an error response, reading and discarding what the
    // client still sends so the kernel does not reset the connection before
    // the client has read the error.
    std::chrono::milliseconds close_timeout{2'000};

    // Bytes read and discarded at most while closing after an error response
    // (within close_timeout). The local screen raises it with close_timeout,
    // so a browser still sending a file that is too large reads the answer.
    std::uint64_t linger_drain_bytes = 1024 * 1024;

    // Open connections at most. The listener accepts one more and closes it
    // at once (no response is written: on a TLS port that would need a
    // handshake), counting it in dspt_http_connections_refused_total.
    std::size_t max_connections = 10'000;

    // Open connections at most from one client address (an IPv4 address, or
    // an IPv6 one; an IPv4-mapped IPv6 address counts as its IPv4 address).
    // One more from that address is accepted and closed at once, like one
    // over max_connections, so one client cannot take every slot and others
    // are still served while it floods. Behind a proxy every connection comes
    // from the proxy's address: raise it to max_connections there.
    std::size_t max_connections_per_address = 256;

    // Requests served on one connection before the server answers with
    // "Connection: close". Pipelined requests are read and answered strictly
    // one at a time, in order, so no queue of responses can build up; this
    // bounds how long one client can keep a connection (and its thread
    // share) for itself.
    std::size_t max_requests_per_connection = 1'000;

    // How long HttpServer::stop() lets requests in flight finish before it
    // closes every remaining connection. Idle keep-alive connections are
    // closed at once.
    std::chrono::milliseconds shutdown_grace{10'000};

    // Pending connections the kernel may queue before accept (listen(2)).
    int listen_backlog = 1'024;
};

// Bytes read per socket read while waiting for a request to start.
inline constexpr std::size_t kReadChunkBytes = 16 * 1024;
// A request body this large or larger is hashed as it arrives (Request::body_digest).
inline constexpr std::size_t kDigestMinBytes = 64 * 1024;

// Distinct (route, status) series kept by /metrics; later ones are counted
// under route="(other)", so a handler that puts ids in its route names cannot
// grow the metrics without bound.
inline constexpr std::size_t kMaxMetricSeries = 512;

// Pause after accept(2) fails for lack of descriptors or memory, so the
// listener does not spin while the condition lasts.
inline constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// How often stop() checks whether the last connection has gone.
inline constexpr std::chrono::milliseconds kDrainPollInterval{10};

}  // namespace dspt::http
