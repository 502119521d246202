// The public record is exactly what was published: headquarters publishes for one of
// its two sites with the real client, and every public output of the real server (the
// search page by organisation and by each site code, the JSON, the CSV and the
// certificate's text, read in one run) says which site is covered and that the other is not
// published.

#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/date.hpp"
#include "common/standards/year.hpp"
#include "server/publish/public_register.hpp"
#include "tests/integration/answering.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

constexpr std::string_view kPublicUrl = "https://register.example.org";

// Acorn Homecare (AB1, a headquarters with sites VA001 Acorn Leeds and VA002 Acorn
// York) publishes at Standards Met for VA001 only, from its headquarters device, on a
// server whose public address is kPublicUrl.
struct PublishedForLeeds {
    ServerProcess server{{"--public-url", std::string(kPublicUrl)}};
    ClientHome hq;
    std::string year;
    Date published;

    PublishedForLeeds() {
        server.register_demo();
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        answer_all(hq, "met");
        const auto result = hq.json({"publish", "--level", "met", "--sites", "VA001"});
        REQUIRE(result["published"] == true);
        REQUIRE(result["publication"]["sites"] == nlohmann::json::array({"VA001"}));
        year = result["publication"]["year"].get<std::string>();
        published =
            Date::from_unix_ms(result["publication"]["published_at_ms"].get<std::int64_t>());
    }

    Fetched get(const std::string& target) const {
        auto fetched = dspt::test::fetch(server.url() + target);
        INFO("GET " << target << ": " << fetched.body);
        REQUIRE(fetched.status == 200);
        return fetched;
    }

    // The one result row of a search page.
    std::string row_of(const std::string& target) const {
        const auto page = get(target).body;
        const auto row = page.find("<tr class=\"result\">");
        REQUIRE(row != std::string::npos);
        CHECK(page.find("<tr class=\"result\">", row + 1) == std::string::npos);
        return page.substr(row, page.find("</tr>", row) - row);
    }

    // The one organisation of a JSON search.
    nlohmann::json organisation_of(const std::string& query) const {
        const auto body = nlohmann::json::parse(get("/api/v1/organisations?q=" + query).body);
        REQUIRE(body["organisations"].size() == 1);
        return body["organisations"][0];
    }

    std::string certificate_text(const std::string& code) const {
        const auto pdf = get("/certificates/" + code + "/" + year + ".pdf");
        const TempDir dir;
        const auto file = dir.file("certificate.pdf");
        std::ofstream(file, std::ios::binary) << pdf.body;
        return poppler("pdftotext", file);
    }
};

}  // namespace

TEST_CASE("every public output says which sites a publication covers",
          "[integration][public_record]") {
    const PublishedForLeeds acorn;
    const auto met = "Standards Met " + acorn.year;
    const auto date = acorn.published.to_string();
    const auto lapses = standards::lapses_on(acorn.published);

    {  // the search page
        // By organisation code: both sites, each with its own status.
        const auto row = acorn.row_of("/?q=AB1");
        CHECK_THAT(row, Catch::Contains("<span class=\"code\">VA001</span> " + met +
                                        ", published " + date + "</li>"));
        CHECK_THAT(row, Catch::Contains("<span class=\"code\">VA002</span> Not published</li>"));
        CHECK_THAT(row, Catch::Contains("<td class=\"status\">" + met + " for VA001 <a"));
        CHECK_THAT(row, Catch::Contains("href=\"/certificates/AB1/" + acorn.year + ".pdf\""));

        // By the covered site's code: that site and its publication.
        const auto leeds = acorn.row_of("/?q=VA001");
        CHECK_THAT(leeds, Catch::Contains("<span class=\"code\">VA001</span> " + met));
        CHECK_THAT(leeds, Catch::Contains("<td class=\"status\">" + met + " <a"));
        CHECK_THAT(leeds, Catch::Contains("href=\"/certificates/VA001/" + acorn.year + ".pdf\""));
        CHECK(leeds.find("VA002") == std::string::npos);

        // By the uncovered site's code: not published, and nothing of VA001's publication.
        const auto york_page = acorn.get("/?q=va002").body;
        const auto york = acorn.row_of("/?q=va002");
        CHECK_THAT(york, Catch::Contains("<span class=\"code\">VA002</span> Not published</li>"));
        CHECK_THAT(york, Catch::Contains("<td class=\"status\">Not published</td>"));
        CHECK(york_page.find("Standards Met") == std::string::npos);
        CHECK(york_page.find("/certificates/") == std::string::npos);
        CHECK(york_page.find("VA001") == std::string::npos);
    }

    {  // the JSON register
        const auto org = acorn.organisation_of("AB1");
        CHECK(org["sites"] == nlohmann::json::array({"VA001", "VA002"}));
        CHECK(org["every_site"] == true);
        CHECK(org["status"] == met + " for VA001");
        CHECK(org["covers"] == nlohmann::json::array({"VA001"}));
        CHECK(org["published"] == date);
        CHECK(org["lapses"] == lapses.to_string());
        REQUIRE(org["site_statuses"].size() == 2);
        CHECK(org["site_statuses"][0]["ods"] == "VA001");
        CHECK(org["site_statuses"][0]["status"] == met);
        CHECK(org["site_statuses"][0]["level"] == "met");
        CHECK(org["site_statuses"][0]["year"] == acorn.year);
        CHECK(org["site_statuses"][0]["published"] == date);
        CHECK(org["site_statuses"][1]["ods"] == "VA002");
        CHECK(org["site_statuses"][1]["status"] == "Not published");
        CHECK(org["site_statuses"][1]["level"].is_null());
        CHECK(org["site_statuses"][1]["published"].is_null());

        const auto leeds = acorn.organisation_of("VA001");
        CHECK(leeds["sites"] == nlohmann::json::array({"VA001"}));
        CHECK(leeds["every_site"] == false);
        CHECK(leeds["status"] == met);
        CHECK(leeds["published"] == date);

        const auto york = acorn.organisation_of("VA002");
        CHECK(york["ods"] == "AB1");
        CHECK(york["sites"] == nlohmann::json::array({"VA002"}));
        CHECK(york["every_site"] == false);
        CHECK(york["status"] == "Not published");
        CHECK(york["level"].is_null());
        CHECK(york["year"].is_null());
        CHECK(york["published"].is_null());
        CHECK(york["site_statuses"][0]["status"] == "Not published");
    }

    {  // the CSV
        const auto header = std::string(
            "\xEF\xBB\xBFOrganisation,ODS code,Sites,Status,Published,Status of each "
            "site\r\n");
        CHECK(acorn.get("/api/v1/organisations.csv?q=AB1").body ==
              header + "Acorn Homecare,AB1,VA001 VA002," + met + " for VA001," + date +
                  ",\"VA001: " + met + ", published " + date + "; VA002: Not published\"\r\n");
        CHECK(acorn.get("/api/v1/organisations.csv?q=VA002").body ==
              header + "Acorn Homecare,AB1,VA002,Not published,,VA002: Not published\r\n");
    }

    {  // the certificate
        const auto text = acorn.certificate_text("AB1");
        CHECK_THAT(text, Catch::Contains("Acorn Homecare"));
        CHECK_THAT(text, Catch::Contains("Standards Met"));
        CHECK_THAT(text, Catch::Contains("Site covered"));
        CHECK_THAT(text, Catch::Contains("Acorn Leeds (VA001)"));
        CHECK(text.find("VA002") == std::string::npos);
        CHECK(text.find("Acorn York") == std::string::npos);
        CHECK_THAT(text,
                   Catch::Contains("Published " + server::publish::long_date(acorn.published) +
                                   " (" + date + ")"));
        CHECK_THAT(text, Catch::Contains("Lapses on " + server::publish::long_date(lapses) + " (" +
                                         lapses.to_string() + ")"));
        CHECK_THAT(text, Catch::Contains(std::string(kPublicUrl) + "/?q=AB1"));

        // The covered site's code gives the same certificate; the uncovered one's none.
        CHECK(acorn.certificate_text("VA001") == text);
        const auto york =
            dspt::test::fetch(acorn.server.url() + "/certificates/VA002/" + acorn.year + ".pdf");
        CHECK(york.status == 404);
        CHECK(nlohmann::json::parse(york.body)["message"] ==
              "no certificate for VA002 " + acorn.year);
    }
}
