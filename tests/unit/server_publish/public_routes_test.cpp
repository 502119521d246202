// The public register and certificates through api::Router with the real Context:
// what a browser, a script and `dspt certificate` get, without a socket.

#include "server/api/public_routes.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server/api/router.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"
#include "tests/unit/server_publish/publish_fixture.hpp"

namespace dspt::server::publish::test {

namespace {

using auth::test::plain_request;
using standards::Level;

// The JSON error body's "error" and "message".
std::pair<std::string, std::string> error_of(const http::Response& response) {
    INFO("body: " << response.body);
    REQUIRE(response.content_type == "application/json");
    const auto body = nlohmann::json::parse(response.body);
    return {body.at("error").get<std::string>(), body.at("message").get<std::string>()};
}

std::string header(const http::Response& response, const std::string& name) {
    const auto found = response.headers.find(name);
    return found == response.headers.end() ? std::string() : found->second;
}

}  // namespace

// The AuthFixture registry (AB12 "Rose Care Group" with VA1B2 and VA1B3; VC9D8 "Oak
// Homecare"; XY34 "Elm Group" with VX9Y8) on 21 November 2026, in the 2026-27 year.
class PublicFixture : public auth::test::AuthFixture {
  public:
    PublicFixture() { now = at("2026-11-21"); }

    http::Response get(const std::string& target) {
        return router.handle(plain_request("GET", target));
    }

    nlohmann::json json(const std::string& target) {
        const auto response = get(target);
        INFO("GET " << target << ": " << response.body);
        REQUIRE(response.status == 200);
        REQUIRE(response.content_type == "application/json");
        return nlohmann::json::parse(response.body);
    }

    store::Publication publish(const std::string& ods, std::vector<std::string> sites,
                               const std::string& year, Level level, std::int64_t when,
                               const std::string& device = "admin") {
        auto p = publication(ods, std::move(sites), year, level, when, 0, device);
        p.request_id = "request-";
        p.request_id += std::to_string(++requests_);
        return repo().record_publication(p).publication;
    }

    api::Router router{context};

  private:
    int requests_ = 0;
};

TEST_CASE_METHOD(PublicFixture, "the JSON register finds organisations by name and by code",
                 "[unit][server_publish]") {
    publish("AB12", {"VA1B2", "VA1B3"}, "2026-27", Level::met, at("2026-10-05"));

    const auto by_name = json("/api/v1/organisations?q=rose+care");
    CHECK(by_name["query"] == "rose care");
    CHECK(by_name["page"] == 1);
    CHECK(by_name["per_page"] == 20);
    CHECK(by_name["total"] == 1);
    REQUIRE(by_name["organisations"].size() == 1);
    const auto& rose = by_name["organisations"][0];
    CHECK(rose["name"] == "Rose Care Group");
    CHECK(rose["status"] == "Standards Met 2026-27");
    CHECK(rose["published"] == "2026-10-05");

    // A site code finds its organisation; a %-escape and surrounding spaces are fine.
    const auto by_site = json("/api/v1/organisations?q=%20va1b3%20");
    REQUIRE(by_site["organisations"].size() == 1);
    CHECK(by_site["organisations"][0]["ods"] == "AB12");

    const auto oak = json("/api/v1/organisations?q=VC9");
    REQUIRE(oak["organisations"].size() == 1);
    CHECK(oak["organisations"][0]["status"] == "Not published");
    CHECK(oak["organisations"][0]["level"].is_null());

    // Every organisation, a page at a time; unknown parameters are ignored.
    const auto all = json("/api/v1/organisations?per_page=2&page=2&utm_source=x");
    CHECK(all["total"] == 3);
    REQUIRE(all["organisations"].size() == 1);
    CHECK(all["organisations"][0]["name"] == "Rose Care Group");
    CHECK(json("/api/v1/organisations?page=9")["organisations"].empty());

    const auto response = get("/api/v1/organisations?q=oak");
    CHECK(response.route == "GET /api/v1/organisations");
    CHECK(header(response, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE_METHOD(PublicFixture, "bad paging and a bad search text are refused with 400",
                 "[unit][server_publish]") {
    const auto [target, expected] = GENERATE(table<std::string, std::string>(
        {{"page=0", "page must be a whole number from 1"},
         {"page=abc", "page must be a whole number from 1"},
         {"page=-1", "page must be a whole number from 1"},
         {"page=1000001", "page must be a whole number from 1 to 1000000"},
         {"per_page=0", "per_page must be a whole number from 1 to 100"},
         {"per_page=101", "per_page must be a whole number from 1 to 100"},
         {"page=1&page=2", "page is given more than once"},
         {"q=%zz", "the query has a malformed %-escape"},
         {"q=a%0Ab", "the search text must be UTF-8 text without control characters"},
         {"q=%C3", "the search text must be UTF-8 text without control characters"}}));
    INFO(target);
    const auto response = get("/api/v1/organisations?" + target);
    CHECK(response.status == 400);
    const auto [error, message] = error_of(response);
    CHECK(error == "invalid_argument");
    CHECK_THAT(message, Catch::StartsWith(expected));
}

TEST_CASE_METHOD(PublicFixture, "a search text over 200 bytes is refused",
                 "[unit][server_publish]") {
    const std::string longest(200, 'a');
    CHECK(get("/api/v1/organisations?q=" + longest).status == 200);
    const auto response = get("/api/v1/organisations?q=" + longest + "a");
    CHECK(response.status == 400);
    CHECK_THAT(error_of(response).second, Catch::Contains("at most 200"));
    // The HTML page refuses it with a page of its own.
    const auto page = get("/?q=" + longest + "a");
    CHECK(page.status == 400);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK_THAT(page.body, Catch::Contains("at most 200"));
}

TEST_CASE_METHOD(PublicFixture, "the CSV export has every match as an attachment",
                 "[unit][server_publish]") {
    publish("XY34", {"VX9Y8"}, "2025-26", Level::exceeded, at("2026-03-02"));
    const auto response = get("/api/v1/organisations.csv?q=e");  // Rose, Oak Homecare, Elm
    REQUIRE(response.status == 200);
    CHECK(response.content_type == "text/csv; charset=utf-8");
    CHECK(header(response, "Content-Disposition") ==
          "attachment; filename=\"dspt-organisations.csv\"");
    CHECK(response.body ==
          "\xEF\xBB\xBF"
          "Organisation,ODS code,Sites,Status,Published,Status of each site\r\n"
          "Elm Group,XY34,VX9Y8,Standards Exceeded 2025-26,2026-03-02,\"VX9Y8: Standards "
          "Exceeded 2025-26, published 2026-03-02\"\r\n"
          "Oak Homecare,VC9D8,VC9D8,Not published,,VC9D8: Not published\r\n"
          "Rose Care Group,AB12,VA1B2 VA1B3,Not published,,VA1B2: Not published; VA1B3: Not "
          "published\r\n");
    CHECK(response.route == "GET /api/v1/organisations.csv");
}

TEST_CASE_METHOD(PublicFixture, "the search page is escaped HTML under a strict CSP",
                 "[unit][server_publish]") {
    repo().create_organisation(store::test::StoreFixture::organisation(
        "ZZ12", "<script>alert('x')</script> \"Quoted\" & Co", false));
    const auto response = get("/?q=script");
    REQUIRE(response.status == 200);
    CHECK(response.content_type == "text/html; charset=utf-8");
    CHECK(header(response, "Content-Security-Policy") ==
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    CHECK(header(response, "X-Content-Type-Options") == "nosniff");
    CHECK(response.body.find("<script") == std::string::npos);
    CHECK_THAT(response.body,
               Catch::Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Quoted&quot; "
                               "&amp; Co"));
    CHECK(count_of(response.body, "<tr class=\"result\">") == 1);
    CHECK(response.route == "GET /");

    const auto none = get("/?q=nothing+like+this");
    CHECK(none.status == 200);
    CHECK_THAT(none.body,
               Catch::Contains("no organisation matches &ldquo;nothing like this&rdquo;"));

    const auto refused = get("/?page=0");
    CHECK(refused.status == 400);
    CHECK_THAT(refused.body, Catch::Contains("page must be a whole number"));
    CHECK(header(refused, "Content-Security-Policy").starts_with("default-src 'none'"));
}

TEST_CASE_METHOD(PublicFixture, "unknown public paths are 404 and other methods 405",
                 "[unit][server_publish]") {
    const auto missing = get("/nope");
    CHECK(missing.status == 404);
    CHECK(error_of(missing).second == "no such endpoint: GET /nope");
    CHECK(missing.route == "GET (unrouted)");
    CHECK(get("/certificates/AB12").status == 404);
    CHECK(get("/certificates/AB12/2026-27.pdf/x").status == 404);

    const auto post = router.handle(plain_request("POST", "/api/v1/organisations"));
    CHECK(post.status == 405);
    CHECK(header(post, "Allow") == "GET");
}

TEST_CASE_METHOD(PublicFixture, "anyone gets an organisation's PDF and PNG certificate",
                 "[unit][server_publish]") {
    publish("AB12", {"VA1B2", "VA1B3"}, "2026-27", Level::met, at("2026-10-05"));
    const auto pdf = get("/certificates/AB12/2026-27.pdf");
    INFO(pdf.body.substr(0, 200));
    REQUIRE(pdf.status == 200);
    CHECK(pdf.content_type == "application/pdf");
    CHECK(pdf.body.starts_with("%PDF-"));
    CHECK(pdf.route == "GET /certificates/<ods>/<year>.pdf");
    CHECK(header(pdf, "Content-Disposition") ==
          "inline; filename=\"dspt-certificate-AB12-2026-27.pdf\"");

    const auto png = get("/certificates/AB12/2026-27.png");
    REQUIRE(png.status == 200);
    CHECK(png.content_type == "image/png");
    CHECK(png.body.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.route == "GET /certificates/<ods>/<year>.png");
}

TEST_CASE_METHOD(PublicFixture, "a site's certificate is its latest publication that covers it",
                 "[unit][server_publish]") {
    publish("AB12", {"VA1B2"}, "2026-27", Level::met, at("2026-10-05"));
    const auto pdf = get("/certificates/VA1B2/2026-27.pdf");
    REQUIRE(pdf.status == 200);
    CHECK(pdf.content_type == "application/pdf");
    CHECK(header(pdf, "Content-Disposition") ==
          "inline; filename=\"dspt-certificate-VA1B2-2026-27.pdf\"");
    // Rose Court is not covered: no certificate, as the register shows it not published.
    const auto court = get("/certificates/VA1B3/2026-27.pdf");
    CHECK(court.status == 404);
    CHECK(error_of(court).second == "no certificate for VA1B3 2026-27");

    const auto organisation = repo().find_organisation("AB12");
    REQUIRE(organisation.has_value());
    const auto content =
        api::certificate_content(context, *organisation, repo().publications_of("AB12").at(0));
    CHECK(content.sites == std::vector<std::string>{"Rose Lodge (VA1B2)"});
    CHECK(content.published == day("2026-10-05"));
    CHECK(content.lapses == day("2027-10-06"));
    // Without --public-url the server does not know its address: the path alone.
    CHECK(content.register_address == "/?q=AB12");
    context.public_url = "https://dspt.example.org";
    CHECK(api::certificate_content(context, *organisation, repo().publications_of("AB12").at(0))
              .register_address == "https://dspt.example.org/?q=AB12");
}

TEST_CASE_METHOD(PublicFixture, "a certificate that does not exist is 404 with the reason",
                 "[unit][server_publish]") {
    publish("AB12", {"VA1B2"}, "2026-27", Level::approaching, at("2026-09-01"));
    publish("XY34", {"VX9Y8"}, "2024-25", Level::met, at("2025-06-01"));
    const auto [target, expected] = GENERATE(table<std::string, std::string>(
        {{"/certificates/AB12/2026-27.pdf",
          "no certificate for AB12 2026-27: its 2026-27 publication is at Approaching "
          "Standards, and certificates are issued for Standards Met and Standards Exceeded "
          "only"},
         {"/certificates/XY34/2024-25.pdf",
          "certificates are offered for the current and previous year only (2026-27 and "
          "2025-26)"},
         {"/certificates/VC9D8/2026-27.pdf", "no certificate for VC9D8 2026-27"},
         {"/certificates/ZZ99/2026-27.png", "no certificate for ZZ99 2026-27"},
         // By site code: the publications that cover the site.
         {"/certificates/VA1B2/2026-27.pdf",
          "no certificate for VA1B2 2026-27: its 2026-27 publication is at Approaching "
          "Standards, and certificates are issued for Standards Met and Standards Exceeded "
          "only"},
         {"/certificates/VA1B3/2026-27.pdf", "no certificate for VA1B3 2026-27"},
         {"/certificates/AB12/2026.pdf", "no certificate for AB12 2026"},
         {"/certificates/AB12/2026-27.txt", "certificates are named <year>.pdf or <year>.png"}}));
    INFO(target);
    const auto response = get(target);
    CHECK(response.status == 404);
    const auto [error, message] = error_of(response);
    CHECK(error == "not_found");
    CHECK(message == expected);
}

TEST_CASE_METHOD(PublicFixture, "a headquarters device downloads its organisation's certificate",
                 "[unit][server_publish]") {
    const auto hq = enrol_headquarters();
    publish("AB12", {"VA1B2", "VA1B3"}, "2026-27", Level::exceeded, at("2026-10-05"), hq.device.id);
    const auto response = router.handle(sign(hq, "GET", "/v1/certificates/2026-27.pdf"));
    INFO(response.body.substr(0, 200));
    REQUIRE(response.status == 200);
    CHECK(response.content_type == "application/pdf");
    CHECK(response.body.starts_with("%PDF-"));
    CHECK(response.route == "GET /v1/certificates/<year>.pdf");
    CHECK(response.device == hq.device.id);

    const auto png = router.handle(sign(hq, "GET", "/v1/certificates/2026-27.png"));
    CHECK(png.status == 200);
    CHECK(png.content_type == "image/png");

    const auto missing = router.handle(sign(hq, "GET", "/v1/certificates/2025-26.pdf"));
    CHECK(missing.status == 404);
    CHECK(error_of(missing).second == "no certificate for AB12 2025-26");

    // Unsigned, the endpoint answers nothing.
    CHECK(get("/v1/certificates/2026-27.pdf").status == 401);
}

TEST_CASE_METHOD(PublicFixture, "a branch device gets no certificate its headquarters published",
                 "[unit][server_publish]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch("VA1B2");
    publish("AB12", {"VA1B2", "VA1B3"}, "2026-27", Level::met, at("2026-10-05"), hq.device.id);
    const auto response = router.handle(sign(branch, "GET", "/v1/certificates/2026-27.pdf"));
    CHECK(response.status == 403);
    const auto [error, message] = error_of(response);
    CHECK(error == "forbidden");
    CHECK(message == "your headquarters published this assessment; it downloads the certificate");

    const auto partner = enrol_partner();
    const auto refused = router.handle(sign(partner, "GET", "/v1/certificates/2026-27.pdf"));
    CHECK(refused.status == 403);
}

TEST_CASE_METHOD(PublicFixture, "a branch device downloads what its own site's device published",
                 "[unit][server_publish]") {
    const auto oak = enrol_branch("VC9D8", "VC9D8");  // a single-site provider's device
    publish("VC9D8", {"VC9D8"}, "2026-27", Level::met, at("2026-11-20"), oak.device.id);
    const auto response = router.handle(sign(oak, "GET", "/v1/certificates/2026-27.png"));
    REQUIRE(response.status == 200);
    CHECK(response.content_type == "image/png");

    // Another branch of an organisation: the publication by a sister site's device is
    // not its own.
    const auto lodge = enrol_branch("VA1B2");
    const auto court = enrol_branch("VA1B3");
    publish("AB12", {"VA1B3"}, "2026-27", Level::met, at("2026-11-01"), court.device.id);
    CHECK(router.handle(sign(court, "GET", "/v1/certificates/2026-27.pdf")).status == 200);
    const auto sister = router.handle(sign(lodge, "GET", "/v1/certificates/2026-27.pdf"));
    CHECK(sister.status == 404);
    CHECK(error_of(sister).second == "no certificate for VA1B2 2026-27");
}

}  // namespace dspt::server::publish::test

namespace dspt::server::publish::test {

TEST_CASE_METHOD(PublicFixture, "the statistics count the year's publications by level and type",
                 "[unit][server_publish]") {
    publish("AB12", {"VA1B2", "VA1B3"}, "2025-26", Level::met, at("2026-06-29"));
    publish("VC9D8", {"VC9D8"}, "2025-26", Level::exceeded, at("2026-07-02"));
    publish("XY34", {"VX9Y8"}, "2024-25", Level::met, at("2025-06-20"));

    // 21 November 2026 falls in 2026-27, which has no standards here: 2025-26 is shown.
    const auto body = json("/api/v1/statistics");
    CHECK(body["year"] == "2025-26");
    CHECK(body["deadline"] == "2026-06-30");
    CHECK(body["counted"] == "organisations registered on this server");
    CHECK(body["registered"]["organisations"] == 3);
    CHECK(body["registered"]["sites"] == 4);
    CHECK(body["sites_published"] == 3);
    const auto& all = body["organisations"];
    CHECK(all["published"] == 2);
    CHECK(all["met"] == 1);
    CHECK(all["exceeded"] == 1);
    CHECK(all["published_by_deadline"] == 1);
    CHECK(all["share_by_deadline"] == "33.3");
    const auto& not_stated = body["by_type"][4];
    CHECK(not_stated["type"] == "not_stated");
    CHECK(not_stated["registered"] == 3);
    CHECK(body["by_type"][0]["share_by_deadline"].is_null());
    // The chart's last week ends on the deadline; last year's week of 20 June has one.
    const auto& weeks = body["weekly"]["weeks"];
    REQUIRE(weeks.size() == 13);
    CHECK(weeks[12]["last"] == "2026-06-30");
    CHECK(weeks[12]["publications"] == 1);
    CHECK(weeks[11]["previous_last"] == "2025-06-23");
    CHECK(weeks[11]["previous_publications"] == 1);

    const auto last_year = json("/api/v1/statistics?year=2024-25&utm_source=x");
    CHECK(last_year["organisations"]["published_by_deadline"] == 1);

    const auto csv = get("/api/v1/statistics.csv?year=2025-26");
    CHECK(csv.status == 200);
    CHECK(csv.content_type == "text/csv; charset=utf-8");
    CHECK_THAT(header(csv, "Content-Disposition"),
               Catch::Contains("attachment") && Catch::Contains("dspt-statistics-2025-26.csv"));
    CHECK_THAT(csv.body, Catch::Contains("All organisations,3,2,0,1,1,1,33.3%\r\n"));
    CHECK_THAT(csv.body, Catch::Contains("Not stated,3,2,0,1,1,1,33.3%\r\n"));

    const auto page = get("/statistics?year=2025-26");
    CHECK(page.status == 200);
    CHECK(page.route == "GET /statistics");
    CHECK_THAT(page.body, Catch::Contains("<section id=\"statistics\"") &&
                              Catch::Contains("<svg") &&
                              Catch::Contains("organisations registered on this server"));
    CHECK_THAT(header(page, "Content-Security-Policy"), Catch::Contains("default-src 'none'"));
    // The register's front page shows them; a search does not.
    CHECK_THAT(get("/").body, Catch::Contains("<section id=\"statistics\""));
    CHECK_THAT(get("/?q=rose").body, !Catch::Contains("<section id=\"statistics\""));
}

TEST_CASE_METHOD(PublicFixture, "a malformed or unknown statistics year is refused with 400",
                 "[unit][server_publish]") {
    const auto [target, expected] = GENERATE(table<std::string, std::string>(
        {{"year=2025", "year must be a standards year written like 2025-26, not \"2025\""},
         {"year=2025-27", "year must be a standards year written like 2025-26"},
         {"year=", "year must be a standards year written like 2025-26, not \"\""},
         {"year=%3Cb%3E", "year must be a standards year written like 2025-26, not \"<b>\""},
         {"year=2031-32",
          "there are no statistics for 2031-32: this server has standards for "
          "2023-24, 2024-25, 2025-26"},
         {"year=2024-25&year=2025-26", "year is given more than once"}}));
    INFO(target);
    for (const auto* path : {"/api/v1/statistics?", "/api/v1/statistics.csv?"}) {
        const auto response = get(path + target);
        CHECK(response.status == 400);
        const auto [error, message] = error_of(response);
        CHECK(error == "invalid_argument");
        CHECK_THAT(message, Catch::StartsWith(expected));
    }
    const auto page = get("/statistics?" + target);
    CHECK(page.status == 400);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK_THAT(page.body,
               Catch::Contains("These statistics were refused") && !Catch::Contains("<b>"));
}

}  // namespace dspt::server::publish::test
