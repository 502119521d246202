// One connection: a C++20 coroutine per session, in the shape of Beast's
// awaitable example (do_session as a plain loop), with the limits of Beast's
// advanced server: a fresh parser per request, a deadline on every read and
// write, and an orderly close. The same template serves plain TCP and TLS.
#include "http/detail/session.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "common/crypto/blake2b.hpp"
#include "http/access_log.hpp"
#include "http/detail/exchange.hpp"

namespace dspt::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using boost::system::error_code;

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Parser = bhttp::request_parser<bhttp::string_body>;

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// Completion token: resume the coroutine with the error in `ec` rather than
// throwing, since timeouts and closed connections are ordinary here.
auto into(error_code& ec) {
    return net::redirect_error(net::use_awaitable, ec);
}

enum class CloseMode {
    abort,     // the connection is dead or timed out: just close it
    graceful,  // TLS close_notify, then FIN
    linger,    // as graceful, then discard what the client still sends (after an error reply)
};

// Ends of a connection that need no log line.
bool is_routine(const error_code& ec) {
    return ec == net::error::eof || ec == net::error::operation_aborted ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::bad_descriptor || ec == bhttp::error::end_of_stream ||
           ec == bhttp::error::partial_message || ec == net::ssl::error::stream_truncated ||
           ec == beast::error::timeout;
}

// A body over the limit: declared in the header, or grown past it in chunks.
Refusal body_too_large(const Limits& limits) {
    return Refusal{
        413, ErrorCode::limit_exceeded,
        "request body is larger than the limit of " + std::to_string(limits.body_limit) + " bytes",
        std::nullopt};
}

// The error response for a request that could not be read, if it deserves one.
// `unread` is what the parser left in the buffer, from the start of the request
// line when the line itself was refused.
std::optional<Refusal> refusal_for(const error_code& ec, const Limits& limits,
                                   std::string_view unread) {
    if (ec == bhttp::error::body_limit) {
        return body_too_large(limits);
    }
    if (ec == bhttp::error::header_limit) {
        return Refusal{431, ErrorCode::limit_exceeded,
                       "request header is larger than the limit of " +
                           std::to_string(limits.header_limit) + " bytes",
                       std::nullopt};
    }
    using E = bhttp::error;
    const auto line = unread.substr(0, unread.find('\n'));
    const auto version = line.rfind(" HTTP/");
    if (ec == E::bad_version && version != std::string_view::npos && version + 6 < line.size() &&
        line[version + 6] >= '0' && line[version + 6] <= '9') {
        // Beast's parser takes HTTP/1.x only; "HTTP/2.0" and the like end here.
        return Refusal{505, ErrorCode::protocol, "only HTTP/1.0 and HTTP/1.1 are supported",
                       std::nullopt};
    }
    for (const E parse_error :
         {E::bad_line_ending, E::bad_method, E::bad_target, E::bad_version, E::bad_field,
          E::bad_value, E::bad_content_length, E::bad_transfer_encoding, E::bad_chunk,
          E::bad_chunk_extension, E::bad_obs_fold, E::unexpected_body}) {
        if (ec == parse_error) {
            return Refusal{400, ErrorCode::protocol, "malformed HTTP request: " + ec.message(),
                           std::nullopt};
        }
    }
    return std::nullopt;
}

// The request's Content-Length, when it has one that reads as a number.
template <class Message>
std::optional<std::uint64_t> declared_length(const Message& message) {
    const auto field = message[bhttp::field::content_length];
    std::uint64_t length = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), length);
    if (field.empty() || ec != std::errc{} || end != field.data() + field.size()) {
        return std::nullopt;
    }
    return length;
}

// The answer to a refusal: the application's page when it gives one, else
// the JSON error body. The status is always the refusal's.
template <class Message>
Response refusal_response(const ServerState& state, Refusal refusal, const Message& message) {
    if (state.config.refusal_page) {
        refusal.declared_length = declared_length(message);
        try {
            Response page = state.config.refusal_page(refusal);
            page.status = refusal.status;
            return page;
        } catch (const std::exception& e) {
            state.log(format_event_line("refusal_page_failed", {{"error", e.what()}}));
        }
    }
    return error_response(refusal.status, refusal.code, refusal.message);
}

// The application's answer to a request's header (ServerConfig::admit), when
// it refuses the request there; one that throws refuses it with a 500.
std::optional<Response> admission(const ServerState& state, const BeastRequest& header,
                                  const std::string& remote) {
    if (!state.config.admit) {
        return std::nullopt;
    }
    BeastRequest head = header;  // the body is not read yet: only the header is copied
    const Request request = to_request(head, remote);
    try {
        return state.config.admit(request);
    } catch (const std::exception& e) {
        state.log(format_event_line(
            "admit_failed",
            {{"method", request.method}, {"path", request.path}, {"error", e.what()}}));
        return error_response(500, ErrorCode::internal, "internal server error");
    }
}

std::string endpoint_text(const net::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    const std::string host =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(endpoint.port());
}

// When a request began: wall time for the log, steady time for its duration.
struct Timing {
    std::chrono::system_clock::time_point wall = std::chrono::system_clock::now();
    std::chrono::steady_clock::time_point steady = std::chrono::steady_clock::now();
};

class Session {
  public:
    Session(std::shared_ptr<ServerState> state, std::shared_ptr<SessionHandle> handle)
        : state_(std::move(state)), handle_(std::move(handle)) {}

    template <class Stream>
    net::awaitable<void> run(Stream& stream) {
        const CloseMode mode = co_await serve(stream);
        co_await close(stream, mode);
    }

  private:
    const Limits& limits() const { return state_->config.limits; }

    template <class Stream>
    net::awaitable<CloseMode> serve(Stream& stream);
    // A body of a declared `length` (within the body limit) straight from the
    // connection into `body`: the bytes already buffered, then the rest in reads as
    // large as the system gives, each landing where it stays. The parser would take
    // it in pieces of kReadChunkBytes and copy every piece into the body once more,
    // which for an evidence chunk of a mebibyte is most of its cost here. `ec` as a
    // read through the parser: the deadline, or the connection ending early.
    // With `digest` given, each piece is hashed as it lands, while the rest is
    // still on its way, and `digest` gets the body's BLAKE2b-256
    // (Request::body_digest) once the whole body is in.
    template <class Stream>
    net::awaitable<std::size_t> read_body(Stream& stream, std::uint64_t length, std::string& body,
                                          std::string* digest, error_code& ec);
    template <class Stream>
    net::awaitable<std::size_t> write_response(Stream& stream, BeastResponse& reply,
                                               error_code& ec);
    template <class Stream>
    net::awaitable<void> reject(Stream& stream, const Parser& parser, Response response,
                                const Timing& timing, std::size_t bytes_in);
    template <class Stream>
    net::awaitable<void> close(Stream& stream, CloseMode mode);

    void record(std::string_view method, std::string_view path, const Response& response,
                const Timing& timing, std::size_t bytes_in, std::size_t bytes_out) {
        const auto duration = std::chrono::steady_clock::now() - timing.steady;
        state_->metrics.record_request(response.route, response.status, duration,
                                       response.authenticated_by);
        state_->log(format_access_line({.time = timing.wall,
                                        .method = method,
                                        .path = path,
                                        .route = response.route,
                                        .status = response.status,
                                        .duration = duration,
                                        .device = response.device,
                                        .remote = handle_->remote,
                                        .bytes_in = bytes_in,
                                        .bytes_out = bytes_out},
                                       response.error));
    }

    // Parses what the buffer holds of the next request's header, as
    // async_read_header would before reading: the bytes taken, with `ec` set
    // when the header is refused. A header not yet whole leaves `ec` clear and
    // the parser wanting more.
    std::size_t parse_buffered_header(Parser& parser, error_code& ec) {
        ec = {};
        if (buffer_.size() == 0) {
            return 0;
        }
        parser.eager(false);
        const std::size_t used = parser.put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == bhttp::error::need_more) {
            ec = {};
        }
        return used;
    }

    void log_event(std::string_view event, const error_code& ec) {
        state_->log(
            format_event_line(event, {{"remote", handle_->remote}, {"error", ec.message()}}));
    }

    std::shared_ptr<ServerState> state_;
    std::shared_ptr<SessionHandle> handle_;
    // Bytes read but not parsed yet: the start of the next request, or
    // pipelined requests. The parser bounds how far it can grow.
    beast::flat_buffer buffer_;
    // Plain TCP in non-blocking mode: a response goes out by a direct write
    // as far as the socket takes it (write_response).
    bool direct_writes_ = false;
};

// A response whose whole fits the socket's send buffer (most) is written at
// once, without a deadline to arm and cancel or a completion to queue; what is
// left, or all of it over TLS, is written asynchronously under write_timeout.
template <class Stream>
net::awaitable<std::size_t> Session::write_response(Stream& stream, BeastResponse& reply,
                                                    error_code& ec) {
    bhttp::serializer<false, bhttp::string_body> serializer(reply);
    std::size_t written = 0;
    auto& tcp = beast::get_lowest_layer(stream);
    if constexpr (!kIsTls<Stream>) {
        if (direct_writes_) {
            while (!ec && !serializer.is_done()) {
                written += bhttp::write_some(tcp.socket(), serializer, ec);
            }
            if (ec != net::error::would_block && ec != net::error::try_again) {
                co_return written;  // all of it, or a failure
            }
            ec = {};
        }
    }
    tcp.expires_after(limits().write_timeout);
    written += co_await bhttp::async_write(stream, serializer, into(ec));
    co_return written;
}

template <class Stream>
net::awaitable<CloseMode> Session::serve(Stream& stream) {
    auto& tcp = beast::get_lowest_layer(stream);
    error_code ec;
    if (state_->stopping) {
        co_return CloseMode::abort;  // accepted just before stop(); never started
    }

    if constexpr (kIsTls<Stream>) {
        // The handshake counts as waiting for the first request: idle for stop().
        handle_->idle = true;
        tcp.expires_after(limits().first_byte_timeout);
        co_await stream.async_handshake(net::ssl::stream_base::server, into(ec));
        handle_->idle = false;
        if (ec) {
            // Plain HTTP sent to the TLS port lands here ("http request").
            if (!is_routine(ec)) {
                log_event("tls_handshake_failed", ec);
            }
            co_return CloseMode::abort;
        }
    }

    if constexpr (!kIsTls<Stream>) {
        // The socket never blocks a thread: write_response writes what it takes.
        error_code mode;
        tcp.socket().non_blocking(true, mode);
        direct_writes_ = !mode;
    }

    for (std::size_t served = 0;;) {
        // Wait for the first byte of the next request under the idle
        // deadline (the first-byte deadline on a new connection), so that a
        // keep-alive connection may rest between requests but a request,
        // once begun, must arrive within read_timeout.
        if (buffer_.size() == 0) {
            if (state_->stopping) {
                co_return CloseMode::graceful;
            }
            handle_->idle = true;
            tcp.expires_after(served == 0 ? limits().first_byte_timeout : limits().idle_timeout);
            const std::size_t n =
                co_await stream.async_read_some(buffer_.prepare(kReadChunkBytes), into(ec));
            handle_->idle = false;
            if (ec == net::error::operation_aborted && state_->stopping) {
                co_return CloseMode::graceful;  // stop() woke us: say goodbye properly
            }
            if (ec) {
                if (!is_routine(ec)) {
                    log_event("read_failed", ec);
                }
                co_return CloseMode::abort;
            }
            buffer_.commit(n);
        }

        const Timing timing;
        tcp.expires_after(limits().read_timeout);
        // A fresh parser per request: Beast parsers are single-use, and the
        // limits must apply to each request on its own.
        Parser parser;
        parser.header_limit(
            static_cast<std::uint32_t>(std::min<std::size_t>(limits().header_limit, UINT32_MAX)));
        // The body limit applies once the header is in and admitted (below),
        // so the application's refusal on the header comes before the limit's.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());

        // The header first, so an oversized Content-Length is refused before
        // its body is read and before "100 Continue" invites it. A header
        // already whole in the buffer (the usual case) is parsed here, sparing
        // the trip through the event loop an asynchronous read that needs no
        // I/O still makes.
        std::size_t bytes_in = parse_buffered_header(parser, ec);
        if (!ec && !parser.is_header_done()) {
            bytes_in += co_await bhttp::async_read_header(stream, buffer_, parser, into(ec));
        }
        if (!ec && parser.get().version() != 10 && parser.get().version() != 11) {
            // Beast reads any "HTTP/d.d"; we speak 1.0 and 1.1 only.
            const Refusal refusal{505, ErrorCode::protocol,
                                  "only HTTP/1.0 and HTTP/1.1 are supported", std::nullopt};
            Response answer = refusal_response(*state_, refusal, parser.get());
            co_await reject(stream, parser, std::move(answer), timing, bytes_in);
            co_return CloseMode::linger;
        }
        if (!ec) {
            const auto expect = parser.get()[bhttp::field::expect];
            if (!expect.empty() && !beast::iequals(expect, "100-continue")) {
                // Named, not a temporary in the co_await expression: g++ 12
                // can destroy such a temporary twice (seen here as a double free).
                const Refusal refusal{417, ErrorCode::invalid_argument,
                                      "only \"Expect: 100-continue\" is supported", std::nullopt};
                Response answer = refusal_response(*state_, refusal, parser.get());
                co_await reject(stream, parser, std::move(answer), timing, bytes_in);
                co_return CloseMode::linger;
            }
            // The application may refuse on the header alone, before the
            // body is read or invited.
            if (auto refused = admission(*state_, parser.get(), handle_->remote)) {
                Response answer = std::move(*refused);
                co_await reject(stream, parser, std::move(answer), timing, bytes_in);
                co_return CloseMode::linger;
            }
            parser.body_limit(limits().body_limit);
            if (const auto declared = parser.content_length();
                declared && *declared > limits().body_limit) {
                const auto refusal = body_too_large(limits());
                Response answer = refusal_response(*state_, refusal, parser.get());
                co_await reject(stream, parser, std::move(answer), timing, bytes_in);
                co_return CloseMode::linger;
            }
            // HTTP/1.0 clients do not wait for 100 Continue (RFC 9110 10.1.1).
            if (!expect.empty() && parser.get().version() >= 11 && !parser.is_done()) {
                bhttp::response<bhttp::empty_body> interim{bhttp::status::continue_,
                                                           parser.get().version()};
                tcp.expires_after(limits().write_timeout);
                co_await bhttp::async_write(stream, interim, into(ec));
                if (ec) {
                    co_return CloseMode::abort;
                }
                // The client waited for us: the body gets a full read_timeout.
                tcp.expires_after(limits().read_timeout);
            }
        }
        std::string body_digest;
        if (!ec && !parser.is_done()) {
            if (const auto length = parser.content_length(); length && !parser.chunked()) {
                // A body sent with a content coding is hashed once decoded, by its reader.
                const bool hash = *length >= kDigestMinBytes &&
                                  parser.get()[bhttp::field::content_encoding].empty();
                bytes_in += co_await read_body(stream, *length, parser.get().body(),
                                               hash ? &body_digest : nullptr, ec);
            } else {
                bytes_in += co_await bhttp::async_read(stream, buffer_, parser, into(ec));
            }
        }
        if (ec) {
            const auto unread = buffer_.cdata();
            const std::string_view unread_text(static_cast<const char*>(unread.data()),
                                               unread.size());
            if (const auto refusal = refusal_for(ec, limits(), unread_text)) {
                Response answer = refusal_response(*state_, *refusal, parser.get());
                co_await reject(stream, parser, std::move(answer), timing, bytes_in);
                co_return CloseMode::linger;
            }
            if (ec == beast::error::timeout) {
                log_event("request_timeout", ec);
            } else if (!is_routine(ec)) {
                log_event("read_failed", ec);
            }
            co_return CloseMode::abort;
        }

        auto& message = parser.get();
        const bool known_method = message.method() != bhttp::verb::unknown;
        const bool head_request = message.method() == bhttp::verb::head;
        const unsigned version = message.version();
        const bool client_keep_alive = message.keep_alive();
        Request request = to_request(message, handle_->remote);
        request.body_digest = std::move(body_digest);

        // The handler runs here, synchronously, holding this I/O thread.
        Response response = respond(*state_, request, known_method);
        ++served;
        const bool keep_alive =
            client_keep_alive && !state_->stopping && served < limits().max_requests_per_connection;
        auto reply = to_beast_response(response, version, keep_alive, head_request);
        const std::size_t bytes_out = co_await write_response(stream, reply, ec);
        record(request.method, request.path, response, timing, bytes_in, bytes_out);
        if (ec) {
            if (!is_routine(ec)) {
                log_event("write_failed", ec);
            }
            co_return CloseMode::abort;
        }
        if (!keep_alive) {
            co_return CloseMode::graceful;
        }
    }
}

template <class Stream>
net::awaitable<std::size_t> Session::read_body(Stream& stream, std::uint64_t length,
                                               std::string& body, std::string* digest,
                                               error_code& ec) {
    const auto size = static_cast<std::size_t>(length);
    body.resize(size);
    const std::size_t buffered = net::buffer_copy(net::buffer(body.data(), size), buffer_.data());
    buffer_.consume(buffered);
    if (digest == nullptr) {
        if (buffered == size) {
            co_return size;
        }
        const std::size_t read = co_await net::async_read(
            stream, net::buffer(body.data() + buffered, size - buffered), into(ec));
        co_return buffered + read;
    }
    crypto::Blake2bHasher hasher;
    hasher.update(crypto::as_byte_view(std::string_view(body.data(), buffered)));
    std::size_t done = buffered;
    while (done < size) {
        const std::size_t read =
            co_await stream.async_read_some(net::buffer(body.data() + done, size - done), into(ec));
        hasher.update(crypto::as_byte_view(std::string_view(body.data() + done, read)));
        done += read;
        if (ec) {
            co_return done;
        }
    }
    const auto hash = hasher.final();
    digest->assign(hash.begin(), hash.end());
    co_return done;
}

template <class Stream>
net::awaitable<void> Session::reject(Stream& stream, const Parser& parser, Response response,
                                     const Timing& timing, std::size_t bytes_in) {
    // The request line may be missing or partial; log what there is.
    const auto& message = parser.get();
    const std::string method(message.method_string());
    const std::string target(message.target());
    const std::string path = target.substr(0, target.find('?'));

    if (response.route.empty()) {
        response.route = kRejectedRoute;
    }
    auto reply = to_beast_response(response, 11, false, false);
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(limits().write_timeout);
    error_code ec;
    const std::size_t bytes_out = co_await bhttp::async_write(stream, reply, into(ec));
    record(method.empty() ? "-" : method, path.empty() ? "-" : path, response, timing, bytes_in,
           bytes_out);
}

template <class Stream>
net::awaitable<void> Session::close(Stream& stream, CloseMode mode) {
    auto& tcp = beast::get_lowest_layer(stream);
    error_code ec;
    if (mode != CloseMode::abort && tcp.socket().is_open()) {
        if constexpr (kIsTls<Stream>) {
            // close_notify, bounded: a peer that never answers costs close_timeout.
            tcp.expires_after(limits().close_timeout);
            co_await stream.async_shutdown(into(ec));
        }
    }
    if (mode != CloseMode::abort && tcp.socket().is_open()) {
        tcp.socket().shutdown(net::socket_base::shutdown_send, ec);
        // Closing with unread input makes the kernel send RST, which can
        // destroy our last response before the client reads it. So, after an
        // error reply (the body may still be coming) or when input is
        // pending, read and discard until the client closes, within bounds.
        if (mode == CloseMode::linger || tcp.socket().available(ec) > 0) {
            tcp.expires_after(limits().close_timeout);
            std::array<char, 4096> scratch;
            for (std::size_t drained = 0; !ec && drained < limits().linger_drain_bytes;) {
                drained += co_await tcp.async_read_some(net::buffer(scratch), into(ec));
            }
        }
    }
    tcp.close();
}

// Keeps the registry and the open-sessions gauge true however the coroutine
// ends (return, exception, or destruction of a suspended frame).
class Registration {
  public:
    Registration(ServerState& state, std::shared_ptr<SessionHandle> handle)
        : state_(state), handle_(std::move(handle)) {}
    ~Registration() {
        state_.sessions.remove(handle_.get());
        state_.metrics.session_closed();
        handle_->worker_sessions.fetch_sub(1, std::memory_order_relaxed);
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

  private:
    ServerState& state_;
    std::shared_ptr<SessionHandle> handle_;
};

// Publishes the stream to notify_stop() while it exists. Declared after the
// stream, so it is cleared before the stream is destroyed.
class Attachment {
  public:
    Attachment(SessionHandle& handle, beast::tcp_stream& stream) : handle_(handle) {
        handle_.stream = &stream;
    }
    ~Attachment() { handle_.stream = nullptr; }
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

  private:
    SessionHandle& handle_;
};

net::awaitable<void> plain_session(std::shared_ptr<ServerState> state,
                                   std::shared_ptr<SessionHandle> handle,
                                   net::ip::tcp::socket socket) {
    const Registration registration(*state, handle);
    PlainStream stream(std::move(socket));
    const Attachment attachment(*handle, stream);
    Session session(state, handle);
    co_await session.run(stream);
}

net::awaitable<void> tls_session(std::shared_ptr<ServerState> state,
                                 std::shared_ptr<SessionHandle> handle, net::ip::tcp::socket socket,
                                 net::ssl::context& tls) {
    const Registration registration(*state, handle);
    TlsStream stream(PlainStream(std::move(socket)), tls);
    const Attachment attachment(*handle, beast::get_lowest_layer(stream));
    Session session(state, handle);
    co_await session.run(stream);
}

}  // namespace

void SessionRegistry::add(std::shared_ptr<SessionHandle> session) {
    const std::lock_guard lock(mutex_);
    const SessionHandle* key = session.get();
    ++per_address_[session->address];
    sessions_.emplace(key, std::move(session));
}

void SessionRegistry::remove(const SessionHandle* session) {
    const std::lock_guard lock(mutex_);
    const auto found = sessions_.find(session);
    if (found == sessions_.end()) {
        return;
    }
    const auto count = per_address_.find(found->second->address);
    if (count != per_address_.end() && --count->second == 0) {
        per_address_.erase(count);
    }
    sessions_.erase(found);
}

std::size_t SessionRegistry::from(const std::string& address) const {
    const std::lock_guard lock(mutex_);
    const auto found = per_address_.find(address);
    return found == per_address_.end() ? 0 : found->second;
}

std::size_t SessionRegistry::size() const {
    const std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::vector<std::shared_ptr<SessionHandle>> SessionRegistry::snapshot() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<SessionHandle>> out;
    out.reserve(sessions_.size());
    for (const auto& entry : sessions_) {
        out.push_back(entry.second);
    }
    return out;
}

std::string client_address(const net::ip::tcp::endpoint& remote) {
    const auto address = remote.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

void spawn_session(const std::shared_ptr<ServerState>& state, net::ip::tcp::socket socket,
                   const net::ip::tcp::endpoint& remote, net::ssl::context* tls,
                   std::atomic<std::size_t>& worker_sessions) {
    auto handle = std::make_shared<SessionHandle>(socket.get_executor(), endpoint_text(remote),
                                                  client_address(remote), worker_sessions);
    state->sessions.add(handle);
    state->metrics.session_opened();
    worker_sessions.fetch_add(1, std::memory_order_relaxed);

    const auto executor = socket.get_executor();
    auto on_end = [state](std::exception_ptr error) {
        if (!error) {
            return;
        }
        state->log(format_exception_line("session_failed", error));
    };
    try {
        if (tls != nullptr) {
            net::co_spawn(executor, tls_session(state, handle, std::move(socket), *tls), on_end);
        } else {
            net::co_spawn(executor, plain_session(state, handle, std::move(socket)), on_end);
        }
    } catch (...) {
        // The frame was never created, so no Registration will undo ours.
        state->sessions.remove(handle.get());
        state->metrics.session_closed();
        worker_sessions.fetch_sub(1, std::memory_order_relaxed);
        throw;
    }
}

void notify_stop(const std::shared_ptr<SessionHandle>& session, bool force) {
    net::post(session->executor, [session, force] {
        if (session->stream == nullptr) {
            return;
        }
        if (force) {
            session->stream->close();
        } else if (session->idle) {
            session->stream->cancel();
        }
    });
}

}  // namespace dspt::http::detail
