// The security headers each kind of browser answer carries.

#include "http/security_headers.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace dspt::http::security_headers_test {

namespace {

std::string header(const Response& response, std::string_view name) {
    const auto found = response.headers.find(name);
    return found == response.headers.end() ? std::string("(absent)") : found->second;
}

Response with(PageKind kind) {
    Response response;
    response.headers.emplace("cache-control", "max-age=600");  // replaced, whatever its case
    add_security_headers(response, kind);
    return response;
}

}  // namespace

TEST_CASE("every answer to a browser is nosniff", "[unit][http]") {
    for (const auto kind : {PageKind::public_page, PageKind::public_data, PageKind::signed_in_page,
                            PageKind::local_screen}) {
        CHECK(header(with(kind), "X-Content-Type-Options") == "nosniff");
    }
}

TEST_CASE("only the local screen may run a script, and only its own", "[unit][http]") {
    const auto csp = [](PageKind kind) { return header(with(kind), "Content-Security-Policy"); };
    CHECK_THAT(csp(PageKind::local_screen), Catch::Contains("script-src 'self'"));
    for (const auto kind : {PageKind::public_page, PageKind::signed_in_page}) {
        CHECK_THAT(csp(kind), Catch::StartsWith("default-src 'none'"));
        CHECK_THAT(csp(kind), !Catch::Contains("script-src"));
    }
    CHECK(csp(PageKind::public_data) == "(absent)");
}

TEST_CASE("pages with a person's data are never framed, cached or leaked as a referrer",
          "[unit][http]") {
    const auto signed_in = with(PageKind::signed_in_page);
    CHECK(header(signed_in, "Cache-Control") == "no-store");
    CHECK(header(signed_in, "X-Frame-Options") == "DENY");
    CHECK(header(signed_in, "Referrer-Policy") == "no-referrer");
    CHECK_THAT(header(signed_in, "Content-Security-Policy"),
               Catch::Contains("frame-ancestors 'none'"));

    const auto screen = with(PageKind::local_screen);
    CHECK(header(screen, "Cache-Control") == "no-store");
    CHECK(header(screen, "X-Frame-Options") == "DENY");
    CHECK(header(screen, "Referrer-Policy") == "same-origin");

    // The public register may be cached and linked to, as it holds nothing private.
    const auto public_page = with(PageKind::public_page);
    CHECK(header(public_page, "Cache-Control") == "max-age=600");
    CHECK(header(public_page, "X-Frame-Options") == "(absent)");
}

}  // namespace dspt::http::security_headers_test
