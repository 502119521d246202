#include "http/detail/exchange.hpp"

#include <exception>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "common/crypto/constant_time.hpp"
#include "http/access_log.hpp"
#include "http/detail/content_coding.hpp"

namespace dspt::http::detail {

namespace bhttp = boost::beast::http;

namespace {

// Headers the server sets itself; a handler's values for them would corrupt
// the framing of the connection.
bool is_connection_header(std::string_view name) {
    const auto same = [&](std::string_view other) { return boost::beast::iequals(name, other); };
    return same("Content-Length") || same("Transfer-Encoding") || same("Connection") ||
           same("Keep-Alive") || same("Upgrade");
}

// RFC 9110 token characters, for header names.
bool is_token(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
                        (u >= 'A' && u <= 'Z') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) {
            return false;
        }
    }
    return true;
}

// A header value must not smuggle a line break (response splitting) or NUL.
bool is_field_value(std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Response text_response(int status, std::string body, std::string route) {
    Response response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(body);
    response.route = std::move(route);
    return response;
}

// Whether the request comes straight from this host: a loopback peer, and no
// proxy's forwarding header (a proxy here would make every client loopback).
bool from_this_host(const Request& request) {
    if (!request.header("Forwarded").empty() || !request.header("X-Forwarded-For").empty()) {
        return false;
    }
    // "127.0.0.1:53122", "[::1]:53122"
    std::string_view host = request.remote_address;
    host = host.substr(0, host.rfind(':'));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    if (ec) {
        return false;
    }
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    }
    return address.is_loopback();
}

// The refusal of a /metrics request from elsewhere (ServerConfig::metrics_token).
std::optional<Response> refuse_metrics(const ServerConfig& config, const Request& request) {
    if (from_this_host(request)) {
        return std::nullopt;
    }
    if (config.metrics_token.empty()) {
        return error_response(403, ErrorCode::forbidden,
                              "/metrics answers this host only; to read it from elsewhere, set "
                              "metrics-token-file in the server's configuration");
    }
    constexpr std::string_view kBearer = "Bearer ";
    const std::string_view given = request.header("Authorization");
    if (given.starts_with(kBearer) &&
        crypto::constant_time_equal(crypto::as_byte_view(given.substr(kBearer.size())),
                                    crypto::as_byte_view(config.metrics_token))) {
        return std::nullopt;
    }
    Response response = error_response(401, ErrorCode::unauthenticated,
                                       "/metrics from elsewhere needs the metrics bearer token");
    response.headers.emplace("WWW-Authenticate", "Bearer");
    return response;
}

// /healthz and /metrics; nothing when the path is neither.
std::optional<Response> serve_builtin(const ServerState& state, const Request& request) {
    if (!state.config.builtin_endpoints) {
        return std::nullopt;
    }
    const bool healthz = request.path == "/healthz";
    if (!healthz && request.path != "/metrics") {
        return std::nullopt;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        Response response = error_response(405, ErrorCode::invalid_argument,
                                           "only GET and HEAD are allowed on " + request.path);
        response.headers.emplace("Allow", "GET, HEAD");
        response.route = kRejectedRoute;
        return response;
    }
    std::string route = request.method + " " + request.path;
    if (healthz) {
        // A stopping server reports 503 so that load balancers drain it.
        return state.stopping ? text_response(503, "stopping\n", std::move(route))
                              : text_response(200, "ok\n", std::move(route));
    }
    if (auto refused = refuse_metrics(state.config, request)) {
        refused->route = std::move(route);
        return refused;
    }
    Response response = text_response(200, state.metrics.render(), std::move(route));
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
}

// The route a response gets when its handler names none.
std::string default_route(const Request& request, bool known_method) {
    return (known_method ? request.method : std::string("OTHER")) + " (unrouted)";
}

Response internal_error(const ServerState& state, const Request& request, bool known_method,
                        std::string_view why) {
    state.log(format_event_line("handler_failed", {{"method", request.method},
                                                   {"path", request.path},
                                                   {"remote", request.remote_address},
                                                   {"error", why}}));
    Response response = error_response(500, ErrorCode::internal, "internal server error");
    response.route = default_route(request, known_method);
    return response;
}

// A failure reason when the handler's response cannot be sent as it is.
std::optional<std::string> invalid_response(const Response& response) {
    if (response.status < 200 || response.status > 599) {
        return "handler returned status " + std::to_string(response.status);
    }
    if ((response.status == 204 || response.status == 304) && !response.body.empty()) {
        return "handler returned a body with status " + std::to_string(response.status);
    }
    if (!is_field_value(response.content_type)) {
        return std::string("handler returned an invalid Content-Type");
    }
    for (const auto& [name, value] : response.headers) {
        if (!is_token(name) || !is_field_value(value)) {
            return "handler returned an invalid header '" + log_value(name) + "'";
        }
    }
    return std::nullopt;
}

}  // namespace

Request to_request(BeastRequest& request, std::string remote_address) {
    Request out;
    out.method = std::string(request.method_string());
    out.target = std::string(request.target());
    const auto query_at = out.target.find('?');
    out.path = out.target.substr(0, query_at);
    if (query_at != std::string::npos) {
        out.query = out.target.substr(query_at + 1);
    }
    for (const auto& field : request) {
        const auto [it, inserted] =
            out.headers.try_emplace(std::string(field.name_string()), std::string(field.value()));
        if (!inserted) {
            it->second += ", ";
            it->second += field.value();
        }
    }
    out.body = std::move(request.body());
    out.remote_address = std::move(remote_address);
    return out;
}

// The builtin endpoints, else the guarded handler.
Response dispatch(const ServerState& state, const Request& request, bool known_method) {
    if (auto builtin = serve_builtin(state, request)) {
        return std::move(*builtin);
    }
    Response response;
    try {
        response = state.handler(request);
    } catch (const std::exception& e) {
        return internal_error(state, request, known_method, e.what());
    } catch (...) {
        return internal_error(state, request, known_method, "a non-standard exception");
    }
    if (const auto why = invalid_response(response)) {
        return internal_error(state, request, known_method, *why);
    }
    if (response.route.empty()) {
        response.route = default_route(request, known_method);
    }
    return response;
}

Response respond(const ServerState& state, Request& request, bool known_method) {
    if (auto refused = decode_request_body(request, state.config.limits.body_limit)) {
        return std::move(*refused);
    }
    Response response = dispatch(state, request, known_method);
    encode_response_body(request, response);
    return response;
}

BeastResponse to_beast_response(Response& response, unsigned version, bool keep_alive,
                                bool head_request) {
    BeastResponse out{static_cast<bhttp::status>(response.status), version};
    if (!response.content_type.empty()) {
        out.set(bhttp::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
        if (!is_connection_header(name)) {
            out.set(name, value);
        }
    }
    out.keep_alive(keep_alive);
    if (response.status == 204 || response.status == 304) {
        // These never carry a body or a length (respond() made sure).
    } else if (head_request) {
        // HEAD: announce the length the body would have, send none.
        out.content_length(response.body.size());
    } else {
        out.body() = std::move(response.body);
        out.prepare_payload();
    }
    return out;
}

}  // namespace dspt::http::detail
