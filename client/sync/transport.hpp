#pragma once
// How the client talks to the server: an interface, so the sync and
// enrolment logic is tested without a socket (docs/architecture.md, "Where each
// kind of code lives"), and one implementation over Beast (http_transport.hpp).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace dspt::client {

// A request as the caller means it. The transport owns the framing and the
// content coding: the body given here is the one a signature covers, whatever
// form it travels in.
struct HttpRequest {
    std::string method;  // "GET", "POST", "PUT", "DELETE"
    std::string target;  // "/v1/whoami"
    std::map<std::string, std::string> headers;
    std::string content_type = "application/octet-stream";
    std::string body;
};

// A response as the server meant it: the body is already decompressed.
struct HttpResponse {
    int status = 0;
    std::string content_type;
    std::string body;
};

class Transport {
  public:
    virtual ~Transport() = default;

    // Sends one request and returns the server's response, whatever its status.
    // Throws Error(network) when no response arrives (refused, reset, TLS
    // failure), Error(timeout) when the deadline passes, with a message naming
    // the step it was waiting for, and Error(unavailable) when the caller asked
    // to stop (TransportOptions::stop_requested). The request is taken by value
    // so that a large body moves through rather than being copied.
    virtual HttpResponse send(HttpRequest request) = 0;
};

// Where the server is: "http://127.0.0.1:8080" or "https://dspt.example.org".
struct ServerUrl {
    bool tls = false;
    std::string host;
    std::string port;  // "443" / "80" when the URL gives none

    // Throws Error(invalid_argument) for anything but http(s)://host[:port][/],
    // where an IPv6 host is in brackets ("http://[::1]:8080"; `host` is then "::1").
    static ServerUrl parse(const std::string& url);
    std::string to_string() const;
    // The host as a URL or a Host header writes it: an IPv6 address in brackets.
    std::string authority_host() const;
};

// The deadline of one request unless its command says otherwise (--timeout).
inline constexpr std::chrono::milliseconds kDefaultRequestTimeout{30'000};

struct TransportOptions {
    // The deadline of each request. Every step (looking up the name,
    // connecting, the TLS handshake, sending, waiting for the answer) must end
    // within it, counted from the start of the request. A body, sent or
    // received, may take longer as long as it keeps moving: each time bytes of
    // a body move, the deadline is at least `timeout` from then.
    std::chrono::milliseconds timeout = kDefaultRequestTimeout;
    std::string ca_file;  // trust this certificate (PEM) instead of the system's roots
    // `--insecure-http`: plain http:// to a host that is not this computer
    // (client/sync/plain_http.hpp). Off: such an address is refused.
    bool insecure_http = false;
    // Asked several times a second while a request waits; when it answers
    // true, the request is abandoned (a person asked the program to stop).
    std::function<bool()> stop_requested;
};

// A transport over Beast: plain HTTP, or TLS with the certificate verified
// against the host name. Keeps its connection from one request to the next
// (one connection, one TLS handshake for a whole sync run) until the server
// answers "Connection: close", a request fails, or the transport is destroyed.
// A kept connection the server has closed meanwhile (its idle timeout, a
// restart) is replaced without the caller noticing: when the server had
// closed it in order before any byte of the answer arrived, the request is
// sent once more on a new connection (every dsptsync request may be
// repeated). A connection reset in the middle of a request, a deadline
// passing or a stop fails the request as it did on a new connection. It waits for nothing past the
// deadline of TransportOptions: every network step is asynchronous and abandoned when the deadline
// passes, on a kept connection as on a new one. Bodies travel compressed
// (common/compression/content_coding.hpp): every request says "Accept-Encoding: zstd", a request
// body worth compressing is sent as zstd, and a zstd answer is decompressed within the same 64 MiB
// bound as a plain one. An answer that does not decompress throws Error(protocol), or
// Error(limit_exceeded) when it is too large; one in another coding throws
// Error(protocol). An http:// URL to a host other than this computer is refused
// with Error(invalid_argument) unless `options.insecure_http`
// (client/sync/plain_http.hpp), before anything is sent.
std::unique_ptr<Transport> make_http_transport(const ServerUrl& url,
                                               const TransportOptions& options);

}  // namespace dspt::client
