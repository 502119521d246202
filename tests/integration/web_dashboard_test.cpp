// The signed-in dashboards from the real dspt-server, reached as a care manager, a
// head office and a support partner reach them: `dspt web-login` prints a link,
// the browser opens it once and keeps a session cookie. curl shows the exchange
// as sent; a headless Chromium shows what a person sees, and leaves a screenshot
// under <build>/tests/artifacts/.

#include <filesystem>
#include <iostream>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/dashboard_html.hpp"

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
