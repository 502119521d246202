// The signed-in browser pages through api::Router with the real Context: login
// links made by signed requests, the session cookie, who sees which sites, and the
// headers every page carries; no socket.

#include "server/api/web_routes.hpp"

#include <catch2/catch.hpp>

#include "protocol/codec.hpp"
#include "server/api/router.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::web::test {

namespace {

using auth::test::AuthFixture;
using auth::test::Enrolled;
using auth::test::plain_request;

constexpr const char* kYear = "2025-26";

std::string header(const http::Response& response, const std::string& name) {
    const auto found = response.headers.find(name);
    return found == response.headers.end() ? std::string() : found->second;
}

class WebFixture : public AuthFixture {
  public:
    WebFixture() : router(context) {}

    // POST /v1/web/login-links signed by the device; the link's path.
    std::string link_for(const Enrolled& device, const std::string& year = kYear) {
        std::string target = "/v1/web/login-links?year=";
        target += year;
        const auto response = router.handle(sign(device, "POST", target));
        INFO(response.body);
        REQUIRE(response.status == 201);
        const auto link = protocol::decode<protocol::WebLoginLink>(response.body);
        CHECK(link.expires_at_ms == now + kLoginLinkLifetimeMs);
        REQUIRE(link.path.starts_with("/web/login?token="));
        return link.path;
    }

    http::Response get(const std::string& target, const std::string& cookie = {}) {
        auto request = plain_request("GET", target);
        if (!cookie.empty()) {
            request.headers["Cookie"] = cookie;
        }
        return router.handle(request);
    }

    // Opens the device's new link; the Cookie header that carries the session.
    std::string session_for(const Enrolled& device) {
        const auto opened = get(link_for(device));
        REQUIRE(opened.status == 303);
        const auto cookie = header(opened, "Set-Cookie");
        return cookie.substr(0, cookie.find(';'));
    }

    api::Router router;
};

}  // namespace

TEST_CASE_METHOD(WebFixture, "a login link opens a session once and sets a strict cookie",
                 "[unit][web]") {
    const auto path = link_for(enrol_headquarters());
    const auto opened = get(path);
    CHECK(opened.status == 303);
    CHECK(header(opened, "Location") == "/web/");
    const auto cookie = header(opened, "Set-Cookie");
    CHECK(cookie.starts_with("dspt_session="));
    CHECK_THAT(cookie, Catch::Contains("; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict"));
    CHECK(cookie.find("Secure") == std::string::npos);
    CHECK(opened.route == "GET /web/login");

    const auto again = get(path);
    CHECK(again.status == 403);
    CHECK(header(again, "Set-Cookie").empty());
    CHECK(again.content_type == "text/html; charset=utf-8");
    CHECK_THAT(again.body, Catch::Contains("already been used"));

    const auto page = get("/web/", cookie.substr(0, cookie.find(';')));
    CHECK(page.status == 200);
    CHECK(page.route == "GET /web/");
    CHECK_FALSE(page.device.empty());
}

TEST_CASE_METHOD(WebFixture, "under TLS the session cookie is Secure", "[unit][web]") {
    context.tls = true;
    const auto opened = get(link_for(enrol_headquarters()));
    REQUIRE(opened.status == 303);
    CHECK_THAT(header(opened, "Set-Cookie"), Catch::EndsWith("; Secure"));
}

TEST_CASE_METHOD(WebFixture,
                 "behind a TLS proxy the public https address makes the cookie Secure and the "
                 "redirect absolute",
                 "[unit][web]") {
    context.public_url = "https://dspt.example.org";
    const auto opened = get(link_for(enrol_headquarters()));
    REQUIRE(opened.status == 303);
    CHECK_THAT(header(opened, "Set-Cookie"),
               Catch::EndsWith("; HttpOnly; SameSite=Strict; Secure"));
    CHECK(header(opened, "Location") == "https://dspt.example.org/web/");
    auto logout = plain_request("POST", "/web/logout");
    const auto out = router.handle(logout);
    CHECK_THAT(header(out, "Set-Cookie"), Catch::Contains("Max-Age=0"));
    CHECK_THAT(header(out, "Set-Cookie"), Catch::EndsWith("; Secure"));
}

TEST_CASE_METHOD(WebFixture, "an expired link shows 410 and opens nothing", "[unit][web]") {
    const auto path = link_for(enrol_headquarters());
    now += kLoginLinkLifetimeMs + 1;
    const auto late = get(path);
    CHECK(late.status == 410);
    CHECK_THAT(late.body, Catch::Contains("expired"));
    CHECK(header(late, "Set-Cookie").empty());
}

TEST_CASE_METHOD(WebFixture, "every web page carries the security headers", "[unit][web]") {
    const auto session = session_for(enrol_headquarters());
    auto logout = plain_request("POST", "/web/logout");
    logout.headers["Cookie"] = session;
    for (const auto& response : {get("/web/", session), get("/web/"), get("/web/login?token=x"),
                                 get("/web/nothing"), router.handle(logout)}) {
        INFO(response.status << " " << response.body.substr(0, 200));
        const auto csp = header(response, "Content-Security-Policy");
        CHECK_THAT(csp, Catch::Contains("default-src 'none'"));
        CHECK_THAT(csp, Catch::Contains("style-src 'unsafe-inline'"));
        CHECK_THAT(csp, Catch::Contains("frame-ancestors 'none'"));
        CHECK(header(response, "X-Content-Type-Options") == "nosniff");
        CHECK(header(response, "Referrer-Policy") == "no-referrer");
        CHECK(header(response, "Cache-Control") == "no-store");
        CHECK(response.content_type == "text/html; charset=utf-8");
        CHECK(response.body.find("<script") == std::string::npos);
    }
}

TEST_CASE_METHOD(WebFixture, "without a live session the dashboard is 401 with how to sign in",
                 "[unit][web]") {
    const auto none = get("/web/");
    CHECK(none.status == 401);
    CHECK_THAT(none.body, Catch::Contains("dspt web-login"));
    const auto bad = get("/web/", "theme=dark; dspt_session=forged");
    CHECK(bad.status == 401);
    CHECK_THAT(header(bad, "Set-Cookie"), Catch::Contains("Max-Age=0"));
    CHECK(bad.body.find("Rose") == std::string::npos);

    const auto session = session_for(enrol_headquarters());
    now += kWebSessionLifetimeMs + 1;
    CHECK(get("/web/", session).status == 401);
}

TEST_CASE_METHOD(WebFixture, "headquarters sees every site, a branch device only its own",
                 "[unit][web]") {
    const auto all = get("/web/", session_for(enrol_headquarters()));
    REQUIRE(all.status == 200);
    CHECK_THAT(all.body, Catch::Contains("Rose Lodge <span class=\"code\">VA1B2</span>"));
    CHECK_THAT(all.body, Catch::Contains("Rose Court <span class=\"code\">VA1B3</span>"));
    CHECK(all.body.find("Elm") == std::string::npos);

    const auto own = get("/web/", session_for(enrol_branch("VA1B2")));
    REQUIRE(own.status == 200);
    CHECK_THAT(own.body, Catch::Contains("Rose Lodge <span class=\"code\">VA1B2</span>"));
    CHECK_THAT(own.body, Catch::Contains("Signed in as a branch device of Rose Lodge (VA1B2)"));
    CHECK(own.body.find("VA1B3") == std::string::npos);
    CHECK(own.body.find("Rose Court") == std::string::npos);
}

TEST_CASE_METHOD(WebFixture,
                 "a partner sees the organisations that granted it, and only while "
                 "the grant lives",
                 "[unit][web]") {
    const auto partner = enrol_partner();
    repo().give_grant("VC9D8", partner_id, "admin", now, std::nullopt);
    const auto session = session_for(partner);
    const auto page = get("/web/", session);
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("Oak Homecare"));
    CHECK(page.body.find("Rose") == std::string::npos);
    CHECK(page.body.find("Elm") == std::string::npos);

    repo().revoke_grant("VC9D8", partner_id, "admin", now + 1);
    const auto after = get("/web/", session);
    REQUIRE(after.status == 200);
    CHECK(after.body.find("Oak Homecare") == std::string::npos);
}

TEST_CASE_METHOD(WebFixture, "signing out and revoking the device end a session", "[unit][web]") {
    const auto hq = enrol_headquarters();
    const auto leaving = session_for(hq);
    auto logout = plain_request("POST", "/web/logout");
    logout.headers["Cookie"] = leaving;
    const auto out = router.handle(logout);
    CHECK(out.status == 200);
    CHECK_THAT(header(out, "Set-Cookie"), Catch::Contains("dspt_session=; Path=/; Max-Age=0"));
    CHECK(get("/web/", leaving).status == 401);

    const auto kept = session_for(hq);
    const auto unopened = link_for(hq);
    repo().revoke_device(hq.device.id, now);
    CHECK(get("/web/", kept).status == 401);
    const auto refused = get(unopened);
    CHECK(refused.status == 403);
    CHECK_THAT(refused.body, Catch::Contains("revoked"));
    CHECK(router.handle(sign(hq, "POST", "/v1/web/login-links?year=2025-26")).status == 401);
}

TEST_CASE_METHOD(WebFixture, "login links need a signature and a well-formed year", "[unit][web]") {
    CHECK(router.handle(plain_request("POST", "/v1/web/login-links?year=2025-26")).status == 401);
    const auto hq = enrol_headquarters();
    for (const auto* target : {"/v1/web/login-links", "/v1/web/login-links?year=2025",
                               "/v1/web/login-links?year=2025-26&x=1"}) {
        INFO(target);
        CHECK(router.handle(sign(hq, "POST", target)).status == 400);
    }
}

TEST_CASE_METHOD(WebFixture, "other methods and paths under /web are refused as HTML",
                 "[unit][web]") {
    const auto post = router.handle(plain_request("POST", "/web/"));
    CHECK(post.status == 405);
    CHECK(header(post, "Allow") == "GET");
    const auto get_logout = get("/web/logout");
    CHECK(get_logout.status == 405);
    CHECK(header(get_logout, "Allow") == "POST");
    const auto missing = get("/web/<b>");
    CHECK(missing.status == 404);
    CHECK(missing.body.find("<b>") == std::string::npos);
}

}  // namespace dspt::server::web::test
