// The screen's item pages and conflicts in the words of the people who use
// them: every page of a store with a conflict, evidence, a plan and a profile
// free of register keys, store ids and raw times; a conflict naming each
// value's device and this one; the message of a save beside the item saved;
// dates shown and typed as in the UK; and the filter that shows only what is
// missing.

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/client_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/integration/ui_fixture.hpp"
#include "tests/support/cdp_browser.hpp"
#include "tests/support/temp_dir.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// The id of the page section that holds the page's message, "" when none does.
std::string section_of_flash(CdpBrowser& browser) {
    return browser
        .evaluate(
            "(() => { const f = document.getElementById('flash'); const s = f && "
            "f.closest('section'); return s ? s.id : ''; })()")
        .get<std::string>();
}

int count(CdpBrowser& browser, const std::string& css) {
    return browser.evaluate("document.querySelectorAll(\"" + css + "\").length").get<int>();
}

// Sections of items shown (not hidden by the filter).
int items_shown(CdpBrowser& browser) {
    return browser
        .evaluate(
            "[...document.querySelectorAll('section.item')].filter(s => "
            "s.offsetParent !== null).length")
        .get<int>();
}

// Two devices of Cedar House with 1.3.3 changed on both, a plan entry, an
// evidence file and a profile fact; `reception` opens the screen.
struct CedarHouseInConflict {
    ServerProcess server;
    ClientHome reception;
    ClientHome office;
    TempDir files;

    CedarHouseInConflict() {
        server.register_demo();
        enrol(reception, server, server.code({"--org", "CD2", "--site", "VC001"}),
              "Cedar House reception");
        enrol(office, server,
              reception.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
              "Cedar House office");
        const auto file = files.file("information-register.pdf");
        std::ofstream(file) << "register of information assets";
        REQUIRE(reception.run({"evidence", "add", "1.1.2", file.string()}).exit_code == 0);
        REQUIRE(reception
                    .run({"plan", "set", "1.1.3", "--action", "Publish the privacy notice",
                          "--owner", "Registered manager", "--due", "2027-02-26"})
                    .exit_code == 0);
        REQUIRE(reception.run({"profile", "--caldicott-guardian", "Dr Ada Shaw"}).exit_code == 0);
        REQUIRE(reception.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
        REQUIRE(reception.run({"sync"}).exit_code == 0);
        REQUIRE(
            office.run({"answer", "1.3.3", "no", "--comment", "Not written down yet"}).exit_code ==
            0);
        REQUIRE(office.run({"sync"}).exit_code == 0);
        REQUIRE(reception.run({"answer", "1.3.3", "yes"}).exit_code == 0);
        REQUIRE(reception.json({"sync"})["open_conflicts"] == 1);
    }
};

const std::regex kUkMoment(
    R"(\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) 20\d\d \d\d:\d\d)");

}  // namespace

TEST_CASE("every page of the screen speaks of items, devices by name and UK dates",
          "[integration][ui]") {
    CedarHouseInConflict home;
    LocalScreen screen(home.reception);
    CdpBrowser browser;
    browser.navigate(screen.address());

    // What only the command line or the store knows never shows: register keys,
    // store ids, Unix times in milliseconds. The item pages and the conflicts
    // page also give no command to type and write no date the ISO way.
    const std::regex register_key(R"(\b(answer|plan|profile|evidence)/[0-9a-z_.]+)");
    const std::regex epoch_ms(R"(\b1[6-9]\d{11}\b)");
    const std::regex iso_date(R"(\b20\d\d-\d\d-\d\d\b)");
    std::vector<std::string> pages{"/", "/conflicts", "/publish", "/export"};
    for (int standard = 1; standard <= 10; ++standard) {
        pages.push_back("/standard/" + std::to_string(standard));
    }
    for (const auto& page : pages) {
        browser.navigate(screen.page(page));
        const auto text = browser.text("body");
        INFO(page << ":\n" << text.substr(0, 3000));
        CHECK_FALSE(std::regex_search(text, register_key));
        CHECK(text.find("replica") == std::string::npos);
        CHECK_FALSE(std::regex_search(text, epoch_ms));
        if (page.starts_with("/standard/") || page == "/conflicts") {
            CHECK(text.find("dspt ") == std::string::npos);
            CHECK_FALSE(std::regex_search(text, iso_date));
        }
    }

    // The conflict names the other device, marks this one, and says when.
    browser.navigate(screen.page("/conflicts"));
    const auto conflict = browser.text(by_id("conflict-1.3.3"));
    INFO(conflict);
    CHECK_THAT(conflict, Catch::Contains("This device"));
    CHECK_THAT(conflict, Catch::Contains("Cedar House office"));
    CHECK_THAT(conflict, Catch::Contains("Not written down yet"));
    CHECK(std::regex_search(conflict, kUkMoment));
    CHECK(count(browser, "tr.this-device") == 1);
    CHECK_THAT(browser.text("tr.this-device"), Catch::Contains("yes"));
    keep_screenshot(browser, "ui-conflicts-devices.png");

    // The plan's date reads as a UK date and is typed as one.
    browser.navigate(screen.page("/standard/1"));
    CHECK_THAT(browser.text(by_id("item-1.1.3")), Catch::Contains("by 26 February 2027"));
    CHECK(browser.evaluate("document.querySelector(\"[id='plan-due-1.1.3']\").value")
              .get<std::string>() == "26/02/2027");
    browser.fill(by_id("plan-due-1.1.3"), "31/03/2027");
    browser.click_and_wait_load(by_id("item-1.1.3") + " .plan button[type=submit]");
    CHECK(home.reception.json({"plan", "list"})[0]["due"] == "2027-03-31");
    CHECK_THAT(browser.text(by_id("item-1.1.3")), Catch::Contains("by 31 March 2027"));

    // The message of a save stands in the item saved, which the page scrolls to,
    // and once only.
    CHECK(section_of_flash(browser) == "item-1.1.3");
    CHECK(count(browser, "#flash") == 1);
    CHECK_THAT(browser.url(), Catch::EndsWith("/standard/1#item-1.1.3"));
    browser.click(by_id("yes-1.3.1"));
    browser.click_and_wait_load(by_id("save-1.3.1"));
    CHECK(section_of_flash(browser) == "item-1.3.1");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("1.3.1"));
    CHECK(count(browser, "#flash") == 1);

    // A date that is not a day is refused beside its item, naming the form
    // wanted; the plan stays as it was.
    browser.fill(by_id("plan-due-1.1.3"), "31/02/2027");
    browser.click_and_wait_load(by_id("item-1.1.3") + " .plan button[type=submit]");
    CHECK(section_of_flash(browser) == "item-1.1.3");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("DD/MM/YYYY"));
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Nothing was saved"));
    CHECK(home.reception.json({"plan", "list"})[0]["due"] == "2027-03-31");

    // A message not about one item stays at the top of the page; a new value of
    // spaces alone is refused in the page's words.
    browser.navigate(screen.page("/conflicts"));
    browser.fill(by_id("resolve-value-1.3.3"), "   ");
    browser.click_and_wait_load(by_id("conflict-1.3.3") + " button[type=submit]:not([aria-label])");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Write the value to keep for 1.3.3"));
    CHECK(browser.text("#flash").find("dspt") == std::string::npos);
    CHECK(home.reception.json({"conflicts"}).size() == 1);
    browser.click_and_wait_load("button[aria-label^='Keep yes']");
    CHECK(section_of_flash(browser).empty());
    CHECK_THAT(browser.text("#flash"), Catch::Contains("Resolved 1.3.3: yes"));
    CHECK(browser.page_errors().empty());

    // Offline with nothing waiting: no count of changes kept.
    browser.navigate(screen.page("/"));
    browser.click_and_wait_load("#sync-now");
    REQUIRE(browser.text("#pending") == "0");
    home.server.stop();
    browser.click_and_wait_load("#sync-now");
    CHECK_THAT(browser.text("#flash"), Catch::Contains("offline"));
    CHECK_THAT(browser.text("#flash"), Catch::Contains("No change made here was waiting"));
    CHECK(browser.text("#flash").find("0 change(s)") == std::string::npos);
    CHECK(screen.stop() == 0);
}

TEST_CASE("the filter shows only the items still missing, and shows them all again",
          "[integration][browser]") {
    ClientHome home;
    REQUIRE(home.run({"init", "--name", "Cedar House"}).exit_code == 0);
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(home.run({"answer", "1.3.1", "yes"}).exit_code == 0);
    LocalScreen screen(home);
    CdpBrowser browser;
    browser.navigate(screen.address());
    browser.navigate(screen.page("/standard/1"));

    const int all = items_shown(browser);
    const auto missing_items = home.json({"items", "--standard", "1", "--missing", "met"});
    const auto missing = static_cast<int>(missing_items.size());
    REQUIRE(missing > 0);
    REQUIRE(missing < all);
    CHECK(browser.text("#missing-count") == std::to_string(missing));
    CHECK(browser.evaluate("document.getElementById('only-missing').checked").get<bool>() == false);

    browser.click("#only-missing");
    CHECK(browser.wait_for("document.getElementById('only-missing').checked"));
    CHECK(items_shown(browser) == missing);
    // What is shown is what `dspt items --missing met` lists.
    for (const auto& item : missing_items) {
        const auto id = item["id"].get<std::string>();
        INFO(id);
        CHECK(browser
                  .evaluate("document.querySelector(\"[id='item-" + id +
                            "']\").offsetParent !== null")
                  .get<bool>());
    }
    CHECK(browser.evaluate("document.querySelector(\"[id='item-1.1.1']\").offsetParent === null")
              .get<bool>());
    keep_screenshot(browser, "ui-only-missing.png");

    browser.click("#only-missing");
    CHECK(browser.wait_for("!document.getElementById('only-missing').checked"));
    CHECK(items_shown(browser) == all);
    CHECK(browser.page_errors().empty());
    CHECK(screen.stop() == 0);
}
