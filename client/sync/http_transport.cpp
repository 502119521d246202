// The Beast implementation of Transport: one connection per request, a
// deadline on the whole exchange, TLS with host name verification.

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "client/sync/transport.hpp"
#include "common/compression/content_coding.hpp"
#include "common/compression/zstd_codec.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The largest response body the client accepts, as it arrives and once
// decompressed.
constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;

[[noreturn]] void fail_network(const ServerUrl& url, const beast::error_code& ec,
                               std::string_view during) {
    if (ec == beast::error::timeout) {
        fail(ErrorCode::timeout, "the server at " + url.to_string() + " did not answer in time (" +
                                     std::string(during) + ")");
    }
    fail(ErrorCode::network, "cannot reach the server at " + url.to_string() + " (" +
                                 std::string(during) + "): " + ec.message());
}

http::request<http::string_body> to_beast(HttpRequest& request, const ServerUrl& url) {
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    req.set(http::field::host, url.host);
    req.set(http::field::user_agent, "dspt/" DSPT_VERSION);
    req.set(http::field::accept_encoding, compression::kZstdCoding);
    for (const auto& [name, value] : request.headers) {
        req.set(name, value);
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        req.set(http::field::content_type, request.content_type);
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

template <class Stream>
HttpResponse exchange(Stream& stream, HttpRequest& request, const ServerUrl& url) {
    beast::error_code ec;
    auto req = to_beast(request, url);
    http::write(stream, req, ec);
    if (ec) {
        fail_network(url, ec, "sending");
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    http::read(stream, buffer, parser, ec);
    if (ec) {
        fail_network(url, ec, "receiving");
    }
    auto& res = parser.get();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = decoded_body(res, url);
    return out;
}

class BeastTransport final : public Transport {
  public:
    BeastTransport(ServerUrl url, TransportOptions options)
        : url_(std::move(url)), options_(std::move(options)) {
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

    HttpResponse send(HttpRequest request) override {
        asio::io_context io;
        tcp::resolver resolver(io);
        beast::tcp_stream stream(io);
        stream.expires_after(options_.timeout);
        beast::error_code ec;
        const auto endpoints = resolver.resolve(url_.host, url_.port, ec);
        if (ec) {
            fail_network(url_, ec, "resolving");
        }
        stream.connect(endpoints, ec);
        if (ec) {
            fail_network(url_, ec, "connecting");
        }
        if (!url_.tls) {
            auto response = exchange(stream, request, url_);
            stream.socket().shutdown(tcp::socket::shutdown_both, ec);
            return response;
        }
        beast::ssl_stream<beast::tcp_stream&> tls(stream, *ssl_);
        tls.set_verify_callback(asio::ssl::host_name_verification(url_.host));
        if (!SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str())) {
            fail(ErrorCode::network, "cannot set the TLS server name " + url_.host);
        }
        tls.handshake(asio::ssl::stream_base::client, ec);
        if (ec) {
            fail_network(url_, ec, "TLS handshake");
        }
        auto response = exchange(tls, request, url_);
        tls.shutdown(ec);  // the server may close first; that is fine
        return response;
    }

  private:
    ServerUrl url_;
    TransportOptions options_;
    std::optional<asio::ssl::context> ssl_;
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
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find(']') == std::string::npos) {
        out.host = rest.substr(0, colon);
        out.port = rest.substr(colon + 1);
        if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos) {
            fail(ErrorCode::invalid_argument, "bad port in the server URL \"" + url + "\"");
        }
    } else {
        out.host = rest;
        out.port = out.tls ? "443" : "80";
    }
    if (out.host.empty()) {
        fail(ErrorCode::invalid_argument, "no host in the server URL \"" + url + "\"");
    }
    return out;
}

std::string ServerUrl::to_string() const {
    return std::string(tls ? "https://" : "http://") + host + ":" + port;
}

std::unique_ptr<Transport> make_http_transport(const ServerUrl& url,
                                               const TransportOptions& options) {
    return std::make_unique<BeastTransport>(url, options);
}

}  // namespace dspt::client
