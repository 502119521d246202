// The local screen's reading of an uploaded form, as browsers send it.

#include "client/ui/multipart_form.hpp"

#include <catch2/catch.hpp>

#include "common/error.hpp"

using namespace dspt;
using namespace dspt::client::ui;

namespace {

const std::string kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string part(const std::string& headers, const std::string& data) {
    std::string text = "--";
    text += kBoundary;
    text += "\r\n";
    text += headers;
    text += "\r\n\r\n";
    text += data;
    text += "\r\n";
    return text;
}

}  // namespace

TEST_CASE("a browser's upload form gives its fields and the file's exact bytes",
          "[unit][client_ui]") {
    static constexpr char kFile[] = "%PDF-1.7\r\n--not-a-boundary\r\n\0\xff end";
    const std::string file_bytes(kFile, sizeof kFile - 1);  // with its NUL byte
    std::string body = part("Content-Disposition: form-data; name=\"csrf\"", "abc123");
    body += part(
        "Content-Disposition: form-data; name=\"file\"; filename=\"Policy \\\"v2\\\".pdf\"\r\n"
        "Content-Type: application/pdf",
        file_bytes);
    body += "--" + kBoundary + "--\r\n";

    CHECK(multipart_boundary("multipart/form-data; boundary=" + kBoundary) == kBoundary);
    CHECK(multipart_boundary("Multipart/Form-Data; boundary=\"" + kBoundary + "\"") == kBoundary);
    CHECK(multipart_boundary("application/x-www-form-urlencoded").empty());

    const auto parts = parse_multipart(body, kBoundary);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].name == "csrf");
    CHECK(parts[0].file_name.empty());
    CHECK(parts[0].data == "abc123");
    CHECK(parts[1].name == "file");
    CHECK(parts[1].file_name == "Policy \"v2\".pdf");
    CHECK(parts[1].data == file_bytes);
}

TEST_CASE("a cut or malformed upload form is refused, not half read", "[unit][client_ui]") {
    std::string body =
        part("Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"", "0123456789");
    body += "--" + kBoundary + "--\r\n";
    for (const std::size_t cut :
         {std::size_t{0}, std::size_t{10}, std::size_t{60}, body.size() - kBoundary.size() - 8}) {
        INFO("cut at " << cut);
        CHECK_THROWS_AS(parse_multipart(body.substr(0, cut), kBoundary), Error);
    }
    CHECK_THROWS_AS(parse_multipart(body, ""), Error);
    CHECK_THROWS_AS(parse_multipart("garbage", kBoundary), Error);
    CHECK(parse_multipart(body, kBoundary).size() == 1);
}
