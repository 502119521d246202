// Header values made from data: nothing in the data ends the header.

#include "http/header_values.hpp"

#include <catch2/catch.hpp>

namespace dspt::http::header_values_test {

TEST_CASE("header_safe replaces every control character but tab", "[unit][http]") {
    CHECK(header_safe("a\r\nSet-Cookie: evil=1") == "a__Set-Cookie: evil=1");
    CHECK(header_safe(std::string("x\0y\x7f\tz", 6)) == "x_y_\tz");
    CHECK(header_safe("/standard/3#item-3.1.1") == "/standard/3#item-3.1.1");
}

TEST_CASE("content_disposition quotes an ASCII fallback and gives the exact name as filename*",
          "[unit][http]") {
    CHECK(content_disposition(Disposition::attachment, "dspt-organisations.csv") ==
          "attachment; filename=\"dspt-organisations.csv\"");
    CHECK(content_disposition(Disposition::inline_shown, "cert.pdf") ==
          "inline; filename=\"cert.pdf\"");
    CHECK(content_disposition(Disposition::attachment, "Caf\xC3\xA9 \"menu\".pdf") ==
          "attachment; filename=\"Caf__ _menu_.pdf\"; "
          "filename*=UTF-8''Caf%C3%A9%20%22menu%22.pdf");
    const auto injected = content_disposition(Disposition::attachment, "a\r\nSet-Cookie: x.pdf");
    CHECK(injected.find('\r') == std::string::npos);
    CHECK(injected.find('\n') == std::string::npos);
    CHECK(injected ==
          "attachment; filename=\"a__Set-Cookie: x.pdf\"; "
          "filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x.pdf");
}

}  // namespace dspt::http::header_values_test
