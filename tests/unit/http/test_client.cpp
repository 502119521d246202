#include "tests/unit/http/test_client.hpp"

#include <array>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace dspt::test::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using boost::system::error_code;
using tcp = net::ip::tcp;

namespace {

// Records the completion of one asynchronous operation, whatever its signature.
struct Completion {
    error_code* ec;
    std::size_t* bytes;
    bool* done;
    void operator()(error_code e, std::size_t n) const {
        *ec = e;
        *bytes = n;
        *done = true;
    }
    void operator()(error_code e) const {
        *ec = e;
        *done = true;
    }
};

}  // namespace

struct TestClient::Impl {
    explicit Impl(ClientOptions options_in) : options(std::move(options_in)) {}

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : plain; }

    // Starts `initiate(completion)` and runs the io_context until it
    // completes. The stream deadline ends it; run_for is the backstop.
    template <class Initiate>
    error_code run(Initiate initiate, std::size_t* bytes = nullptr) {
        error_code ec;
        std::size_t ignored = 0;
        bool done = false;
        lowest().expires_after(options.timeout);
        initiate(Completion{&ec, bytes != nullptr ? bytes : &ignored, &done});
        ioc.restart();
        ioc.run_for(options.timeout + std::chrono::seconds(2));
        if (!done) {
            lowest().close();
            ioc.restart();
            ioc.run_for(std::chrono::seconds(1));
            throw std::runtime_error("test client: operation did not complete");
        }
        return ec;
    }

    template <class Fn>
    auto with_stream(Fn fn) {
        return tls ? fn(*tls) : fn(plain);
    }

    ClientOptions options;
    net::io_context ioc;
    net::ssl::context ssl_context{net::ssl::context::tls_client};
    beast::tcp_stream plain{ioc};
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    bool head_request = false;  // the response to read answers a HEAD: no body follows
};

std::string ClientResponse::header(std::string_view name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

TestClient::TestClient(std::uint16_t port, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    auto& impl = *impl_;
    if (impl.options.ca_cert) {
        impl.ssl_context.set_verify_mode(net::ssl::verify_peer);
        impl.ssl_context.load_verify_file(impl.options.ca_cert->string());
        impl.ssl_context.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
        impl.tls.emplace(beast::tcp_stream(impl.ioc), impl.ssl_context);
    }
    error_code ec;
    if (impl.options.source_address) {
        auto& socket = impl.lowest().socket();
        socket.open(tcp::v4(), ec);
        if (!ec) {
            socket.bind(tcp::endpoint(net::ip::make_address(*impl.options.source_address), 0), ec);
        }
        if (ec) {
            throw std::runtime_error("test client: bind failed: " + ec.message());
        }
    }
    ec = impl.run([&](Completion done) { impl.lowest().async_connect(endpoint, done); });
    if (ec) {
        throw std::runtime_error("test client: connect failed: " + ec.message());
    }
    if (impl.tls) {
        ec = impl.run([&](Completion done) {
            impl.tls->async_handshake(net::ssl::stream_base::client, done);
        });
        if (ec) {
            throw std::runtime_error("test client: TLS handshake failed: " + ec.message());
        }
    }
}

TestClient::~TestClient() = default;

ClientResponse TestClient::request(std::string_view method, std::string_view target,
                                   std::string body, const Headers& headers) {
    bhttp::request<bhttp::string_body> message;
    message.version(11);
    const auto verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown) {
        message.method_string(method);
    } else {
        message.method(verb);
    }
    message.target(target);
    message.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) {
        message.set(name, value);
    }
    message.body() = std::move(body);
    message.prepare_payload();
    auto& impl = *impl_;
    impl.head_request = verb == bhttp::verb::head;
    const error_code ec = impl.run([&](Completion done) {
        impl.with_stream([&](auto& stream) { bhttp::async_write(stream, message, done); });
    });
    if (ec) {
        throw std::runtime_error("test client: write failed: " + ec.message());
    }
    return read_response();
}

void TestClient::write_raw(std::string_view bytes) {
    auto& impl = *impl_;
    const error_code ec = impl.run([&](Completion done) {
        impl.with_stream([&](auto& stream) { net::async_write(stream, net::buffer(bytes), done); });
    });
    if (ec) {
        throw std::runtime_error("test client: write failed: " + ec.message());
    }
}

ClientResponse TestClient::read_response() {
    auto& impl = *impl_;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(std::exchange(impl.head_request, false));
    const error_code ec = impl.run([&](Completion done) {
        impl.with_stream(
            [&](auto& stream) { bhttp::async_read(stream, impl.buffer, parser, done); });
    });
    if (ec) {
        throw std::runtime_error("test client: read failed: " + ec.message());
    }
    auto& message = parser.get();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        response.headers[std::string(field.name_string())] = std::string(field.value());
    }
    response.body = std::move(message.body());
    response.keep_alive = message.keep_alive();
    return response;
}

std::optional<std::chrono::milliseconds> TestClient::wait_for_close(
    std::chrono::milliseconds limit) {
    auto& impl = *impl_;
    const auto started = std::chrono::steady_clock::now();
    const auto saved = std::exchange(impl.options.timeout, limit);
    std::array<char, 4096> scratch;
    error_code ec;
    // Reads on the TCP layer: TLS records are discarded like any bytes.
    for (int reads = 0; !ec && reads < 100'000; ++reads) {
        impl.buffer.consume(impl.buffer.size());
        ec = impl.run(
            [&](Completion done) { impl.lowest().async_read_some(net::buffer(scratch), done); });
    }
    impl.options.timeout = saved;
    if (ec == beast::error::timeout) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started);
}

std::string TestClient::read_until_close(std::chrono::milliseconds limit) {
    auto& impl = *impl_;
    const auto saved = std::exchange(impl.options.timeout, limit);
    std::string out;
    std::array<char, 4096> scratch;
    error_code ec;
    for (int reads = 0; !ec && reads < 100'000; ++reads) {
        std::size_t n = 0;
        ec = impl.run(
            [&](Completion done) { impl.lowest().async_read_some(net::buffer(scratch), done); },
            &n);
        out.append(scratch.data(), n);
    }
    impl.options.timeout = saved;
    return out;
}

bool can_connect(std::uint16_t port) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    error_code ec;
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    return !ec;
}

const TlsFiles& self_signed_certificate() {
    static const TempDir dir;
    static const TlsFiles files = [] {
        TlsFiles made{dir.file("cert.pem"), dir.file("key.pem")};
        // subjectAltName: clients verify an IP against the SAN, not the CN.
        const std::string command =
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + made.key.string() + "' -out '" +
            made.cert.string() +
            "' -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
            ">/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("openssl could not make a test certificate");
        }
        return made;
    }();
    return files;
}

}  // namespace dspt::test::http
