// The public register and certificates from the real dspt-server over HTTP, as the
// public sees them: curl for the JSON and CSV, poppler for the PDF certificate, and a
// headless Chromium for the search page.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/date.hpp"
#include "common/standards/year.hpp"
#include "server/publish/public_register.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

Fetched fetch_from(const ServerProcess& server, const std::string& target) {
    return dspt::test::fetch(server.url() + target);
}

std::string chromium_dom_of(const ServerProcess& server, const std::string& target) {
    return dspt::test::chromium_dom(server.url() + target);
}

// The registered demo organisations, and one publication for AB1 made an hour ago in
// the current standards year, recorded straight into the server's store.
struct Published {
    std::string year;
    std::string date;  // YYYY-MM-DD
    std::string long_date;
};

Published publish_acorn(const ServerProcess& server) {
    const auto publication =
        publish_acorn_met(server, {"VA001", "VA002"}, "integration-publication-1");
    const auto day = Date::from_unix_ms(publication.published_at_ms);
    return {publication.year, day.to_string(), server::publish::long_date(day)};
}

}  // namespace

TEST_CASE("the public register answers searches by name and by code over HTTP",
          "[integration][server_public]") {
    ServerProcess server;
    const auto published = publish_acorn(server);
    const auto status = "Standards Met " + published.year;

    const auto by_name = fetch_from(server, "/api/v1/organisations?q=acorn");
    REQUIRE(by_name.status == 200);
    CHECK(by_name.header("content-type") == "application/json");
    const auto acorn = nlohmann::json::parse(by_name.body);
    CHECK(acorn["total"] == 1);
    REQUIRE(acorn["organisations"].size() == 1);
    CHECK(acorn["organisations"][0]["name"] == "Acorn Homecare");
    CHECK(acorn["organisations"][0]["ods"] == "AB1");
    CHECK(acorn["organisations"][0]["sites"] == nlohmann::json::array({"VA001", "VA002"}));
    CHECK(acorn["organisations"][0]["status"] == status);
    CHECK(acorn["organisations"][0]["level"] == "met");
    CHECK(acorn["organisations"][0]["year"] == published.year);
    CHECK(acorn["organisations"][0]["published"] == published.date);
    CHECK(acorn["organisations"][0]["lapsed"] == false);

    const auto by_site =
        nlohmann::json::parse(fetch_from(server, "/api/v1/organisations?q=va002").body);
    REQUIRE(by_site["organisations"].size() == 1);
    CHECK(by_site["organisations"][0]["ods"] == "AB1");

    const auto cedar =
        nlohmann::json::parse(fetch_from(server, "/api/v1/organisations?q=CD2").body);
    REQUIRE(cedar["organisations"].size() == 1);
    CHECK(cedar["organisations"][0]["name"] == "Cedar House");
    CHECK(cedar["organisations"][0]["status"] == "Not published");

    CHECK(fetch_from(server, "/api/v1/organisations?per_page=500").status == 400);

    const auto csv = fetch_from(server, "/api/v1/organisations.csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.header("content-disposition") == "attachment; filename=\"dspt-organisations.csv\"");
    std::string expected =
        "\xEF\xBB\xBFOrganisation,ODS code,Sites,Status,Published,Status of each site\r\n";
    expected += "Acorn Homecare,AB1,VA001 VA002,";
    expected += status;
    expected += ",";
    expected += published.date;
    for (const auto* site : {",\"VA001: ", "; VA002: "}) {
        expected += site;
        expected += status;
        expected += ", published ";
        expected += published.date;
    }
    expected += "\"\r\nCedar House,CD2,VC001,Not published,,VC001: Not published\r\n";
    CHECK(csv.body == expected);
}

TEST_CASE("the certificate downloads as a one-page PDF and a PNG", "[integration][server_public]") {
    ServerProcess server;
    const auto published = publish_acorn(server);
    const TempDir dir;

    const auto pdf = fetch_from(server, "/certificates/AB1/" + published.year + ".pdf");
    REQUIRE(pdf.status == 200);
    CHECK(pdf.header("content-type") == "application/pdf");
    REQUIRE(pdf.body.starts_with("%PDF-"));
    const auto pdf_file = dir.file("certificate.pdf");
    std::ofstream(pdf_file, std::ios::binary) << pdf.body;

    const auto info = poppler("pdfinfo", pdf_file);
    const auto pages = info.find("\nPages:");
    REQUIRE(pages != std::string::npos);
    CHECK(info.substr(pages, info.find('\n', pages + 1) - pages).ends_with(" 1"));

    const auto text = poppler("pdftotext", pdf_file);
    CHECK_THAT(text, Catch::Contains("Acorn Homecare"));
    CHECK_THAT(text, Catch::Contains("AB1"));
    CHECK_THAT(text, Catch::Contains("Standards Met"));
    CHECK_THAT(text, Catch::Contains(published.year));
    CHECK_THAT(text, Catch::Contains(published.date));
    CHECK_THAT(text, Catch::Contains(published.long_date));
    CHECK_THAT(text, Catch::Contains("Acorn Leeds (VA001)"));

    const auto png = fetch_from(server, "/certificates/AB1/" + published.year + ".png");
    REQUIRE(png.status == 200);
    CHECK(png.header("content-type") == "image/png");
    CHECK(png.body.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));

    // Cedar House has published nothing: no certificate, and a JSON reason.
    const auto none = fetch_from(server, "/certificates/CD2/" + published.year + ".pdf");
    CHECK(none.status == 404);
    CHECK(nlohmann::json::parse(none.body)["message"] ==
          "no certificate for CD2 " + published.year);
}

TEST_CASE("a headless browser shows the search page's results", "[integration][server_public]") {
    ServerProcess server;
    const auto published = publish_acorn(server);

    const auto dom = chromium_dom_of(server, "/?q=Acorn");
    // One result row: Chromium's DOM carries the cells as the server wrote them.
    const auto row = dom.find("<tr class=\"result\">");
    REQUIRE(row != std::string::npos);
    CHECK(dom.find("<tr class=\"result\">", row + 1) == std::string::npos);
    const auto row_html = dom.substr(row, dom.find("</tr>", row) - row);
    CHECK_THAT(row_html, Catch::Contains("<td class=\"name\">Acorn Homecare</td>"));
    CHECK_THAT(row_html, Catch::Contains("<td class=\"ods\">AB1</td>"));
    CHECK_THAT(row_html, Catch::Contains("<span class=\"code\">VA001</span> Standards Met"));
    CHECK_THAT(row_html, Catch::Contains("<span class=\"code\">VA002</span> Standards Met"));
    CHECK_THAT(row_html, Catch::Contains("Standards Met " + published.year));
    CHECK_THAT(row_html, Catch::Contains(published.date));
    CHECK_THAT(dom, Catch::Contains("value=\"Acorn\""));

    const auto none = chromium_dom_of(server, "/?q=Zebra+Lodge");
    CHECK_THAT(none, Catch::Contains("no organisation matches"));
    CHECK_THAT(none, Catch::Contains("Zebra Lodge"));
    CHECK(none.find("<tr class=\"result\">") == std::string::npos);
}
