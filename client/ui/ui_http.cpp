#include "client/ui/ui_http.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <limits>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/text.hpp"
#include "common/error.hpp"

namespace dspt::client::ui {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdle = std::chrono::seconds(120);    // a connection's quiet time before closing
constexpr std::uint64_t kMaxDropBytes = 4ULL << 30;  // of an over-limit body, read and dropped
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

Request to_request(const http::request_header<>& header) {
    Request request;
    request.method = std::string(header.method_string());
    request.target = std::string(header.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) {
        request.query = request.target.substr(question + 1);
    }
    for (const auto& field : header) {
        request.headers[ascii_lower(field.name_string())] = std::string(field.value());
    }
    return request;
}

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(tcp::socket socket, std::shared_ptr<const Handler> handler,
               std::shared_ptr<const TooLargeHandler> too_large, std::uint64_t max_body)
        : stream_(std::move(socket)),
          handler_(std::move(handler)),
          too_large_(std::move(too_large)),
          max_body_(max_body) {}

    void start() { read_header(); }

  private:
    void read_header() {
        parser_.emplace();
        parser_->header_limit(kMaxHeaderBytes);
        // The declared length is checked once the header is in (on_header);
        // the limit then bounds a body without one (chunked).
        parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        stream_.expires_after(kIdle);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->on_header(ec);
                                });
    }

    void on_header(beast::error_code ec) {
        if (ec) {
            if (ec == http::error::header_limit) {
                Response response;
                response.status = 431;
                response.content_type = "text/plain; charset=utf-8";
                response.body = "The request's header is too large.\n";
                send(std::move(response), false, false);
            }
            return;  // closed, timed out or malformed: nothing to answer
        }
        const auto declared = parser_->content_length();
        if (declared && *declared > max_body_) {
            send((*too_large_)(to_request(parser_->get()), *declared), false, true);
            return;
        }
        parser_->body_limit(max_body_);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code read_ec, std::size_t) {
                             self->on_body(read_ec);
                         });
    }

    void on_body(beast::error_code ec) {
        if (ec == http::error::body_limit) {
            send((*too_large_)(to_request(parser_->get()), max_body_ + 1), false, true);
            return;
        }
        if (ec) {
            return;  // cut off mid-body: nothing was done
        }
        auto message = parser_->release();
        auto request = to_request(message);
        request.body = std::move(message.body());
        Response response;
        try {
            response = (*handler_)(request);
        } catch (const std::exception& e) {
            response = {};
            response.status = 500;
            response.content_type = "text/plain; charset=utf-8";
            response.body = std::string("dspt ui: ") + e.what() + "\n";
        }
        send(std::move(response), message.keep_alive(), false);
    }

    void send(Response response, bool keep_alive, bool drop_rest) {
        auto message = std::make_shared<http::response<http::string_body>>();
        message->version(11);
        message->result(static_cast<unsigned>(response.status));
        message->set(http::field::content_type, response.content_type);
        message->set(http::field::server, "dspt-ui");
        for (const auto& [name, value] : response.headers) {
            message->insert(name, value);
        }
        message->body() = std::move(response.body);
        message->keep_alive(keep_alive);
        message->prepare_payload();
        stream_.expires_after(kIdle);
        http::async_write(stream_, *message,
                          [self = shared_from_this(), message, keep_alive, drop_rest](
                              beast::error_code ec, std::size_t) {
                              if (ec) {
                                  return;
                              }
                              if (drop_rest) {
                                  self->drop_rest();
                              } else if (keep_alive) {
                                  self->read_header();
                              } else {
                                  beast::error_code ignored;
                                  self->stream_.socket().shutdown(tcp::socket::shutdown_send,
                                                                  ignored);
                              }
                          });
    }

    // After answering an over-limit request: stop sending and read what the
    // browser still sends, so it reads the answer rather than a reset.
    void drop_rest() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::chrono::seconds(30));
        stream_.async_read_some(asio::buffer(drop_buffer_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->dropped_ += n;
                                    if (!ec && self->dropped_ < kMaxDropBytes) {
                                        self->drop_rest();
                                    }
                                });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<const Handler> handler_;
    std::shared_ptr<const TooLargeHandler> too_large_;
    std::uint64_t max_body_;
    std::array<char, 64 * 1024> drop_buffer_{};
    std::uint64_t dropped_ = 0;
};

}  // namespace

std::string Request::header(std::string_view name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

struct Listener::State : std::enable_shared_from_this<Listener::State> {
    State(asio::io_context& io, Handler h, TooLargeHandler t, std::uint64_t max)
        : acceptor(io),
          handler(std::make_shared<const Handler>(std::move(h))),
          too_large(std::make_shared<const TooLargeHandler>(std::move(t))),
          max_body(max) {}

    void accept() {
        acceptor.async_accept(
            [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) {
                    return;
                }
                if (!ec) {
                    std::make_shared<Connection>(std::move(socket), self->handler, self->too_large,
                                                 self->max_body)
                        ->start();
                }
                self->accept();
            });
    }

    tcp::acceptor acceptor;
    std::shared_ptr<const Handler> handler;
    std::shared_ptr<const TooLargeHandler> too_large;
    std::uint64_t max_body;
};

Listener::Listener(asio::io_context& io, const ListenOptions& options, Handler handler,
                   TooLargeHandler too_large)
    : state_(std::make_shared<State>(io, std::move(handler), std::move(too_large),
                                     options.max_body_bytes)) {
    const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), options.port);
    beast::error_code ec;
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        fail(ErrorCode::unavailable,
             "cannot listen on 127.0.0.1:" + std::to_string(options.port) + ": " + ec.message());
    }
    state_->accept();
}

Listener::~Listener() {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
}

std::uint16_t Listener::port() const noexcept {
    beast::error_code ec;
    const auto endpoint = state_->acceptor.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

}  // namespace dspt::client::ui
