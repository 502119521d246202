// The local screen (`dspt ui`) around the items: whose assessment the header
// names and a head office's site switcher and organisation page; one readiness
// on the overview and the Publish page while a conflict holds a level back;
// the confirmation before publishing and the publications shown at all times;
// and Sync now's progress page while a slow sync runs, then what arrived.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/client_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/integration/ui_fixture.hpp"
#include "tests/support/cdp_browser.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/temp_dir.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

void run_ok(const ClientHome& home, const std::vector<std::string>& args) {
    const auto result = home.run(args);
    INFO(args.front() << ": " << result.out << result.err);
    REQUIRE(result.exit_code == 0);
}

// Waits, bounded, until the browser is on the overview after a sync (the
// progress page hands over to it when the sync ends).
void wait_for_overview(CdpBrowser& browser, const LocalScreen& screen) {
    const bool back = browser.wait_for("location.href === '" + screen.page("/") +
                                           "' && document.readyState === 'complete' && "
                                           "document.getElementById('sync-now') !== null",
                                       std::chrono::seconds(120));
    INFO(browser.url() << ": " << browser.text("body").substr(0, 600));
    REQUIRE(back);
}

}  // namespace

TEST_CASE("a head office's screen names the site it edits, switches sites and lists every site",
          "[integration][browser]") {
    AcornGroup acorn;
    run_ok(acorn.hq, {"sync"});  // learns the sites
    answer_all(acorn.hq, "approaching", {"--site", "VA002"});
    run_ok(acorn.hq, {"--site", "VA002", "answer", "1.1.1", "ZA998877"});

    LocalScreen screen(acorn.hq, {"--site", "VA002"});
    CHECK_THAT(screen.out(),
               Catch::Contains("The DSPT screen for Acorn Homecare, Acorn York (VA002) (20"));
    CdpBrowser browser(1100, 800);
    browser.navigate(screen.address());
    // The organisation and the site being edited, not the head office alone.
    CHECK(browser.text("#organisation") == "Acorn Homecare");
    CHECK(browser.text("#site") == "Acorn York (VA002)");
    CHECK(browser.evaluate("document.getElementById('site-choice').value") == "VA002");
    CHECK(browser.evaluate("[...document.querySelectorAll('#site-choice option')].map(o => "
                           "o.value).join(',')") == ",VA001,VA002,VA003");
    CHECK(browser.text("#level") == "Approaching Standards");
    // The navigation names the standards; the skip link waits for the keyboard.
    CHECK_THAT(browser.text("nav.main"), Catch::Contains("3 Training"));
    CHECK_THAT(browser.text("nav.main"), Catch::Contains("1 Personal Confidential Data"));
    CHECK(browser.evaluate("document.querySelector('a.skip').getBoundingClientRect().right <= 0")
              .get<bool>());
    keep_screenshot(browser, "ui-hq-site-header.png");
    // The first Tab reaches it, and then it shows.
    browser.call("Emulation.setFocusEmulationEnabled", {{"enabled", true}});
    for (const auto* type : {"keyDown", "keyUp"}) {
        browser.call(
            "Input.dispatchKeyEvent",
            {{"type", type}, {"key", "Tab"}, {"code", "Tab"}, {"windowsVirtualKeyCode", 9}});
    }
    CHECK(
        browser.wait_for("document.activeElement.className === 'skip' && "
                         "document.activeElement.getBoundingClientRect().left >= 0"));

    // Every site with its level, each a link to the site.
    browser.click_and_wait_load("#all-sites");
    CHECK_THAT(browser.text("h1"), Catch::Contains("Every site of Acorn Homecare"));
    CHECK_THAT(browser.text("#site-VA002 .level"), Catch::Contains("Approaching Standards"));
    CHECK_THAT(browser.text("#site-VA001 .level"), Catch::Contains("Not yet"));
    CHECK_THAT(browser.text("#site-VA003"), Catch::Contains("Acorn Hull (VA003)"));
    keep_screenshot(browser, "ui-hq-organisation.png");
    browser.click_and_wait_load("#site-VA001 a");
    CHECK(browser.text("#site") == "Acorn Leeds (VA001)");
    CHECK_THAT(browser.text("#flash"),
               Catch::Contains("Showing Acorn Leeds (VA001) of Acorn Homecare"));
    CHECK(browser.text("#level") == "Not yet at Approaching Standards");

    // The switcher in the header, as a person uses it.
    browser.fill("#site-choice", "");
    browser.click_and_wait_load("#switch-site");
    CHECK(browser.text("#site") == "Organisation-wide answers");
    // A head office publishes for a site: the Publish page says how to choose one.
    browser.navigate(screen.page("/publish"));
    CHECK_THAT(browser.text("#choose-site"), Catch::Contains("choose a site"));
    CHECK(browser.evaluate("document.querySelector('[id^=publish-]') === null").get<bool>());

    // A site that is not the organisation's is refused, saying which are.
    browser.navigate(screen.page("/switch?site=ZZ999"));
    CHECK(browser.status_of_last_navigation() == 404);
    CHECK_THAT(browser.text("body"), Catch::Contains("VA001, VA002, VA003"));
    browser.navigate(screen.page("/"));
    CHECK(browser.text("#site") == "Organisation-wide answers");
    CHECK(browser.page_errors().empty());
}

TEST_CASE("a branch's screen names its organisation and site and has no site switcher",
          "[integration][ui]") {
    AcornGroup acorn;
    LocalScreen screen(acorn.leeds);
    CdpBrowser browser;
    browser.navigate(screen.address());
    CHECK(browser.text("#organisation") == "Acorn Homecare");
    CHECK(browser.text("#site") == "Acorn Leeds (VA001)");
    CHECK(browser.evaluate("document.getElementById('site-choice') === null").get<bool>());
    browser.navigate(screen.page("/organisation"));
    CHECK(browser.status_of_last_navigation() == 404);
    CHECK_THAT(browser.text("body"), Catch::Contains("head office device"));
}

TEST_CASE("publishing from the screen asks first, and the publications stay on show",
          "[integration][browser]") {
    ServerProcess server;
    server.register_demo();
    ClientHome home;
    enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    answer_all(home, "met");
    run_ok(home, {"sync"});

    LocalScreen screen(home);
    CdpBrowser browser(1100, 900);
    browser.navigate(screen.address());
    CHECK_THAT(browser.text("#publications-none"), Catch::Contains("Nothing published yet"));
    browser.navigate(screen.page("/publish"));
    CHECK(browser.text("#level-met").find("Ready to publish") != std::string::npos);

    // A post without the confirmation publishes nothing: it leads to the question.
    browser.navigate(screen.page("/"));
    const auto posted = browser.evaluate(
        "fetch('/publish', {method: 'POST', body: new URLSearchParams({csrf: "
        "document.querySelector('input[name=csrf]').value, level: 'met'})}).then(r => r.url)");
    CHECK_THAT(posted.get<std::string>(), Catch::Contains("/publish/confirm?level=met"));
    CHECK(home.json({"publications"}).empty());

    browser.navigate(screen.page("/publish"));
    browser.click_and_wait_load("#publish-met");
    CHECK_THAT(browser.url(), Catch::Contains("/publish/confirm?level=met"));
    CHECK(browser.text("#confirm-level") == "Standards Met");
    CHECK_THAT(browser.text("#confirm-sites"), Catch::Contains("VC001"));
    CHECK(browser.text("#confirm-year") == home.json({"status"})["year"].get<std::string>());
    CHECK_THAT(browser.text("#confirm-public"), Catch::Contains("becomes public"));
    keep_screenshot(browser, "ui-publish-confirm.png");
    // Going back publishes nothing.
    browser.click_and_wait_load("#cancel-publish");
    CHECK(home.json({"publications"}).empty());

    browser.click_and_wait_load("#publish-met");
    browser.click_and_wait_load("#confirm-publish");
    INFO(browser.text("body").substr(0, 800));
    CHECK_THAT(browser.text("#server-answer"), Catch::Contains("Published at Standards Met"));
    REQUIRE(home.json({"publications"}).size() == 1);

    // On the overview and the Publish page from now on, with the certificate.
    browser.navigate(screen.page("/"));
    CHECK_THAT(browser.text("#publications"), Catch::Contains("Standards Met"));
    CHECK_THAT(browser.text("#publications"), Catch::Contains("VC001"));
    CHECK(browser.evaluate("document.getElementById('certificate').getAttribute('href')") ==
          "/certificate.pdf");
    keep_screenshot(browser, "ui-overview-publications.png");
    CHECK(screen.stop() == 0);

    // A new screen knows them too, not only right after publishing.
    LocalScreen again(home);
    CdpBrowser later;
    later.navigate(again.address());
    later.navigate(again.page("/publish"));
    CHECK_THAT(later.text("#publications"), Catch::Contains("Standards Met"));
    CHECK(later.evaluate("document.getElementById('certificate') !== null").get<bool>());
    CHECK(later.page_errors().empty());
}

TEST_CASE("the overview and the Publish page agree while a conflict holds a level back",
          "[integration][ui]") {
    const CedarHouseDevices cedar;
    const auto& home = cedar.home;
    const auto& second = cedar.second;
    answer_all(home, "met");
    run_ok(home, {"sync"});
    run_ok(second, {"sync"});
    // Both devices change the same item before either hears of the other.
    run_ok(second, {"answer", "1.1.1", "ZA111111"});
    run_ok(second, {"sync"});
    run_ok(home, {"answer", "1.1.1", "ZA222222"});
    run_ok(home, {"sync"});
    REQUIRE(home.json({"conflicts"}).size() == 1);

    LocalScreen screen(home);
    CdpBrowser browser;
    browser.navigate(screen.address());
    CHECK(browser.text("#level") == "Not yet: held back by a conflict");
    CHECK_THAT(browser.text("#held-back"), Catch::Contains("The answers reach Standards Met"));
    CHECK_THAT(browser.text("#held-back"), Catch::Contains("1 item changed on two devices"));
    browser.navigate(screen.page("/publish"));
    CHECK(browser.evaluate("document.querySelectorAll('.ready').length").get<int>() == 0);
    CHECK_THAT(browser.text("#level-met"), Catch::Contains("Not yet"));
    CHECK_THAT(browser.text("#held-back-met"), Catch::Contains("The answers reach Standards Met"));
    keep_screenshot(browser, "ui-publish-held-back.png");

    // Resolved: both pages agree again, on Standards Met.
    run_ok(home, {"resolve", "1.1.1", "--value", "ZA222222"});
    browser.navigate(screen.page("/"));
    CHECK(browser.text("#level") == "Standards Met");
    CHECK(browser.text("#held-back").empty());
    browser.navigate(screen.page("/publish"));
    CHECK(browser.text("#level-met").find("Ready to publish") != std::string::npos);
}

TEST_CASE("Sync now shows its progress while a slow sync runs, then what arrived",
          "[integration][ui]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    const auto through_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    ClientHome home;
    enrol(home, through_proxy, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    ClientHome second;
    enrol(second, server, home.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
          "Cedar House office");
    run_ok(second, {"answer", "1.1.1", "ZA445566", "--comment", "From the office"});
    run_ok(second, {"sync"});

    // A file that takes several seconds through a slow line.
    const TempDir files;
    const auto scan = files.file("fire-drill-log.pdf");
    {
        std::ofstream out(scan, std::ios::binary);
        for (std::size_t i = 0; i < 2 * 1024 * 1024; ++i) {
            out.put(static_cast<char>((i * 131 + i / 4096) & 0xFF));
        }
    }
    run_ok(home, {"evidence", "add", "1.1.2", scan.string()});
    proxy.throttle(200 * 1024);  // about ten seconds

    LocalScreen screen(home);
    CdpBrowser browser;
    browser.navigate(screen.address());
    browser.click_and_wait_load("#sync-now");
    CHECK(browser.url() == screen.page("/sync"));
    // The page reloads itself each second: each look waits for a loaded one.
    CHECK(
        browser.wait_for("document.readyState === 'complete' && "
                         "document.querySelector('h1').textContent === 'Syncing' && "
                         "document.getElementById('sync-stage').textContent.length > 0 && "
                         "document.querySelector('meta[http-equiv=refresh]') !== null"));
    keep_screenshot(browser, "ui-sync-progress.png");
    // The page follows the upload as it goes.
    CHECK(
        browser.wait_for("document.getElementById('sync-bar') !== null && "
                         "document.getElementById('sync-stage').textContent.includes('Uploading')",
                         std::chrono::seconds(30)));

    // Meanwhile a change is refused with its reason, and another page leads to the progress.
    const auto cookies = browser.call("Network.getCookies", {{"urls", {screen.origin()}}});
    REQUIRE(cookies["cookies"].size() == 1);
    const auto cookie = cookies["cookies"][0]["name"].get<std::string>() + "=" +
                        cookies["cookies"][0]["value"].get<std::string>();
    const auto refused = fetch(screen.page("/item/1.3.1/answer"), "POST", {{"Cookie", cookie}});
    CHECK(refused.status == 409);
    CHECK_THAT(refused.body, Catch::Contains("A sync is running, so this change was not made"));
    const auto elsewhere = fetch(screen.page("/standard/1"), "GET", {{"Cookie", cookie}});
    CHECK(elsewhere.status == 303);
    CHECK(elsewhere.header("location") == "/sync");

    wait_for_overview(browser, screen);
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Synced: sent"));
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Uploaded 1 evidence file"));
    CHECK_THAT(browser.text("#arrived"), Catch::Contains("1.1.1"));
    CHECK_THAT(browser.text("#arrived"), Catch::Contains(", by "));
    CHECK(browser.text("#pending") == "0");
    // The list is for the overview right after the sync only.
    browser.navigate(screen.page("/"));
    CHECK(browser.text("#arrived").empty());
    CHECK(browser.page_errors().empty());
    CHECK(screen.stop() == 0);
    CHECK(home.json({"show", "1.1.1"})["answer"]["value"] == "ZA445566");
}

TEST_CASE("the screen discards a change the server refused and attaches a plan document",
          "[integration][ui]") {
    // A server taking values up to 4096 bytes, below the protocol's limit.
    ServerProcess server{{"--max-value-bytes", "4096"}};
    server.register_demo();
    ClientHome home;
    enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    // Over the server's limit for a comment: set aside by the sync.
    run_ok(home, {"answer", "1.1.1", "ZA111111", "--comment", std::string(6'000, 'L')});
    CHECK(home.run({"sync"}).exit_code == 2);
    REQUIRE(home.json({"status"})["set_aside"].size() == 1);

    LocalScreen screen(home);
    CdpBrowser browser;
    browser.navigate(screen.address());
    CHECK_THAT(browser.text("#set-aside"), Catch::Contains("1.1.1"));
    CHECK(browser.text("#set-aside").find("dspt") == std::string::npos);
    browser.click_and_wait_load("#set-aside button");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Discarded 1.1.1"));
    CHECK(browser.text("#set-aside").empty());
    CHECK(home.json({"status"})["set_aside"].empty());

    // The plan document goes in from the Publish page, with no command to type.
    const TempDir files;
    const auto plan = files.file("action-plan.docx");
    std::ofstream(plan) << std::string(4000, 'p');
    browser.navigate(screen.page("/publish"));
    CHECK(browser.text("#plan-documents-heading").size() > 0);
    CHECK(browser.text("body").find("dspt plan") == std::string::npos);
    browser.set_files("#file-plan-document", {plan});
    browser.click_and_wait_load("form[action='/plan-document'] button[type=submit]");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Attached action-plan.docx") &&
                                           Catch::Contains("the action plan documents"));
    CHECK_THAT(browser.text("#plan-documents"), Catch::Contains("action-plan.docx"));
    CHECK(browser.page_errors().empty());
    CHECK(screen.stop() == 0);
}

TEST_CASE("the screen shows whose name answers carry and records another person's",
          "[integration][ui]") {
    ClientHome home;
    home.init();
    LocalScreen screen(home);
    CdpBrowser browser;
    browser.navigate(screen.address());
    // This screen was started with DSPT_USER set: that name is shown.
    CHECK(browser.text("#author") == "test manager");
    browser.fill("#author-name", "Sam Patel");
    browser.click_and_wait_load("#author-save");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Saved Sam Patel"));
    // A blank name is refused in words, and the recorded one stays.
    browser.fill("#author-name", "   ");
    browser.evaluate("document.getElementById('author-name').removeAttribute('required'), true");
    browser.click_and_wait_load("#author-save");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("empty"));
    CHECK(screen.stop() == 0);

    // The name is the store's: the command line sees it too.
    const auto shown = home.run({"user", "--json"});
    REQUIRE(shown.exit_code == 0);
    CHECK(nlohmann::json::parse(shown.out)["recorded"] == "Sam Patel");
}
