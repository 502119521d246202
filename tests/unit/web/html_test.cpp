// The HTML every server page shares: escaping and the document's head.

#include "server/web/html.hpp"

#include <catch2/catch.hpp>

namespace dspt::server::web::test {

TEST_CASE("html_escape leaves nothing active", "[unit][web]") {
    CHECK(html_escape("<a href='x'>\"&\"</a>") ==
          "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
    CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(html_escape("Caf\xC3\xA9 & Co") == "Caf\xC3\xA9 &amp; Co");
    CHECK(html_escape("").empty());
}

TEST_CASE("html_head escapes the title and keeps the style as given", "[unit][web]") {
    const auto head = html_head("Rose <Lodge>", "p{color:red}");
    CHECK(head.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    CHECK_THAT(head, Catch::Contains("<meta charset=\"utf-8\">"));
    CHECK_THAT(head, Catch::Contains("name=\"viewport\""));
    CHECK_THAT(head, Catch::Contains("<title>Rose &lt;Lodge&gt;</title>"));
    CHECK_THAT(head, Catch::Contains("<style>p{color:red}</style>"));
    CHECK(head.ends_with("<body>\n"));
}

}  // namespace dspt::server::web::test
