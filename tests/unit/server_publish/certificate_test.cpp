// Certificates: which publication one shows, when there is none, and what the
// PDF and PNG hold, read back with poppler's pdfinfo and pdftotext.

#include "server/publish/certificate.hpp"

#include <fstream>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/server_publish/publish_fixture.hpp"

namespace dspt::server::publish::test {

namespace {

using standards::Level;

// Calls fn, which must throw dspt::Error with `code`; returns the message.
template <typename Fn>
std::string error_from(ErrorCode code, Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        CHECK(to_string(e.code()) == to_string(code));
        return e.what();
    }
    FAIL("no error was thrown");
    return {};
}

CertificateContent rose_content() {
    CertificateContent content;
    content.organisation_name = "Rose Care Group";
    content.organisation_ods = "AB12";
    content.sites = {"Rose Lodge (VA1B2)", "Rose Court (VA1B3)"};
    content.level = Level::exceeded;
    content.year = "2026-27";
    content.published = day("2026-11-21");
    content.lapses = day("2027-11-22");
    content.register_address = "https://dspt.example.org/?q=AB12";
    return content;
}

std::filesystem::path write(const dspt::test::TempDir& dir, std::string_view name,
                            const std::string& bytes) {
    const auto path = dir.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

// What a poppler tool prints; fails the test when it fails.
std::string poppler(const std::string& tool, const std::vector<std::string>& args) {
    const auto result = dspt::test::run_process("/usr/bin/" + tool, args);
    INFO(tool << " (from poppler-utils; run deploy/install-deps.sh): " << result.err);
    REQUIRE(result.exit_code == 0);
    return result.out;
}

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

// The value of a "Name:   value" line of pdfinfo's output; "" when absent.
std::string info_field(const std::string& info, const std::string& name) {
    const auto at = info.find("\n" + name + ":");
    const auto start =
        at == std::string::npos ? at : info.find_first_not_of(' ', at + name.size() + 2);
    if (start == std::string::npos) {
        return {};
    }
    return info.substr(start, info.find('\n', start) - start);
}

// Every number in `attribute="..."` of pdftotext -bbox output.
std::vector<double> attribute_values(const std::string& xhtml, const std::string& attribute) {
    std::vector<double> values;
    const auto key = " " + attribute + "=\"";
    for (auto at = xhtml.find(key); at != std::string::npos; at = xhtml.find(key, at + 1)) {
        values.push_back(std::stod(xhtml.substr(at + key.size(), 16)));
    }
    return values;
}

}  // namespace

TEST_CASE("a certificate is issued only for Standards Met or Exceeded", "[unit][server_publish]") {
    const std::vector<store::Publication> approaching_only{
        publication("AB12", {"VA1B2"}, "2026-27", Level::approaching, at("2026-09-01"))};
    const auto message = error_from(ErrorCode::not_found, [&] {
        (void)certificate_publication(approaching_only, "AB12", "2026-27", day("2026-11-21"));
    });
    CHECK_THAT(message, Catch::StartsWith("no certificate for AB12 2026-27"));
    CHECK_THAT(message, Catch::Contains("Approaching Standards"));
    CHECK_FALSE(certificate_offered(Level::approaching, "2026-27", day("2026-11-21")));
    CHECK(certificate_offered(Level::met, "2026-27", day("2026-11-21")));
}

TEST_CASE("certificates are offered for the current and previous standards year only",
          "[unit][server_publish]") {
    const auto today = day("2026-11-21");  // in 2026-27
    std::vector<store::Publication> publications;
    std::int64_t id = 1;
    for (const auto* year : {"2024-25", "2025-26", "2026-27"}) {
        publications.push_back(
            publication("AB12", {"VA1B2"}, year, Level::met, at("2026-06-01"), id++));
    }
    CHECK(certificate_publication(publications, "AB12", "2026-27", today).year == "2026-27");
    CHECK(certificate_publication(publications, "AB12", "2025-26", today).year == "2025-26");
    const auto message = error_from(ErrorCode::not_found, [&] {
        (void)certificate_publication(publications, "AB12", "2024-25", today);
    });
    CHECK(message ==
          "certificates are offered for the current and previous year only (2026-27 and 2025-26)");
    // The year turns on 1 July.
    CHECK(certificate_year_offered("2024-25", day("2026-06-30")));
    CHECK_FALSE(certificate_year_offered("2024-25", day("2026-07-01")));
    CHECK_FALSE(certificate_year_offered("2026-2", today));
}

TEST_CASE("an organisation with nothing published that year has no certificate",
          "[unit][server_publish]") {
    const auto message = error_from(ErrorCode::not_found, [&] {
        (void)certificate_publication({}, "ZZ99", "2026-27", day("2026-11-21"));
    });
    CHECK(message == "no certificate for ZZ99 2026-27");
}

TEST_CASE("the certificate shows the year's latest Standards Met or Exceeded publication",
          "[unit][server_publish]") {
    const auto today = day("2027-02-01");  // in 2026-27
    const std::vector<store::Publication> publications{
        publication("AB12", {"VA1B2", "VA1B3"}, "2026-27", Level::approaching, at("2026-08-01"), 1),
        publication("AB12", {"VA1B2", "VA1B3"}, "2026-27", Level::met, at("2026-09-01"), 2),
        publication("AB12", {"VA1B2"}, "2026-27", Level::exceeded, at("2026-12-01"), 3),
        publication("AB12", {"VA1B3"}, "2026-27", Level::met, at("2026-10-01"), 4),
        publication("AB12", {"VA1B2"}, "2025-26", Level::exceeded, at("2027-01-15"), 5),
    };
    CHECK(certificate_publication(publications, "AB12", "2026-27", today).id == 3);
    CHECK(certificate_publication(publications, "AB12", "2025-26", today).id == 5);
    // For one site: the latest that covers it.
    CHECK(certificate_publication(publications, "AB12", "2026-27", today, "VA1B3").id == 4);
    CHECK(certificate_publication(publications, "AB12", "2026-27", today, "VA1B2").id == 3);
    const auto message = error_from(ErrorCode::not_found, [&] {
        (void)certificate_publication(publications, "AB12", "2025-26", today, "VA1B3");
    });
    CHECK(message == "no certificate for VA1B3 2025-26");
}

TEST_CASE("certificate file names are a year and pdf or png", "[unit][server_publish]") {
    const auto pdf = parse_certificate_file("2025-26.pdf");
    REQUIRE(pdf.has_value());
    CHECK(pdf->year == "2025-26");
    CHECK(pdf->format == CertificateFormat::pdf);
    const auto png = parse_certificate_file("2025-26.png");
    REQUIRE(png.has_value());
    CHECK(png->format == CertificateFormat::png);
    CHECK_FALSE(parse_certificate_file("2025-26.jpg").has_value());
    CHECK_FALSE(parse_certificate_file(".pdf").has_value());
    CHECK_FALSE(parse_certificate_file("2025-26").has_value());
}

TEST_CASE("the PDF certificate is one A4 landscape page with the facts on it",
          "[unit][server_publish]") {
    const dspt::test::TempDir dir;
    const auto pdf = render_certificate(rose_content(), CertificateFormat::pdf);
    REQUIRE(pdf.starts_with("%PDF-"));
    const auto path = write(dir, "certificate.pdf", pdf);

    const auto info = poppler("pdfinfo", {path.string()});
    CHECK(info_field(info, "Pages") == "1");
    CHECK_THAT(info_field(info, "Page size"), Catch::StartsWith("842 x 595 pts"));

    const auto text = poppler("pdftotext", {"-layout", path.string(), "-"});
    CHECK_THAT(text, Catch::Contains("Rose Care Group"));
    CHECK_THAT(text, Catch::Contains("ODS code AB12"));
    CHECK_THAT(text, Catch::Contains("Standards Exceeded"));
    CHECK_THAT(text, Catch::Contains("2026-27"));
    CHECK_THAT(text, Catch::Contains("Published 21 November 2026 (2026-11-21)"));
    CHECK_THAT(text, Catch::Contains("Rose Lodge (VA1B2), Rose Court (VA1B3)"));
    CHECK_THAT(text, Catch::Contains("Lapses on 22 November 2027 (2027-11-22)"));
    CHECK_THAT(text, Catch::Contains("Confirm this certificate on the public register:"));
    CHECK_THAT(text, Catch::Contains("https://dspt.example.org/?q=AB12"));
}

TEST_CASE("without a public address the certificate names the register page's path",
          "[unit][server_publish]") {
    const dspt::test::TempDir dir;
    auto content = rose_content();
    content.register_address = "/?q=AB12";
    const auto path = write(dir, "path.pdf", render_certificate(content, CertificateFormat::pdf));
    const auto text = poppler("pdftotext", {path.string(), "-"});
    CHECK_THAT(text, Catch::Contains("public register of the server that issued it"));
    CHECK_THAT(text, Catch::Contains("/?q=AB12"));
    CHECK(text.find("https://") == std::string::npos);

    // An address too long for the line is drawn whole, smaller and over lines, on the page.
    content.register_address = "https://" + std::string(240, 'w') + ".example.org/?q=AB12";
    const auto long_path =
        write(dir, "long-address.pdf", render_certificate(content, CertificateFormat::pdf));
    std::string joined_text;
    for (const char c : poppler("pdftotext", {long_path.string(), "-"})) {
        if (c != '\n') {
            joined_text += c;
        }
    }
    CHECK_THAT(joined_text, Catch::Contains(content.register_address));
    const auto boxes = poppler("pdftotext", {"-bbox", long_path.string(), "-"});
    const auto right = attribute_values(boxes, "xMax");
    const auto bottom = attribute_values(boxes, "yMax");
    CHECK(*std::max_element(right.begin(), right.end()) <= 842 - 28);
    CHECK(*std::max_element(bottom.begin(), bottom.end()) <= 595 - 28);
}

TEST_CASE("a long name and many sites stay inside the page", "[unit][server_publish]") {
    const dspt::test::TempDir dir;
    auto content = rose_content();
    content.organisation_name =
        "The Exceptionally Long Named Residential Nursing and Domiciliary Care Homes "
        "Partnership of the North East Midlands Yorkshire Coast and Humber Estuary Trading "
        "As Sunrise Meadows Community Care Services Limited";
    content.sites.clear();
    for (int i = 0; i < 60; ++i) {
        std::string site = "Sunrise Meadows Branch ";
        site += std::to_string(i);
        site += " (VA";
        site += std::to_string(100 + i);
        site += ')';
        content.sites.push_back(site);
    }
    const auto path = write(dir, "long.pdf", render_certificate(content, CertificateFormat::pdf));
    CHECK(info_field(poppler("pdfinfo", {path.string()}), "Pages") == "1");

    // Every word's box lies inside the inner border (28 points from each edge).
    const auto boxes = poppler("pdftotext", {"-bbox", path.string(), "-"});
    const auto left = attribute_values(boxes, "xMin");
    const auto right = attribute_values(boxes, "xMax");
    const auto bottom = attribute_values(boxes, "yMax");
    REQUIRE(left.size() > 50);
    CHECK(*std::min_element(left.begin(), left.end()) >= 28);
    CHECK(*std::max_element(right.begin(), right.end()) <= 842 - 28);
    CHECK(*std::max_element(bottom.begin(), bottom.end()) <= 595 - 28);

    const auto text = poppler("pdftotext", {path.string(), "-"});
    CHECK_THAT(text, Catch::Contains("The Exceptionally Long Named"));
    CHECK_THAT(text, Catch::Contains("Sunrise Meadows Branch 0 (VA100)"));
    // The sites that do not fit are counted: "... and 47 more".
    const auto more = text.find(" more");
    REQUIRE(more != std::string::npos);
    const auto and_at = text.rfind(" and ", more);
    REQUIRE(and_at != std::string::npos);
    const auto count = text.substr(and_at + 5, more - and_at - 5);
    CHECK(!count.empty());
    CHECK(count.find_first_not_of("0123456789") == std::string::npos);

    // One word wider than the page is cut short, not drawn past the edge.
    content.organisation_name = std::string(150, 'W');
    const auto wide = write(dir, "wide.pdf", render_certificate(content, CertificateFormat::pdf));
    const auto wide_boxes = poppler("pdftotext", {"-bbox", wide.string(), "-"});
    const auto wide_right = attribute_values(wide_boxes, "xMax");
    CHECK(*std::max_element(wide_right.begin(), wide_right.end()) <= 842 - 28);
}

TEST_CASE("the PNG certificate is a PNG of the page at 144 dpi", "[unit][server_publish]") {
    const auto png = render_certificate(rose_content(), CertificateFormat::png);
    REQUIRE(png.size() > 24);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.substr(12, 4) == "IHDR");
    CHECK(big_endian(png, 16) == 1684);
    CHECK(big_endian(png, 20) == 1190);
    CHECK(content_type(CertificateFormat::png) == "image/png");
}

TEST_CASE("a name that is not valid UTF-8 is still drawn", "[unit][server_publish]") {
    const dspt::test::TempDir dir;
    auto content = rose_content();
    content.organisation_name = "Caf\xC3\xA9 \xFF Care";
    const auto path = write(dir, "bad.pdf", render_certificate(content, CertificateFormat::pdf));
    CHECK_THAT(poppler("pdftotext", {path.string(), "-"}), Catch::Contains("Caf\xC3\xA9 ? Care"));
}

}  // namespace dspt::server::publish::test
