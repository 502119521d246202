// Who may use the local screen: the one-time token, the session cookie, the
// anti-forgery value and the Host and Origin checks.

#include "client/ui/ui_gate.hpp"

#include <catch2/catch.hpp>

using namespace dspt::client::ui;

namespace {

Request get(const std::string& query, const std::string& cookie = {},
            const std::string& host = "127.0.0.1:8765") {
    Request request;
    request.method = std::string("GET");
    request.path = std::string(1, '/');
    request.query = query;
    request.headers["host"] = host;
    if (!cookie.empty()) {
        request.headers["cookie"] = cookie;
    }
    return request;
}

// "name=value" from a Set-Cookie value.
std::string cookie_of(const std::string& set_cookie) {
    return set_cookie.substr(0, set_cookie.find(';'));
}

}  // namespace

TEST_CASE("the printed token opens one session, once", "[unit][client_ui]") {
    Gate gate(8765);
    CHECK(gate.address() == "http://127.0.0.1:8765/?token=" + gate.token());
    CHECK(gate.token().size() == 64);
    CHECK_FALSE(gate.signed_in(get("")));
    CHECK(gate.redeem(get("token=" + gate.token().substr(1))).empty());

    const auto set_cookie = gate.redeem(get("token=" + gate.token()));
    REQUIRE_FALSE(set_cookie.empty());
    CHECK(set_cookie.starts_with("dspt_ui_8765="));
    CHECK_THAT(set_cookie, Catch::Contains("HttpOnly"));
    CHECK_THAT(set_cookie, Catch::Contains("SameSite=Strict"));
    CHECK(gate.redeem(get("token=" + gate.token())).empty());  // spent

    const auto cookie = cookie_of(set_cookie);
    CHECK(gate.signed_in(get("", cookie)));
    CHECK(gate.signed_in(get("", "theme=dark; " + cookie)));
    // The same cookie with its last character changed (to one it is not).
    const char other = cookie.back() == '0' ? '1' : '0';
    CHECK_FALSE(gate.signed_in(get("", cookie.substr(0, cookie.size() - 1) + other)));
    CHECK_FALSE(gate.signed_in(get("", "dspt_ui_9999=" + cookie.substr(13))));
}

TEST_CASE("a change needs the session, its anti-forgery value and no foreign origin",
          "[unit][client_ui]") {
    Gate gate(8765);
    const auto cookie = cookie_of(gate.redeem(get("token=" + gate.token())));
    auto post = get("", cookie);
    post.method = "POST";
    CHECK(gate.may_change(post, gate.csrf()));
    CHECK_FALSE(gate.may_change(post, ""));
    CHECK_FALSE(gate.may_change(post, gate.token()));
    post.headers["origin"] = "http://127.0.0.1:8765";
    CHECK(gate.may_change(post, gate.csrf()));
    post.headers["origin"] = "https://evil.example";
    CHECK_FALSE(gate.may_change(post, gate.csrf()));
    post.headers["origin"] = "null";
    CHECK_FALSE(gate.may_change(post, gate.csrf()));

    CHECK(gate.host_allowed(get("")));
    CHECK(gate.host_allowed(get("", {}, "localhost:8765")));
    CHECK_FALSE(gate.host_allowed(get("", {}, "127.0.0.1:8766")));
    CHECK_FALSE(gate.host_allowed(get("", {}, "attacker.example:8765")));
    CHECK_FALSE(gate.host_allowed(get("", {}, "")));
}
