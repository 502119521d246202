// The Beast implementation of Transport: one connection kept across requests,
// TLS with host name verification, and every network step asynchronous on the
// connection's private io_context that is run only until the request's
// deadline, so no step can wait longer than the caller allowed.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <poll.h>
#include <sys/ioctl.h>

#include <climits>
#if __has_include(<linux/sockios.h>)
#include <linux/sockios.h>
#endif

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "client/sync/name_lookup.hpp"
#include "client/sync/plain_http.hpp"
#include "client/sync/transport.hpp"
#include "common/compression/content_coding.hpp"
#include "common/compression/zstd_codec.hpp"
#include "common/error.hpp"
#include "protocol/session_auth.hpp"

namespace dspt::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The largest response body the client accepts, as it arrives and once
// decompressed.
constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;

// The steps of one request, each named in the message when it fails.
enum class Step {
    look_up,
    connect,
    handshake,
    send_header,
    send_body,
    wait_header,
    read_body,
    close,
};

std::string_view describe(Step step) {
    switch (step) {
        case Step::look_up:
            return "looking up its address";
        case Step::connect:
            return "connecting";
        case Step::handshake:
            return "setting up TLS";
        case Step::send_header:
            return "sending the request";
        case Step::send_body:
            return "sending the request body";
        case Step::wait_header:
            return "waiting for the response header";
        case Step::read_body:
            return "reading the response body";
        case Step::close:
            return "closing the connection";
    }
    return "talking to it";
}

// "30 s", "2.5 s".
std::string seconds_text(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0) {
        return std::to_string(duration.count() / 1000) + " s";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(duration.count()) / 1000.0);
    std::string out = text;
    while (out.back() == '0') {
        out.pop_back();
    }
    return out + " s";
}

constexpr std::string_view kProtocolContentType = "application/x-dspt";

http::request<http::string_body> to_beast(HttpRequest& request, const ServerUrl& url) {
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    // No User-Agent: every protocol message names its protocol version, which
    // is what the server goes by.
    req.set(http::field::host, url.authority_host());
    req.set(http::field::accept_encoding, compression::kZstdCoding);
    for (const auto& [name, value] : request.headers) {
        req.set(name, value);
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        // A protocol message says what it is in its envelope (protocol/codec.hpp),
        // and the server reads no Content-Type: only other bodies name theirs.
        if (request.content_type != kProtocolContentType) {
            req.set(http::field::content_type, request.content_type);
        }
        // The signature (if any) is over request.body as it is: the server
        // checks it after decompressing.
        if (auto frame = compression::compress_body(request.body, request.content_type)) {
            req.set(http::field::content_encoding, compression::kZstdCoding);
            req.body() = std::move(*frame);
        } else {
            req.body() = std::move(request.body);
        }
        req.prepare_payload();
    }
    return req;
}

// The response body as the server meant it: decompressed when it came as zstd.
std::string decoded_body(http::response<http::string_body>& res, const ServerUrl& url) {
    const auto encoding = res[http::field::content_encoding];
    const auto coding = compression::parse_content_encoding(encoding);
    if (!coding) {
        fail(ErrorCode::protocol, "the server at " + url.to_string() +
                                      " answered with Content-Encoding \"" + std::string(encoding) +
                                      "\", which dspt cannot decode");
    }
    if (*coding == compression::ContentCoding::identity) {
        return std::move(res.body());
    }
    try {
        return compression::decompress(res.body(), kMaxResponseBytes);
    } catch (const Error& e) {
        fail(e.code(), "the server at " + url.to_string() +
                           " sent a compressed answer that does not decompress: " + e.what());
    }
}

// One asynchronous operation in flight, and how it ended.
struct Pending {
    bool done = false;
    beast::error_code error;
    std::size_t bytes = 0;

    auto on_transfer() {
        return [this](const beast::error_code& ec, std::size_t n) {
            error = ec;
            bytes = n;
            done = true;
        };
    }
    auto on_connect() {
        return [this](const beast::error_code& ec, const tcp::endpoint&) {
            error = ec;
            done = true;
        };
    }
    auto on_done() {
        return [this](const beast::error_code& ec) {
            error = ec;
            done = true;
        };
    }
};

// A connection to the server, kept from one request to the next. It has its
// own io_context, so that an operation abandoned at a deadline can never
// complete into a later request: dropping the connection destroys both.
struct Connection {
    asio::io_context io;
    beast::tcp_stream tcp{io};
    std::optional<beast::ssl_stream<beast::tcp_stream&>> tls;
    bool reused = false;  // it has carried a request already

    // Whether the server has closed it (or sent something unasked) since its
    // last answer: then it is of no use for another request.
    bool closed_by_server() {
        pollfd watch{tcp.socket().native_handle(), POLLIN, 0};
        return ::poll(&watch, 1, 0) != 0;
    }
};

// One request, on a connection it is given. The deadline starts at `timeout`
// from construction; every piece of a body that moves pushes it to at least
// `timeout` from then. A request body has left the program long before it has
// reached the server on a slow line (it waits in the system's send buffer),
// so while the answer is awaited, the send buffer draining counts as the body
// moving too.
class Exchange {
  public:
    Exchange(const ServerUrl& url, const TransportOptions& options)
        : url_(url), options_(options), deadline_(Clock::now() + options.timeout) {}

    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    // Starts an attempt on `connection` (a new one, or one kept from an
    // earlier request); the deadline runs on from the start of the request.
    void use(Connection& connection) {
        connection_ = &connection;
        watch_send_buffer_ = false;
        unsent_ = INT_MAX;
        answer_started_ = false;
        keep_alive_ = false;
        last_error_ = {};
    }

    // Whether this attempt failed because the server had ended the connection
    // in order (its end closed, not reset) before any byte of the answer
    // arrived: what a kept connection looks like when the server's idle
    // timeout fired just as the request went. A connection cut in the middle
    // of a request is reset instead, and is not taken for this.
    bool closed_before_answer() const noexcept {
        const auto& ec = last_error_;
        const bool in_order = ec == asio::error::eof || ec == http::error::end_of_stream ||
                              ec == asio::error::broken_pipe ||
                              ec == asio::ssl::error::stream_truncated;
        return in_order && !answer_started_;
    }
    // Whether the server lets the connection carry another request.
    bool keep_alive() const noexcept { return keep_alive_; }

    void connect() {
        const auto found = look_up(url_.host, url_.port, deadline_, options_.stop_requested);
        switch (found.outcome) {
            case LookupOutcome::found:
                break;
            case LookupOutcome::timeout:
                fail_timeout(Step::look_up);
            case LookupOutcome::stopped:
                fail_stopped(Step::look_up);
            case LookupOutcome::failed:
                fail_network(found.error, Step::look_up);
        }
        auto endpoints = found.endpoints;
        if (!url_.tls && !options_.insecure_http) {
            // A loopback name ("localhost") must lead to this computer.
            std::erase_if(endpoints, [](const tcp::endpoint& at) {
                return !is_loopback_address(at.address());
            });
            if (endpoints.empty()) {
                refuse_plain_http(
                    url_, url_.host + " (" + found.endpoints.front().address().to_string() + ")");
            }
        }
        Pending connecting;
        connection_->tcp.async_connect(endpoints, connecting.on_connect());
        await(connecting, Step::connect);
        // A request's last segment goes at once, not held back for the
        // acknowledgement of the previous answer on a kept connection.
        beast::error_code ignored;
        connection_->tcp.socket().set_option(tcp::no_delay(true), ignored);
    }

    template <class Tls>
    void handshake(Tls& tls) {
        Pending shaking;
        tls.async_handshake(asio::ssl::stream_base::client, shaking.on_done());
        await(shaking, Step::handshake);
    }

    template <class Stream>
    HttpResponse exchange(Stream& stream, const http::request<http::string_body>& req) {
        send(stream, req);
        return receive(stream);
    }

    // Ends a TLS session politely within what is left of the deadline; the
    // answer is already in hand, so a server that does not take part costs
    // nothing more.
    template <class Tls>
    void close_tls(Tls& tls) {
        if (Clock::now() >= deadline_) {
            return;
        }
        Pending closing;
        tls.async_shutdown(closing.on_done());
        try {
            await(closing, Step::close);
        } catch (const Error&) {
            // The server may close first, or not at all; either is fine.
        }
    }

  private:
    template <class Stream>
    void send(Stream& stream, const http::request<http::string_body>& req) {
        http::request_serializer<http::string_body> serializer(req);
        while (!serializer.is_done()) {
            const auto step = serializer.is_header_done() ? Step::send_body : Step::send_header;
            Pending writing;
            http::async_write_some(stream, serializer, writing.on_transfer());
            await(writing, step);
            if (serializer.is_header_done() && writing.bytes > 0) {
                moved();
            }
        }
        if (!req.body().empty()) {
            watch_send_buffer_ = true;
            unsent_ = unsent_bytes();
        }
    }

    template <class Stream>
    HttpResponse receive(Stream& stream) {
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxResponseBytes);
        while (!parser.is_done()) {
            const auto step = parser.is_header_done() ? Step::read_body : Step::wait_header;
            Pending reading;
            http::async_read_some(stream, buffer, parser, reading.on_transfer());
            await(reading, step, &buffer);
            if (parser.is_header_done() && reading.bytes > 0) {
                moved();
            }
        }
        auto& res = parser.get();
        // Bytes past the answer are nothing a client asked for: the
        // connection is not used again.
        keep_alive_ = res.keep_alive() && buffer.size() == 0;
        HttpResponse out;
        out.status = static_cast<int>(res.result_int());
        out.content_type = std::string(res[http::field::content_type]);
        if (const auto offer = res.find(protocol::kSessionOfferHeader); offer != res.end()) {
            out.session_offer = std::string(offer->value());
        }
        out.body = decoded_body(res, url_);
        return out;
    }

    // A body moved: the request may go on for another `timeout` from now.
    void moved() { deadline_ = std::max(deadline_, Clock::now() + options_.timeout); }

    // Bytes sent but not yet taken by the other end, when the system says.
    int unsent_bytes() {
#ifdef SIOCOUTQ
        int bytes = 0;
        if (::ioctl(connection_->tcp.socket().native_handle(), SIOCOUTQ, &bytes) == 0) {
            return bytes;
        }
#endif
        return INT_MAX;
    }

    // While the answer to a request with a body is awaited: whether more of
    // the body reached the server since last asked.
    bool send_buffer_drained() {
        if (!watch_send_buffer_) {
            return false;
        }
        const int unsent = unsent_bytes();
        if (unsent >= unsent_) {
            return false;
        }
        unsent_ = unsent;
        return true;
    }

    // Runs the connection's io_context until `pending` completes. When the
    // deadline passes or the caller asks to stop, the connection is closed, the
    // operation is let finish (aborted) and the request fails. `answer`, while
    // an answer is read: the bytes of it that have arrived.
    void await(Pending& pending, Step step, const beast::flat_buffer* answer = nullptr) {
        auto& io = connection_->io;
        io.restart();
        while (!pending.done) {
            if (step == Step::wait_header && send_buffer_drained()) {
                moved();
            }
            const auto now = Clock::now();
            const bool late = now >= deadline_;
            if (late || (options_.stop_requested && options_.stop_requested())) {
                abandon(pending);
                if (late) {
                    fail_timeout(step);
                }
                fail_stopped(step);
            }
            io.run_one_until(std::min(deadline_, now + kStopCheck));
            if (io.stopped()) {
                io.restart();
            }
        }
        if (answer != nullptr && (pending.bytes > 0 || answer->size() > 0)) {
            answer_started_ = true;
        }
        if (pending.error) {
            last_error_ = pending.error;
            fail_network(pending.error, step);
        }
    }

    void abandon(Pending& pending) {
        auto& io = connection_->io;
        beast::error_code ignored;
        connection_->tcp.socket().close(ignored);  // every operation on it ends, aborted
        io.restart();
        for (int turn = 0; !pending.done && turn < 50; ++turn) {
            io.run_one_for(kStopCheck);
        }
    }

    [[noreturn]] void fail_timeout(Step step) const {
        const bool body = step == Step::send_body || step == Step::read_body;
        if (body) {
            fail(ErrorCode::timeout, "the connection to the server at " + url_.to_string() +
                                         " stalled: nothing moved for " +
                                         seconds_text(options_.timeout) + " while " +
                                         std::string(describe(step)));
        }
        fail(ErrorCode::timeout, "no answer from the server at " + url_.to_string() + " within " +
                                     seconds_text(options_.timeout) + " while " +
                                     std::string(describe(step)));
    }

    [[noreturn]] void fail_stopped(Step step) const {
        fail(ErrorCode::unavailable, "stopped while " + std::string(describe(step)) +
                                         " with the server at " + url_.to_string());
    }

    [[noreturn]] void fail_network(const beast::error_code& ec, Step step) const {
        std::string hint;
        if (step == Step::handshake) {
            hint =
                ". If the server's certificate is from its own certificate authority, give "
                "that authority's certificate with 'dspt enrol --ca-file FILE' (this store "
                "keeps it for later syncs); check too that the address and the computer's "
                "clock are right";
        }
        fail(ErrorCode::network, "cannot reach the server at " + url_.to_string() + " (" +
                                     std::string(describe(step)) + "): " + ec.message() + hint);
    }

    const ServerUrl& url_;
    const TransportOptions& options_;
    Connection* connection_ = nullptr;
    Clock::time_point deadline_;
    bool watch_send_buffer_ = false;
    int unsent_ = INT_MAX;
    bool answer_started_ = false;
    bool keep_alive_ = false;
    beast::error_code last_error_;
};

class BeastTransport final : public Transport {
  public:
    BeastTransport(ServerUrl url, TransportOptions options)
        : url_(std::move(url)), options_(std::move(options)) {
        if (options_.timeout <= std::chrono::milliseconds::zero()) {
            fail(ErrorCode::invalid_argument, "a request's deadline must be more than 0 s");
        }
        if (url_.tls) {
            ssl_.emplace(asio::ssl::context::tls_client);
            ssl_->set_options(asio::ssl::context::default_workarounds |
                              asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                              asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
            ssl_->set_verify_mode(asio::ssl::verify_peer);
            beast::error_code ec;
            if (options_.ca_file.empty()) {
                ssl_->set_default_verify_paths(ec);
            } else {
                ssl_->load_verify_file(options_.ca_file, ec);
            }
            if (ec) {
                fail(ErrorCode::invalid_argument,
                     "cannot load trusted certificates " + options_.ca_file + ": " + ec.message());
            }
        }
    }

    ~BeastTransport() override {
        if (connection_ && connection_->tls) {
            // Says goodbye to the server, waiting for its reply no longer than
            // a request would.
            Exchange goodbye(url_, options_);
            goodbye.use(*connection_);
            goodbye.close_tls(*connection_->tls);
        } else if (connection_) {
            beast::error_code ignored;
            connection_->tcp.socket().shutdown(tcp::socket::shutdown_both, ignored);
        }
    }

    // The request goes on the connection kept from the previous one when the
    // server has not closed it meanwhile, else on a new one. A kept connection
    // the server closed just as the request went (its idle timeout, a restart)
    // fails before any of the answer arrives: the request is sent once more on
    // a new connection, as every dsptsync request may be repeated. A connection
    // reset in the middle of a request fails it, as on a new connection.
    HttpResponse send(HttpRequest request) override {
        const auto req = to_beast(request, url_);
        Exchange exchange(url_, options_);
        if (connection_ && connection_->closed_by_server()) {
            connection_.reset();
        }
        for (;;) {
            const bool fresh = !connection_;
            if (fresh) {
                connection_ = std::make_unique<Connection>();
            }
            exchange.use(*connection_);
            try {
                if (fresh) {
                    open(exchange);
                }
                auto response = connection_->tls ? exchange.exchange(*connection_->tls, req)
                                                 : exchange.exchange(connection_->tcp, req);
                if (!exchange.keep_alive()) {
                    close(exchange);
                } else {
                    connection_->reused = true;
                }
                return response;
            } catch (const Error& e) {
                const bool again = connection_->reused && e.code() == ErrorCode::network &&
                                   exchange.closed_before_answer();
                connection_.reset();
                if (!again) {
                    throw;
                }
            }
        }
    }

  private:
    // Connects the new connection, and sets up TLS over it for an https:// URL.
    void open(Exchange& exchange) {
        exchange.connect();
        if (!url_.tls) {
            return;
        }
        auto& tls = connection_->tls.emplace(connection_->tcp, *ssl_);
        tls.set_verify_callback(asio::ssl::host_name_verification(url_.host));
        if (!SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str())) {
            fail(ErrorCode::network, "cannot set the TLS server name " + url_.host);
        }
        exchange.handshake(tls);
    }

    // Ends the connection the server will not use again ("Connection: close").
    void close(Exchange& exchange) {
        if (connection_->tls) {
            exchange.close_tls(*connection_->tls);
        } else {
            beast::error_code ignored;
            connection_->tcp.socket().shutdown(tcp::socket::shutdown_both, ignored);
        }
        connection_.reset();
    }

    ServerUrl url_;
    TransportOptions options_;
    std::optional<asio::ssl::context> ssl_;
    std::unique_ptr<Connection> connection_;  // kept from the last request, if any
};

}  // namespace

ServerUrl ServerUrl::parse(const std::string& url) {
    ServerUrl out;
    std::string rest;
    if (url.rfind("https://", 0) == 0) {
        out.tls = true;
        rest = url.substr(8);
    } else if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else {
        fail(ErrorCode::invalid_argument,
             "the server URL must start with https:// or http://, not \"" + url + "\"");
    }
    if (!rest.empty() && rest.back() == '/') {
        rest.pop_back();
    }
    if (rest.empty() || rest.find('/') != std::string::npos) {
        fail(ErrorCode::invalid_argument,
             "the server URL must be scheme://host[:port], not \"" + url + "\"");
    }
    // An IPv6 address is written in brackets: "http://[::1]:8080".
    std::string_view authority = rest;
    std::optional<std::string_view> port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        const auto after =
            close == std::string_view::npos ? std::string_view("?") : authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') {
            fail(ErrorCode::invalid_argument,
                 "the server URL must be scheme://host[:port], not \"" + url + "\"");
        }
        out.host = authority.substr(1, close - 1);
        if (!after.empty()) {
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
        }
    }
    if (port && (port->empty() || port->find_first_not_of("0123456789") != std::string::npos)) {
        fail(ErrorCode::invalid_argument, "bad port in the server URL \"" + url + "\"");
    }
    out.port = port ? std::string(*port) : out.tls ? "443" : "80";
    if (out.host.empty()) {
        fail(ErrorCode::invalid_argument, "no host in the server URL \"" + url + "\"");
    }
    return out;
}

std::string ServerUrl::to_string() const {
    return std::string(tls ? "https://" : "http://") + authority_host() + ":" + port;
}

std::string ServerUrl::authority_host() const {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

std::unique_ptr<Transport> make_http_transport(const ServerUrl& url,
                                               const TransportOptions& options) {
    require_encrypted_or_local(url, options.insecure_http);
    return std::make_unique<BeastTransport>(url, options);
}

}  // namespace dspt::client
