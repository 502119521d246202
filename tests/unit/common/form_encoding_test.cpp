// The one reader of request targets and forms: path segments, queries and
// form bodies, and the percent-decoding under both.

#include "common/form_encoding.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/support/errors.hpp"

namespace dspt::form_encoding_test {

using dspt::test::require_error;

TEST_CASE("a form field decodes '+' as a space, a path segment keeps it", "[unit][common]") {
    CHECK(form_decode("two+words%21") == "two words!");
    CHECK(percent_decode("two+words%21") == "two+words!");
    CHECK(percent_decode("a%2Fb") == "a/b");
    CHECK(form_decode("%C3%A9") == "\xC3\xA9");
    for (const char* malformed : {"%", "%4", "%G1", "a%zz"}) {
        CAPTURE(malformed);
        CHECK(require_error(ErrorCode::invalid_argument, [&] { form_decode(malformed); }) != "");
        CHECK(require_error(ErrorCode::invalid_argument, [&] { percent_decode(malformed); }) != "");
    }
}

TEST_CASE("form_encode is undone by form_decode", "[unit][common]") {
    const std::string text = "Rose & Co. / 50% \"done\" +\xC3\xA9~";
    CHECK(form_encode(text) == "Rose+%26+Co.+%2F+50%25+%22done%22+%2B%C3%A9~");
    CHECK(form_decode(form_encode(text)) == text);
}

TEST_CASE("path_segments splits after the leading slash and keeps empty segments",
          "[unit][common]") {
    using Segments = std::vector<std::string>;
    CHECK(path_segments("/") == Segments{""});
    CHECK(path_segments("/evidence/a%20b") == Segments{"evidence", "a b"});
    CHECK(path_segments("/conflicts/") == Segments{"conflicts", ""});
    CHECK(path_segments("/a//b") == Segments{"a", "", "b"});
    CHECK(require_error(ErrorCode::invalid_argument, [] { path_segments("/a/%2"); }) != "");
}

TEST_CASE("parse_form reads fields in order, skipping empty ones", "[unit][common]") {
    const FormFields expected{{"q", "rose lodge"}, {"page", "2"}, {"flag", ""}, {"q", "x"}};
    CHECK(parse_form("q=rose+lodge&&page=2&flag&q=x&") == expected);
    CHECK(parse_form("").empty());
    CHECK(require_error(ErrorCode::invalid_argument, [] { parse_form("q=%"); }) != "");
}

TEST_CASE("only_field takes a query of that one field and nothing else", "[unit][common]") {
    constexpr std::string_view kUsage = "the query must be scope=<site>";
    CHECK_FALSE(only_field("", "scope", kUsage).has_value());
    CHECK(only_field("scope=AB1%2D2", "scope", kUsage) == "AB1-2");
    CHECK(only_field("scope=", "scope", kUsage) == "");
    for (const char* refused : {"site=A", "scope=A&scope=B", "scope=A&x=1", "scope=%", "x"}) {
        CAPTURE(refused);
        CHECK(require_error(ErrorCode::invalid_argument,
                            [&] { only_field(refused, "scope", kUsage); }) == kUsage);
    }
}

}  // namespace dspt::form_encoding_test
