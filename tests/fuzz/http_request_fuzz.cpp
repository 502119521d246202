// libFuzzer target: the server's handling of one request's bytes behind its
// limits (server/http), without a socket: Beast's request parser with the
// server's header and body limits, as session.cpp sets them, then the
// conversion to the plain Request (to_request), the request body's content
// decoding within the body limit and the guarded call of a handler
// (respond), then the response as it goes back on the wire
// (to_beast_response).
//
// The first byte picks the limits: the server's defaults, or small ones the
// fuzzer can reach (512 header bytes, 1 KiB of body). The rest are the bytes
// a client sent.
//
// Properties, besides no crash and no sanitizer report:
//  - a request the parser accepts has a body within the limit, and the
//    Request keeps its method, its target (path and query split at the first
//    '?') and every header value;
//  - the handler sees a body within the limit, decoded: no Content-Encoding,
//    and a Content-Length (when one was sent) equal to the body's size;
//  - every answer has a status of 200..599 and a route; a handler that throws
//    or answers an invalid status gets 500;
//  - a response body is zstd-coded only for a request that accepts zstd, and
//    decodes to what the handler answered;
//  - the response, written as the server writes it, parses back (as a client
//    would) to the same status and body.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/compression/content_coding.hpp"
#include "common/compression/zstd_codec.hpp"
#include "common/error.hpp"
#include "http/detail/exchange.hpp"
#include "http/detail/server_state.hpp"
#include "http/limits.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace bhttp = boost::beast::http;
namespace dh = dspt::http;
namespace dz = dspt::compression;

namespace {

// What the handler last answered, and whether it ran for this input.
struct Seen {
    bool called = false;
    std::string body;
    std::size_t body_limit = 0;
};
Seen seen;

dh::Response handler(const dh::Request& request) {
    seen.called = true;
    DSPT_FUZZ_CHECK(request.body.size() <= seen.body_limit);
    DSPT_FUZZ_CHECK(request.header(dz::kContentEncodingHeader).empty());
    // Beast takes a Content-Length with leading zeros; the value is kept as
    // sent unless the body was decoded, so compare numbers.
    const auto length = request.header("Content-Length");
    if (!length.empty() && request.header("Transfer-Encoding").empty() &&
        length.find(',') == std::string_view::npos) {
        DSPT_FUZZ_CHECK(std::stoull(std::string(length)) == request.body.size());
    }
    if (request.query.find("throw") != std::string::npos) {
        throw std::runtime_error("a handler that fails");
    }
    dh::Response response;
    response.status = request.path == "/bad-status" ? 99 : 200;
    response.content_type = "text/plain";
    response.body = request.method + " " + request.target + "\n" + request.body;
    response.route = "fuzz";
    if (const auto echo = request.header("X-Echo"); !echo.empty()) {
        response.headers.emplace("X-Echo", std::string(echo));
    }
    seen.body = response.body;
    return response;
}

dspt::http::Limits small_limits() {
    dspt::http::Limits limits;
    limits.header_limit = 512;
    limits.body_limit = 1024;
    return limits;
}

const dh::detail::ServerState& state(bool small) {
    const auto make = [](dspt::http::Limits limits) {
        dh::ServerConfig config;
        config.limits = limits;
        config.log = [](std::string_view) {};
        return new dh::detail::ServerState(std::move(config), handler);
    };
    static const auto* defaults = make(dspt::http::Limits{});
    static const auto* smalls = make(small_limits());
    return small ? *smalls : *defaults;
}

// Feeds `bytes` to `parser` as a socket read would; true when it holds one
// whole message.
template <class Parser>
bool parse(Parser& parser, std::string_view bytes) {
    parser.eager(true);
    boost::beast::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        const auto used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec || used == 0) {
            break;
        }
        bytes.remove_prefix(used);
    }
    if (!ec && !parser.is_done() && parser.got_some()) {
        parser.put_eof(ec);
    }
    return !ec && parser.is_done();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const bool small = (data[0] & 1) != 0;
    const auto& server = state(small);
    const auto& limits = server.config.limits;
    seen = Seen{false, {}, limits.body_limit};

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    if (!parse(parser, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1))) {
        return 0;  // the server answers 400, 413 or 431 itself, or waits for more
    }
    auto& message = parser.get();
    if (message.version() != 10 && message.version() != 11) {
        return 0;  // answered 505 by the session
    }
    DSPT_FUZZ_CHECK(message.body().size() <= limits.body_limit);
    const bool known_method = message.method() != bhttp::verb::unknown;
    const bool head = message.method() == bhttp::verb::head;
    const std::string target(message.target());
    std::size_t fields = 0;
    for (const auto& field : message) {
        (void)field;
        ++fields;
    }

    dh::Request request = dh::detail::to_request(message, "127.0.0.1:40000");
    DSPT_FUZZ_CHECK(request.method == std::string(message.method_string()));
    DSPT_FUZZ_CHECK(request.target == target);
    const auto question = target.find('?');
    DSPT_FUZZ_CHECK(request.path == target.substr(0, question));
    DSPT_FUZZ_CHECK(question == std::string::npos ? request.query.empty()
                                                  : request.query == target.substr(question + 1));
    DSPT_FUZZ_CHECK(request.headers.size() <= fields);
    for (const auto& field : message) {
        DSPT_FUZZ_CHECK(request.header(field.name_string()).find(field.value()) !=
                        std::string_view::npos);
    }
    const bool accepts_zstd = dz::accepts_zstd(request.header(dz::kAcceptEncodingHeader));

    dh::Response response = dh::detail::respond(server, request, known_method);
    DSPT_FUZZ_CHECK(response.status >= 200 && response.status <= 599);
    DSPT_FUZZ_CHECK(!response.route.empty());
    if (seen.called &&
        (request.query.find("throw") != std::string::npos || request.path == "/bad-status")) {
        DSPT_FUZZ_CHECK(response.status == 500);
    }
    const auto coding = response.headers.find(dz::kContentEncodingHeader);
    if (coding != response.headers.end()) {
        DSPT_FUZZ_CHECK(coding->second == dz::kZstdCoding && accepts_zstd);
        if (seen.called && response.status == 200) {
            DSPT_FUZZ_CHECK(dz::decompress(response.body, seen.body.size()) == seen.body);
        }
    } else if (seen.called && response.status == 200) {
        DSPT_FUZZ_CHECK(response.body == seen.body);
    }

    const int status = response.status;
    const std::string body = response.body;
    const auto reply = dh::detail::to_beast_response(response, message.version(), true, head);
    std::ostringstream wire;
    wire << reply;
    bhttp::response_parser<bhttp::string_body> client;
    client.body_limit(boost::none);
    client.skip(head);
    DSPT_FUZZ_CHECK(parse(client, wire.str()));
    DSPT_FUZZ_CHECK(static_cast<int>(client.get().result_int()) == status);
    if (!head && status != 204 && status != 304) {
        DSPT_FUZZ_CHECK(client.get().body() == body);
    }
    return 0;
}
