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

Gate::Gate(std::uint16_t port) : port_(port), token_(random_secret()), csrf_(random_secret()) {}

std::string Gate::address() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/?token=" + token_;
}

bool Gate::host_allowed(const Request& request) const {
    const auto host = request.header("host");
    const auto port = ":" + std::to_string(port_);
    return host == "127.0.0.1" + port || host == "localhost" + port;
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
    return "dspt_ui_" + std::to_string(port_) + "=" + session_ +
           "; Path=/; HttpOnly; SameSite=Strict";
}

bool Gate::signed_in(const Request& request) const {
    return !session_.empty() &&
           same_secret(cookie_value(request.header("cookie"), "dspt_ui_" + std::to_string(port_)),
                       session_);
}

bool Gate::may_change(const Request& request, std::string_view presented) const {
    const auto origin = request.header("origin");
    const auto own = "http://127.0.0.1:" + std::to_string(port_);
    const bool origin_ok =
        origin.empty() || origin == own || origin == "http://localhost:" + std::to_string(port_);
    return origin_ok && signed_in(request) && same_secret(presented, csrf_);
}

}  // namespace dspt::client::ui
