#pragma once
// Private to server/http. One connection's coroutine, and the handle through
// which HttpServer::stop() reaches it.
//
// A session runs on the executor of its accepted socket: its worker's
// io_context, which one thread runs, so everything the session touches is
// serialised without locks; other threads reach it only by posting to that
// executor (notify_stop).

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/detail/server_state.hpp"

namespace dspt::http::detail {

struct SessionHandle {
    SessionHandle(boost::asio::any_io_executor executor_in, std::string remote_in,
                  std::string address_in, std::atomic<std::size_t>& worker_sessions_in)
        : executor(std::move(executor_in)),
          remote(std::move(remote_in)),
          address(std::move(address_in)),
          worker_sessions(worker_sessions_in) {}

    const boost::asio::any_io_executor executor;  // the session's, run by one thread
    const std::string remote;                     // "127.0.0.1:53122"
    const std::string address;                    // "127.0.0.1": the client, for its connection cap
    // Sessions open on the session's worker; this one counts in it while it lives.
    std::atomic<std::size_t>& worker_sessions;

    // Only read or written on the session's strand:
    boost::beast::tcp_stream* stream = nullptr;  // the lowest layer; null once the session ended
    bool idle = false;  // no request in progress (before the first byte, or during the handshake)
};

// The client address a connection counts against (Limits::
// max_connections_per_address): the IP address alone, an IPv4-mapped IPv6
// address as its IPv4 address.
std::string client_address(const boost::asio::ip::tcp::endpoint& remote);

// Registers a session for `socket` (whose executor must serialise what it
// runs: a strand, or an io_context run by one thread), coming from `remote`,
// and starts its coroutine, counting it in `worker_sessions` while it lives.
// `tls` is null for plain HTTP; otherwise it must outlive every session.
// `worker_sessions` must outlive the socket's execution context.
void spawn_session(const std::shared_ptr<ServerState>& state, boost::asio::ip::tcp::socket socket,
                   const boost::asio::ip::tcp::endpoint& remote, boost::asio::ssl::context* tls,
                   std::atomic<std::size_t>& worker_sessions);

// Tells a session the server is stopping. Without `force` it closes the
// connection only if idle (a request in progress finishes first, and its
// response says "Connection: close"); with `force` it closes it now.
void notify_stop(const std::shared_ptr<SessionHandle>& session, bool force);

}  // namespace dspt::http::detail
