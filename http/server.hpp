#pragma once
// The dsptsync HTTP(S) server: a reusable Beast component that accepts
// connections, reads requests within the limits of http/limits.hpp, serves
// /healthz and /metrics itself and hands every other request to the
// application's Handler (http/request.hpp). No Asio or Beast type
// appears here; they stay in server/http's .cpp files.
//
// Model (docs/architecture.md, "The HTTP server"): `threads` I/O threads, each
// running an io_context of its own, and a control thread for the listener, the
// signals and stop(). The listener gives each new connection to the I/O thread
// with the fewest open; it stays there until it closes. Each connection is a
// C++20 coroutine that reads a request, calls the handler synchronously, writes
// the response and, on keep-alive, waits for the next. A handler therefore holds
// its thread, and the other connections of that thread, while it runs; with
// short SQLite transactions that is the intended use.
//
// Served by the component on every port (unless builtin_endpoints is off),
// before the handler and without authentication: GET/HEAD /healthz (200 "ok", or 503 while
// stopping, so load balancers drain the instance) and GET/HEAD /metrics (metrics.hpp; it holds
// request counts and latencies by route, nothing about devices or data), for
// loopback peers and holders of ServerConfig::metrics_token only.
//
// Limits (http/limits.hpp): a body over body_limit gets 413, a header over
// header_limit 431, a malformed request 400, an HTTP version other than 1.0
// and 1.1 505, an Expect other than 100-continue 417, each with a JSON error
// body {"error":..,"message":..}, and then the connection is closed. A
// request not read whole within read_timeout, or a keep-alive connection idle
// past idle_timeout, is closed without a response. Over max_connections, new
// connections are accepted and closed at once. Those error responses reach
// the access log and the metrics under route "(rejected)"; the handler never
// sees such a request.
//
// Content codings (common/compression/content_coding.hpp): a request body
// sent with "Content-Encoding: zstd" is decompressed, within body_limit,
// before the server's endpoints or the handler see it, and its
// Content-Encoding header is removed; a body that would decompress past
// body_limit gets 413, one that is not intact zstd data 400, and any other
// coding 415, each under route "(rejected)". A response body long enough to
// be worth it is compressed when the request's Accept-Encoding accepts zstd
// ("Content-Encoding: zstd", "Vary: Accept-Encoding"); a client that does not
// ask for zstd gets every body, /healthz and /metrics included, as it is.
//
// Plain HTTP is for loopback (development, tests): validate() refuses any
// other listen address unless TLS is configured or `insecure` is set. TLS
// accepts TLS 1.2 and 1.3 only.
//
// Thread-safety: start(), stop(), wait() and stop_on_signals() may be called
// from any thread and concurrently with each other, except that stop() and
// wait() called from one of the server's own threads (inside a Handler or a
// log callback) only request the stop and return at once: joining there would
// deadlock. The destructor must not run on a server thread. The Handler and
// the log callback are called concurrently from several threads.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/limits.hpp"
#include "http/request.hpp"

namespace dspt::http {

// A request the server answered itself before any handler saw it: its body
// or header too large, malformed, of another HTTP version, or with an
// Expect other than 100-continue.
struct Refusal {
    int status = 400;  // 400, 413, 417, 431 or 505
    ErrorCode code = ErrorCode::protocol;
    std::string message;  // what the default JSON error body says
    // The request's Content-Length, when it declared one that could be read.
    std::optional<std::uint64_t> declared_length;
};

// The answer to a refusal, in place of the JSON error body (a browser's page,
// say). Its status is replaced by the refusal's and its route by "(rejected)";
// if it throws, the JSON error body is sent instead. A body refused for its
// Content-Encoding (400, 413, 415 after reading it) keeps the JSON error body:
// browsers do not compress what they send.
using RefusalPage = std::function<Response(const Refusal& refusal)>;

struct ServerConfig {
    // A numeric IPv4/IPv6 address or a host name ("localhost").
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 0;  // 0 = an ephemeral port; start() returns the real one

    // PEM files. Both or neither: with both, the server speaks only HTTPS.
    // The certificate file may hold the chain (leaf first).
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;

    // Allows plain HTTP on a non-loopback address (e.g. behind a TLS-terminating
    // proxy on a private network). Off by default.
    bool insecure = false;

    std::size_t threads = 0;  // I/O threads; 0 = std::thread::hardware_concurrency()
    Limits limits;

    // Receives one structured line per request (access_log.hpp) and one per
    // notable connection event (refusal, TLS failure, timeout mid-request, a
    // handler's exception), without a trailing newline. Called from the I/O
    // threads, concurrently; it must not throw. Default: to stderr through a
    // StderrLineWriter (access_log.hpp): lines reach it within a few tens of ms.
    std::function<void(std::string_view line)> log;

    // Whether the server answers GET /healthz and GET /metrics itself (above).
    // The local screen turns them off: it has no load balancer or scraper.
    bool builtin_endpoints = true;

    // Who else may read GET /metrics. A loopback peer always may, unless the
    // request came through a proxy (it carries Forwarded or X-Forwarded-For:
    // a proxy on this host would otherwise make every client a loopback peer).
    // Any other request is answered 403, or, when this is set, needs
    // `Authorization: Bearer <metrics_token>` (401 without it). /healthz stays
    // open to all.
    std::string metrics_token;

    // Empty: refusals get the JSON error body.
    RefusalPage refusal_page;

    // Called once a request's header is in, before its body is read (and
    // before "100 Continue" invites it), with the request so far: no body. A
    // response refuses the request there: it is sent (route "(rejected)"
    // unless it names one), the body is never read, and the connection is
    // closed. nullopt lets the request go on to the handler. For an
    // application that can tell from the header alone that it will not take
    // the body: the local screen, for a request from elsewhere or without its
    // cookie. If it throws, the request is answered 500. Empty: every request
    // goes on.
    std::function<std::optional<Response>(const Request& head)> admit;

    // Throws dspt::Error(ErrorCode::invalid_argument) when the configuration
    // cannot be served:
    //  - only one of tls_cert / tls_key, or either not a readable file (the
    //    message names the file);
    //  - no TLS, a listen address that is not loopback, and !insecure (the
    //    message says to give --tls-cert/--tls-key or --insecure);
    //  - a listen host that does not resolve; a zero limit or timeout.
    // start() calls it; the CLI may call it earlier to report errors sooner.
    void validate() const;
};

class HttpServer {
  public:
    // Keeps the configuration and the handler; opens nothing yet.
    HttpServer(ServerConfig config, Handler handler);

    // Stops the server (as stop()) if it is running.
    ~HttpServer();

    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Validates the configuration, loads the TLS certificate and key, binds
    // and listens, then starts the I/O threads. Returns the port actually
    // bound (useful with listen_port = 0). Throws dspt::Error:
    // invalid_argument for a bad configuration or unusable TLS files, network
    // when the address cannot be bound, failed_precondition when called twice
    // (a server runs once; make a new one to serve again).
    std::uint16_t start();

    // Stops the server and returns when every thread has ended:
    //  1. stops accepting and closes the listening socket;
    //  2. closes idle keep-alive connections at once;
    //  3. lets requests in flight finish and their responses be written (with
    //     "Connection: close"), for up to limits.shutdown_grace;
    //  4. then closes whatever connections remain and joins the threads.
    // A handler still running at step 4 is not interrupted: stop() waits for
    // it. Idempotent; does nothing before start(). From a server thread it
    // only requests the stop (see the thread-safety note above).
    void stop();

    // Blocks until the server has stopped (by stop(), or by a signal after
    // stop_on_signals()). Returns at once if it never started.
    void wait();

    // Makes SIGINT and SIGTERM stop the server (through asio::signal_set, so
    // the signal is handled on a server thread, not in a signal handler); the
    // main thread then returns from wait(). For the executable: the handlers
    // are process-wide while the server runs, and the default dispositions
    // come back when it stops. Throws dspt::Error(failed_precondition) before
    // start(); does nothing once a stop was requested.
    void stop_on_signals();

    // The port bound by start(); 0 before.
    std::uint16_t port() const noexcept;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dspt::http
