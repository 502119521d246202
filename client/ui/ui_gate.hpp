#pragma once
// Who may use the local screen (`dspt ui`). Anything on the computer can
// reach 127.0.0.1, and any web page the person visits can make their browser
// send requests there, so:
//   - The address printed at start carries a random one-time token. The first
//     request presenting it gets a session cookie (HttpOnly, SameSite=Strict,
//     named for the port) and the token is spent: a copied link is no use.
//   - Every other request needs that cookie; a Host header other than
//     127.0.0.1 or localhost on this port is refused, against DNS rebinding.
//   - Every form carries the session's own anti-forgery value; a POST without
//     it, or with an Origin other than this screen's, changes nothing.
// Secrets are compared in constant time.

#include <cstdint>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace dspt::client::ui {

using http::Request;
using http::Response;

class Gate {
  public:
    explicit Gate(std::uint16_t port);

    // The one-time token for the printed address.
    const std::string& token() const noexcept { return token_; }
    std::string address() const;  // http://127.0.0.1:PORT/?token=...

    // Whether the Host header names this screen.
    bool host_allowed(const Request& request) const;

    // When the query presents the unspent token: spends it and returns the
    // Set-Cookie value of the new session; "" otherwise.
    std::string redeem(const Request& request);

    // Whether the request carries the session cookie.
    bool signed_in(const Request& request) const;

    // The anti-forgery value every form of the session carries as "csrf".
    const std::string& csrf() const noexcept { return csrf_; }

    // Whether a POST may change anything: signed in, a same-origin (or no)
    // Origin header, and `presented` is the session's anti-forgery value.
    bool may_change(const Request& request, std::string_view presented) const;

  private:
    std::string origin(std::string_view host) const;  // "http://HOST:PORT"

    std::string port_text_;
    std::string cookie_name_;  // dspt_ui_PORT: one per screen, as cookies ignore ports
    std::string token_;
    bool token_spent_ = false;
    std::string session_;  // "" until the token is redeemed
    std::string csrf_;
};

}  // namespace dspt::client::ui
