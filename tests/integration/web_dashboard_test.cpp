// The signed-in dashboards from the real dspt-server, reached as a care manager, a
// head office and a support partner reach them: `dspt web-login` prints a link,
// the browser opens it once and keeps a session cookie. curl shows the exchange
// as sent; a headless Chromium shows what a person sees, and leaves a screenshot
// under <build>/tests/artifacts/.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/dashboard_html.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

constexpr const char* kScriptName = "<script>alert(1)</script>";

// A fresh login link from the device, as `dspt web-login --json` prints it.
std::string login_link(const ClientHome& home) {
    const auto link = home.json({"web-login"});
    return link["url"].get<std::string>();
}

// The session id in a Set-Cookie header's value ("dspt_session=ID; ...").
std::string session_of(const Fetched& fetched) {
    const auto cookie = fetched.header("set-cookie");
    REQUIRE(cookie.starts_with("dspt_session="));
    return cookie.substr(13, cookie.find(';') - 13);
}

// Opens the link with curl and returns the session cookie's "name=value".
std::string open_session(const std::string& link) {
    const auto opened = fetch(link);
    REQUIRE(opened.status == 303);
    std::string cookie = "dspt_session=";
    cookie += session_of(opened);
    return cookie;
}

Fetched dashboard(const ServerProcess& server, const std::string& cookie) {
    return fetch(server.url() + "/web/", "GET", {{"Cookie", cookie}});
}

// How many items the row counts as satisfied for Approaching Standards ("2 / 20").
int satisfied(const std::string& row) {
    const auto text = cell(row, "approaching");
    INFO("approaching cell: " << text);
    REQUIRE(text.find(" / ") != std::string::npos);
    return std::stoi(text.substr(0, text.find(" / ")));
}

std::filesystem::path artifact(const std::string& name) {
    const std::filesystem::path dir = DSPT_ARTIFACT_DIR;
    std::filesystem::create_directories(dir);
    return dir / name;
}

// Acorn with a third site whose name is markup; Leeds has answered two items and
// synced.
struct SyncedAcorn : AcornGroup {
    SyncedAcorn() : AcornGroup(kScriptName) {
        REQUIRE(leeds.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
        REQUIRE(leeds.run({"answer", "2.1.1", "yes"}).exit_code == 0);
        const auto synced = leeds.run({"sync"});
        INFO(synced.err);
        REQUIRE(synced.exit_code == 0);
    }
};

}  // namespace

TEST_CASE("a login link opens the dashboard once, with a strict session cookie",
          "[integration][web]") {
    SyncedAcorn acorn;
    const auto printed = acorn.hq.run({"web-login"});
    INFO(printed.err);
    REQUIRE(printed.exit_code == 0);
    CHECK_THAT(printed.out, Catch::Contains(acorn.server.url() + "/web/login?token="));
    CHECK_THAT(printed.out, Catch::Contains("works once"));

    const auto listed = acorn.hq.json({"web-login"});
    const auto link = listed["url"].get<std::string>();
    CHECK(link.starts_with(acorn.server.url() + "/web/login?token="));
    CHECK(listed["expires"].get<std::string>().ends_with("Z"));

    const auto opened = fetch(link);
    CHECK(opened.status == 303);
    CHECK(opened.header("location") == "/web/");
    const auto cookie = opened.header("set-cookie");
    CHECK_THAT(cookie, Catch::Contains("; HttpOnly"));
    CHECK_THAT(cookie, Catch::Contains("; SameSite=Strict"));
    CHECK_THAT(cookie, Catch::Contains("; Path=/"));
    CHECK(cookie.find("Secure") == std::string::npos);  // plain HTTP on 127.0.0.1
    CHECK(opened.header("referrer-policy") == "no-referrer");
    std::string session = "dspt_session=";
    session += session_of(opened);

    const auto again = fetch(link);
    CHECK(again.status == 403);
    CHECK(again.header("set-cookie").empty());
    CHECK_THAT(again.header("content-type"), Catch::StartsWith("text/html"));
    CHECK_THAT(again.body, Catch::Contains("already been used"));

    const auto page = dashboard(acorn.server, session);
    REQUIRE(page.status == 200);
    CHECK_THAT(page.header("content-security-policy"), Catch::Contains("default-src 'none'"));
    CHECK_THAT(page.header("content-security-policy"), Catch::Contains("frame-ancestors 'none'"));
    CHECK(page.header("x-content-type-options") == "nosniff");
    CHECK(page.header("cache-control") == "no-store");
    CHECK_THAT(page.body, Catch::Contains("Acorn Homecare"));
    for (const auto* code : {"VA001", "VA002", "VA003"}) {
        CHECK_FALSE(site_row(page.body, code).empty());
    }

    // Signing out ends the session; the cookie no longer opens anything.
    const auto out = fetch(acorn.server.url() + "/web/logout", "POST", {{"Cookie", session}});
    CHECK(out.status == 200);
    CHECK_THAT(out.header("set-cookie"), Catch::Contains("Max-Age=0"));
    CHECK(dashboard(acorn.server, session).status == 401);
}

TEST_CASE("without a live session the dashboard answers 401 and says how to sign in",
          "[integration][web]") {
    SyncedAcorn acorn;
    const auto none = fetch(acorn.server.url() + "/web/");
    CHECK(none.status == 401);
    CHECK_THAT(none.body, Catch::Contains("dspt web-login"));
    CHECK(none.body.find("VA001") == std::string::npos);

    const auto forged =
        dashboard(acorn.server, "dspt_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    CHECK(forged.status == 401);
    CHECK(forged.body.find("VA001") == std::string::npos);

    const auto made_up = fetch(acorn.server.url() + "/web/login?token=not-a-token");
    CHECK(made_up.status == 403);
    CHECK(made_up.header("set-cookie").empty());
}

TEST_CASE("a branch device's link shows its own site and nothing of its sister's",
          "[integration][web]") {
    SyncedAcorn acorn;
    const auto page = dashboard(acorn.server, open_session(login_link(acorn.leeds)));
    REQUIRE(page.status == 200);
    const auto row = site_row(page.body, "VA001");
    REQUIRE_FALSE(row.empty());
    CHECK_THAT(cell(row, "site-name"), Catch::Contains("Acorn Leeds"));
    CHECK(page.body.find("VA002") == std::string::npos);
    CHECK(page.body.find("Acorn York") == std::string::npos);
    CHECK(page.body.find("VA003") == std::string::npos);

    // Headquarters sees both, and that Leeds's synced answers count and York has none.
    const auto all = dashboard(acorn.server, open_session(login_link(acorn.hq)));
    CHECK(satisfied(site_row(all.body, "VA001")) == 2);
    CHECK(satisfied(site_row(all.body, "VA002")) == 0);
}

TEST_CASE("a partner's link shows only the organisations that granted it access",
          "[integration][web]") {
    SyncedAcorn acorn;
    ClientHome cedar;
    enrol(cedar, acorn.server, acorn.server.code({"--org", "CD2", "--site", "VC001"}),
          "Cedar House");
    ClientHome partner;
    enrol(partner, acorn.server, acorn.server.code({"--partner", "County Care Association"}),
          "Adviser");

    const auto before = dashboard(acorn.server, open_session(login_link(partner)));
    REQUIRE(before.status == 200);
    CHECK_THAT(before.body, Catch::Contains("No organisation has given your partner access"));

    const auto granted = cedar.run({"grant", "--partner", "County Care Association"});
    INFO(granted.err);
    REQUIRE(granted.exit_code == 0);
    const auto after = dashboard(acorn.server, open_session(login_link(partner)));
    REQUIRE(after.status == 200);
    CHECK_THAT(after.body, Catch::Contains("County Care Association"));
    CHECK_FALSE(site_row(after.body, "VC001").empty());
    CHECK(after.body.find("Acorn") == std::string::npos);
    CHECK(after.body.find("VA001") == std::string::npos);
}

TEST_CASE("a revoked device's links and sessions stop working", "[integration][web]") {
    SyncedAcorn acorn;
    const auto session = open_session(login_link(acorn.hq));
    const auto unopened = login_link(acorn.hq);
    REQUIRE(dashboard(acorn.server, session).status == 200);

    const auto id = acorn.hq.json({"whoami"})["device_id"].get<std::string>();
    const auto revoked = acorn.server.admin({"revoke-device", id});
    INFO(revoked.err);
    REQUIRE(revoked.exit_code == 0);

    const auto page = dashboard(acorn.server, session);
    CHECK(page.status == 401);
    CHECK(page.body.find("VA001") == std::string::npos);
    const auto opened = fetch(unopened);
    CHECK(opened.status == 403);
    CHECK(opened.header("set-cookie").empty());
    CHECK(acorn.hq.run({"web-login"}).exit_code == 2);
}

TEST_CASE("a headless browser opens the headquarters dashboard through a login link",
          "[integration][web]") {
    SyncedAcorn acorn;

    // The DOM Chromium built: Leeds's row as the server wrote it, the markup-named
    // site's name as text, and no script element anywhere.
    const auto dom = chromium_dom(login_link(acorn.hq));
    const auto leeds = site_row(dom, "VA001");
    REQUIRE_FALSE(leeds.empty());
    CHECK_THAT(cell(leeds, "site-name"), Catch::StartsWith("Acorn Leeds"));
    CHECK(satisfied(leeds) == 2);
    CHECK_FALSE(site_row(dom, "VA002").empty());
    const auto marked = site_row(dom, "VA003");
    REQUIRE_FALSE(marked.empty());
    CHECK_THAT(cell(marked, "site-name"),
               Catch::StartsWith("&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(dom.find("<script") == std::string::npos);

    // What a person reads: the name, literally, as text on the page.
    const TempDir dir;
    const auto pdf = dir.file("dashboard.pdf");
    chromium_pdf(login_link(acorn.hq), pdf);
    const auto text = poppler("pdftotext", pdf);
    CHECK_THAT(text, Catch::Contains(kScriptName));
    CHECK_THAT(text, Catch::Contains("Acorn Leeds"));

    // Screenshots kept as artifacts: a desktop window and a phone.
    for (const auto& [name, width, height] : {std::tuple{"web_dashboard_desktop.png", 1280, 900},
                                              std::tuple{"web_dashboard_phone.png", 390, 844}}) {
        const auto png = artifact(name);
        std::filesystem::remove(png);
        chromium_screenshot(login_link(acorn.hq), png, width, height);
        const auto bytes = read_all(png);
        CHECK(bytes.starts_with("\x89PNG\r\n\x1a\n"));
        CHECK(bytes.size() > 5'000);  // a rendered page, not a blank one
        std::cout << "web dashboard screenshot: " << png.string() << std::endl;
    }
}

TEST_CASE("the dashboard totals its sites and counts a branch whose changes wait over a week",
          "[integration][web]") {
    SyncedAcorn acorn;
    // York, invited by headquarters (so it holds the organisation's key), adds a
    // file "eight days ago" that never reaches the server: its sync reports it,
    // then the connection is cut during the upload.
    ClientHome york;
    enrol(york, acorn.server,
          acorn.hq.json({"invite", "--site", "VA002"})["code"].get<std::string>(), "Acorn York");
    REQUIRE(york.run({"evidence", "add", "1.3.1",
                      york.make_file("fire-drill.pdf", 200'000, "drill").string()})
                .exit_code == 0);
    {
        sqlite::Database store(york.store_file());
        sqlite::Statement age(store, "UPDATE evidence SET added_at = added_at - ?1");
        age.bind(1, std::int64_t{8} * 86'400'000);
        age.execute();
    }
    FaultProxy proxy(acorn.server.port());
    proxy.cut_after(50'000, true);
    const auto cut = york.run({"sync", "--attempts", "1", "--server",
                               "http://127.0.0.1:" + std::to_string(proxy.port())});
    INFO(cut.out << cut.err);
    REQUIRE(cut.exit_code == 4);

    const auto page = dashboard(acorn.server, open_session(login_link(acorn.hq)));
    REQUIRE(page.status == 200);
    const auto total = [&page](const std::string& css_class) {
        const auto at = page.body.find("<tr class=\"" + css_class + "\">");
        REQUIRE(at != std::string::npos);
        const auto start = page.body.find("<td", at);
        const auto end = page.body.find("</td>", start);
        return page.body.substr(start, end - start);
    };
    CHECK(total("total-sites") == "<td>3");
    CHECK(total("total-none") == "<td class=\"warn\">3");
    CHECK(total("total-met") == "<td>0");
    CHECK(total("total-unsent") == "<td class=\"warn\">1");
    CHECK(total("total-conflicts") == "<td>0");
    CHECK(page.body.find("id=\"totals\"") < page.body.find("<section class=\"organisation\">"));
    CHECK_THAT(cell(site_row(page.body, "VA002"), "unsent"), Catch::Contains("8 days"));

    // A branch's own dashboard totals its one site.
    const auto own = dashboard(acorn.server, open_session(login_link(acorn.leeds)));
    CHECK_THAT(own.body, Catch::Contains("<tr class=\"total-sites\"><th scope=\"row\">Sites</th>"
                                         "<td>1</td></tr>"));
}

TEST_CASE("the dashboard's table downloads as CSV, its cells safe to open in Excel",
          "[integration][web]") {
    AcornGroup acorn("=HYPERLINK(\"http://example.org\",\"Acorn Hull\")");
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"sync"}).exit_code == 0);
    const auto cookie = open_session(login_link(acorn.hq));

    const auto page = dashboard(acorn.server, cookie);
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body,
               Catch::Contains("<a id=\"download\" href=\"/web/progress.csv\" download>"));

    const auto csv = fetch(acorn.server.url() + "/web/progress.csv", "GET", {{"Cookie", cookie}});
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK_THAT(csv.header("content-disposition"),
               Catch::StartsWith("attachment; filename=\"dspt-progress-20"));
    CHECK_THAT(csv.header("content-disposition"), Catch::EndsWith(".csv\""));
    CHECK(csv.header("cache-control") == "no-store");
    CHECK(csv.body.starts_with("\xEF\xBB\xBFOrganisation,Organisation code,Site,Site code,Level,"));
    std::size_t lines = 0;
    for (auto at = csv.body.find("\r\n"); at != std::string::npos;
         at = csv.body.find("\r\n", at + 2)) {
        ++lines;
    }
    CHECK(lines == 4);  // the header and three sites
    CHECK_THAT(csv.body, Catch::Contains("\r\nAcorn Homecare,AB1,Acorn Leeds,VA001,Not yet at "
                                         "Approaching Standards,1,"));
    // The site named like a formula is text: an apostrophe goes before it.
    CHECK_THAT(
        csv.body,
        Catch::Contains(",\"'=HYPERLINK(\"\"http://example.org\"\",\"\"Acorn Hull\"\")\",VA003,"));
    CHECK(csv.body.find("ZA123456") == std::string::npos);

    // Without a session: no table.
    const auto anonymous = fetch(acorn.server.url() + "/web/progress.csv");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.body.find("VA001") == std::string::npos);
    const auto posted =
        fetch(acorn.server.url() + "/web/progress.csv", "POST", {{"Cookie", cookie}});
    CHECK(posted.status == 405);
}

TEST_CASE("a site's row opens the page of its missing items, for the sites the device may see",
          "[integration][web]") {
    SyncedAcorn acorn;
    const auto hq = open_session(login_link(acorn.hq));
    const auto page = dashboard(acorn.server, hq);
    const auto link = "/web/site?code=VA002";
    CHECK_THAT(cell(site_row(page.body, "VA002"), "missing"),
               Catch::Contains(std::string("href=\"") + link + "\""));

    const auto york = fetch(acorn.server.url() + link, "GET", {{"Cookie", hq}});
    REQUIRE(york.status == 200);
    CHECK_THAT(york.body, Catch::Contains("<h1>Acorn York <span class=\"code\">VA002</span>"));
    CHECK_THAT(york.body, Catch::Contains("Mandatory items still missing"));
    CHECK_THAT(york.body, Catch::Contains("<span class=\"item-id\">1.1.1</span> ICO registration"));
    CHECK_THAT(york.body, Catch::Contains("Personal Confidential Data"));
    CHECK_THAT(york.body, Catch::Contains("Back to the dashboard"));
    CHECK(york.header("cache-control") == "no-store");
    // The page as a person sees it, kept as a screenshot: saved and opened from
    // the file, as its style is all inline.
    const auto html = artifact("web_site_page.html");
    {
        std::ofstream out(html, std::ios::binary);
        out << york.body;
    }
    const auto png = artifact("web_site_page.png");
    std::filesystem::remove(png);
    chromium_screenshot("file://" + html.string(), png, 1280, 900);
    CHECK(read_all(png).size() > 5'000);
    std::cout << "web site page screenshot: " << png.string() << std::endl;

    // Leeds answered 1.1.1; its page no longer lists it.
    const auto leeds = fetch(acorn.server.url() + "/web/site?code=VA001", "GET", {{"Cookie", hq}});
    REQUIRE(leeds.status == 200);
    CHECK(leeds.body.find("<span class=\"item-id\">1.1.1</span>") == std::string::npos);
    CHECK(leeds.body.find("ZA123456") == std::string::npos);

    // A branch device sees its own site's page, never its sister's.
    const auto branch = open_session(login_link(acorn.leeds));
    CHECK(fetch(acorn.server.url() + "/web/site?code=VA001", "GET", {{"Cookie", branch}}).status ==
          200);
    const auto sister = fetch(acorn.server.url() + link, "GET", {{"Cookie", branch}});
    CHECK(sister.status == 404);
    CHECK_THAT(sister.body, Catch::Contains("Go back to the dashboard"));
    CHECK(sister.body.find("Acorn York") == std::string::npos);
    CHECK(fetch(acorn.server.url() + link).status == 401);
}
