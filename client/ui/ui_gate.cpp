#include "client/ui/ui_gate.hpp"

#include <algorithm>

#include "common/crypto/constant_time.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/form_encoding.hpp"

namespace dspt::client::ui {

namespace {

std::string random_secret() {
    return crypto::to_hex(crypto::random_bytes(32));
}

bool same_secret(std::string_view a, std::string_view b) {
    return !a.empty() && !b.empty() &&
           crypto::constant_time_equal(crypto::as_byte_view(a), crypto::as_byte_view(b));
}

// The value of cookie `name` in a Cookie header, "" when absent.
std::string cookie_value(std::string_view header, std::string_view name) {
    std::size_t start = 0;
    while (start < header.size()) {
        const auto end = std::min(header.find(';', start), header.size());
        auto pair = header.substr(start, end - start);
        while (!pair.empty() && pair.front() == ' ') {
            pair.remove_prefix(1);
        }
        if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
            return std::string(pair.substr(name.size() + 1));
        }
        start = end + 1;
    }
    return {};
}

}  // namespace

Gate::Gate(std::uint16_t port)
    : port_text_(std::to_string(port)), token_(random_secret()), csrf_(random_secret()) {
    cookie_name_ = "dspt_ui_";
    cookie_name_ += port_text_;
}

std::string Gate::address() const {
    std::string address = origin("127.0.0.1");
    address += "/?token=";
    address += token_;
    return address;
}

std::string Gate::origin(std::string_view host) const {
    std::string origin = "http://";
    origin += host;
    origin += ':';
    origin += port_text_;
    return origin;
}

bool Gate::host_allowed(const Request& request) const {
    std::string host = "http://";
    host += request.header("host");
    return host == origin("127.0.0.1") || host == origin("localhost");
}

std::string Gate::redeem(const Request& request) {
    if (token_spent_) {
        return {};
    }
    std::string presented;
    try {
        for (const auto& [name, value] : parse_form(request.query)) {
            if (name == "token") {
                presented = value;
            }
        }
    } catch (const std::exception&) {
        return {};
    }
    if (!same_secret(presented, token_)) {
        return {};
    }
    token_spent_ = true;
    session_ = random_secret();
    std::string cookie = cookie_name_;
    cookie += '=';
    cookie += session_;
    cookie += "; Path=/; HttpOnly; SameSite=Strict";
    return cookie;
}

bool Gate::signed_in(const Request& request) const {
    return !session_.empty() &&
           same_secret(cookie_value(request.header("cookie"), cookie_name_), session_);
}

bool Gate::may_change(const Request& request, std::string_view presented) const {
    const auto origin = request.header("origin");
    const bool origin_ok = origin.empty() || origin == this->origin("127.0.0.1") ||
                           origin == this->origin("localhost");
    return origin_ok && signed_in(request) && same_secret(presented, csrf_);
}

}  // namespace dspt::client::ui
