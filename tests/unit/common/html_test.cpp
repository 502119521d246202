// The HTML every server page shares: escaping and the document's head.

#include "common/html.hpp"

#include <catch2/catch.hpp>

namespace dspt::html::test {

TEST_CASE("html::escape leaves nothing active", "[unit][common]") {
    CHECK(html::escape("<a href='x'>\"&\"</a>") ==
          "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
    CHECK(html::escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(html::escape("Caf\xC3\xA9 & Co") == "Caf\xC3\xA9 &amp; Co");
    CHECK(html::escape("").empty());
}

TEST_CASE("html::head escapes the title and keeps the style as given", "[unit][common]") {
    const auto head = html::head("Rose <Lodge>", "p{color:red}");
    CHECK(head.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    CHECK_THAT(head, Catch::Contains("<meta charset=\"utf-8\">"));
    CHECK_THAT(head, Catch::Contains("name=\"viewport\""));
    CHECK_THAT(head, Catch::Contains("<title>Rose &lt;Lodge&gt;</title>"));
    CHECK_THAT(head, Catch::Contains("<style>p{color:red}</style>"));
    CHECK(head.ends_with("<body>\n"));
}

}  // namespace dspt::html::test
