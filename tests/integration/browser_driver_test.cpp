// The headless-Chromium driver (tests/support/cdp_browser.hpp) that browser tests
// use: pages from a temporary directory opened over file://, a form filled in and
// submitted, a 3 MB file attached, script errors and dialogs, screenshots, and a
// page from the real dspt-server with its HTTP status.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/cdp_browser.hpp"

using namespace dspt::test;

namespace {

constexpr const char* kFormPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>Record a visit</title></head><body>
<h1>Record a visit</h1>
<form id="visit" action="saved.html" method="get">
  <label>Name <input id="name" name="name" type="text"></label>
  <label>Visit date <input id="date" name="date" type="date"></label>
  <label>Evidence <input id="evidence" name="evidence" type="file"></label>
  <button id="save" type="submit">Save</button>
</form>
<p id="chosen">No file chosen</p>
<button id="remind" type="button"
        onclick="alert('Remember to sync'); document.getElementById('chosen').textContent = 'reminded'">Remind</button>
<button id="broken" type="button" onclick="noSuchFunction()" >
                                  Broken</ button><div style = "height: 2400px"> Tall content</ div>
                                  <script> document.getElementById('evidence')
                                      .addEventListener(
                                          'change', (event) = > {
                                              const file = event.target.files[0];
                                              document.getElementById('chosen').textContent =
                                                  'Chosen: ' + file.name;
                                          });
</script>
</body></html>
)";

constexpr const char* kSavedPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>Saved</title></head><body>
<p id="saved"></p>
<script>
const query = new URLSearchParams(location.search);
document.getElementById('saved').textContent =
  'Saved ' + query.get('name') + ' on ' + query.get('date');
</script>
</body></html>
)";

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    REQUIRE(out.flush());
}

// The two pages in a temporary directory, opened over file://.
struct FormPages {
    TempDir dir;
    std::string form_url;

    FormPages() {
        write_file(dir.file("visit.html"), kFormPage);
        write_file(dir.file("saved.html"), kSavedPage);
        form_url = "file://";
        form_url += dir.file("visit.html").string();
    }
};

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return value;
}

}  // namespace

TEST_CASE("the browser driver fills in a form, submits it and reads the page it leads to",
          "[integration][browser]") {
    FormPages pages;
    CdpBrowser browser;
    browser.navigate(pages.form_url);
    CHECK(browser.text("h1") == "Record a visit");

    // Quotes and an apostrophe reach the field as typed.
    browser.fill("#name", R"(Acorn "Leeds" O'Neil)");
    // A date input takes only YYYY-MM-DD.
    CHECK_THROWS_WITH(browser.fill("#date", "31/03/2026"),
                      Catch::Contains("does not take the value 31/03/2026"));
    browser.fill("#date", "2026-03-31");
    CHECK(browser.evaluate("document.getElementById('date').valueAsDate.getUTCMonth()") == 2);
    CHECK_THROWS_WITH(browser.fill("#nowhere", "x"),
                      Catch::Contains("no element matches #nowhere"));
    CHECK(browser.text("#nowhere").empty());

    browser.click_and_wait_load("#save");
    CHECK_THAT(browser.url(), Catch::Contains("/saved.html?name="));
    CHECK(browser.text("#saved") == R"(Saved Acorn "Leeds" O'Neil on 2026-03-31)");
}

TEST_CASE("the browser driver attaches a 3 MB file to a file input", "[integration][browser]") {
    FormPages pages;
    const auto evidence = pages.dir.file("policy scan.pdf");
    write_file(evidence, std::string(3 * 1024 * 1024, 'x'));

    CdpBrowser browser;
    browser.navigate(pages.form_url);
    browser.set_files("#evidence", {evidence});
    CHECK(browser.evaluate("document.getElementById('evidence').files[0].size") == 3145728);
    CHECK(browser.evaluate("document.getElementById('evidence').files[0].name") ==
          "policy scan.pdf");
    // The page's own change handler saw the file, as after choosing it by hand.
    CHECK(browser.wait_for("document.getElementById('chosen').textContent.startsWith('Chosen')"));
    CHECK(browser.text("#chosen") == "Chosen: policy scan.pdf");

    CHECK_THROWS_WITH(browser.set_files("#evidence", {pages.dir.file("missing.pdf")}),
                      Catch::Contains("no such file"));
    CHECK_THROWS_WITH(browser.set_files("#upload", {evidence}),
                      Catch::Contains("no element matches #upload"));
}

TEST_CASE("the browser driver reports script errors and dialogs and bounds every wait",
          "[integration][browser]") {
    FormPages pages;
    CdpBrowser browser;
    browser.navigate(pages.form_url);

    CHECK_THROWS_WITH(browser.evaluate("throw new Error('the store is locked')"),
                      Catch::Contains("the store is locked"));
    // The page is still usable after an error; promises are awaited.
    CHECK(browser.evaluate("6 * 7") == 42);
    CHECK(browser.evaluate("new Promise((done) => setTimeout(() => done('later'), 50))") ==
          "later");
    CHECK(browser.evaluate("undefined").is_null());

    // A dialog is accepted at once, so the page's handler goes on.
    browser.click("#remind");
    CHECK(browser.wait_for("document.getElementById('chosen').textContent === 'reminded'"));
    REQUIRE(browser.dialogs().size() == 1);
    CHECK(browser.dialogs()[0] == "Remember to sync");

    // An uncaught exception in the page's own script is recorded.
    browser.click("#broken");
    for (int attempt = 0; attempt < 40 && browser.page_errors().empty(); ++attempt) {
        browser.evaluate("0");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(browser.page_errors().size() == 1);
    CHECK_THAT(browser.page_errors()[0], Catch::Contains("noSuchFunction"));

    // A condition that never holds, or that throws, ends at its time limit.
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(browser.wait_for("false", std::chrono::milliseconds(300)));
    CHECK_FALSE(browser.wait_for("document.querySelector('#nowhere').value === 'x'",
                                 std::chrono::milliseconds(300)));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

    // A page that cannot be fetched (chromium refuses port 1 outright).
    CHECK_THROWS_WITH(browser.navigate("http://127.0.0.1:1/"),
                      Catch::Contains("cannot open http://127.0.0.1:1/: net::ERR_"));
}

TEST_CASE("the browser driver takes a PNG screenshot of the whole page", "[integration][browser]") {
    FormPages pages;
    CdpBrowser browser(800, 600);
    browser.navigate(pages.form_url);
    const auto dir = std::filesystem::path(DSPT_ARTIFACT_DIR);
    std::filesystem::create_directories(dir);
    const auto png = dir / "browser_driver_form.png";
    browser.screenshot(png);

    const auto bytes = read_all(png);
    REQUIRE(bytes.size() > 24);
    CHECK(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n");
    CHECK(bytes.substr(12, 4) == "IHDR");
    CHECK(big_endian(bytes, 16) == 800);
    // Below the window: the page is over 2400 pixels tall.
    CHECK(big_endian(bytes, 20) > 2400);
}

TEST_CASE("the browser driver opens a page of the real server and sees its HTTP status",
          "[integration][browser]") {
    ServerProcess server;
    CdpBrowser browser;
    browser.navigate(server.url() + "/web/");
    CHECK(browser.status_of_last_navigation() == 401);
    CHECK_THAT(browser.text("body"), Catch::Contains("dspt web-login"));
}
