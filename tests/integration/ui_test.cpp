// `dspt ui`, the local screen, driven in Debian's headless Chromium as a care
// manager uses it: answering, attaching a document with its progress bar,
// planning, working with the server stopped, syncing, settling a conflict
// with a second device, and publishing; and its refusals: no token, a spent
// token, a forged cross-site form, an over-limit upload, markup in a title.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/client_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/integration/ui_fixture.hpp"
#include "tests/support/cdp_browser.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/temp_dir.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// A file of `bytes` bytes that is not all one byte.
std::filesystem::path write_file(const TempDir& dir, const std::string& name, std::size_t bytes) {
    const auto path = dir.file(name);
    std::ofstream out(path, std::ios::binary);
    for (std::size_t i = 0; i < bytes; ++i) {
        out.put(static_cast<char>((i * 131 + i / 4096) & 0xFF));
    }
    return path;
}

std::string flash(CdpBrowser& browser) {
    return browser.text("#flash");
}

// Saves the item's answer form, waiting for the page it goes back to.
void save(CdpBrowser& browser, const std::string& item) {
    browser.click_and_wait_load(by_id("save-" + item));
    INFO(browser.url() << ": " << browser.text("body").substr(0, 600));
    CHECK_THAT(flash(browser), Catch::Contains(item));
}

// Ticks "yes" for an item of standard 1 and saves it.
void confirm_yes(CdpBrowser& browser, const LocalScreen& screen, const std::string& item) {
    browser.navigate(screen.page("/standard/1"));
    browser.click(by_id("yes-" + item));
    save(browser, item);
}

// Presses Sync now on the overview, waiting for the overview it reports on
// (through the progress page when the sync takes a while).
void sync_now(CdpBrowser& browser, const LocalScreen& screen) {
    browser.navigate(screen.page("/"));
    browser.click_and_wait_load("#sync-now");
    const bool back = browser.wait_for("location.href === '" + screen.page("/") +
                                           "' && document.readyState === 'complete' && "
                                           "document.getElementById('sync-now') !== null",
                                       std::chrono::seconds(120));
    INFO(browser.url());
    REQUIRE(back);
}

int progress_value(CdpBrowser& browser, const std::string& id) {
    return browser.evaluate("document.getElementById('" + id + "').value").get<int>();
}

void keep_artifact(CdpBrowser& browser, const std::string& name) {
    std::filesystem::create_directories(DSPT_ARTIFACT_DIR);
    const auto path = std::filesystem::path(DSPT_ARTIFACT_DIR) / name;
    browser.screenshot(path);
    CHECK(std::filesystem::file_size(path) > 1000);
}

}  // namespace

TEST_CASE("a care manager completes the assessment from the screen, offline and online",
          "[integration][ui]") {
    CedarHouseDevices cedar;
    auto& server = cedar.server;
    const auto& home = cedar.home;
    const auto& second = cedar.second;

    LocalScreen screen(home);
    CdpBrowser browser;
    browser.navigate(screen.address());
    CHECK(browser.url() == screen.page("/"));
    CHECK(browser.text("#level") == "Not yet at Approaching Standards");
    const int approaching_before = progress_value(browser, "progress-approaching");
    const int met_before = progress_value(browser, "progress-met");
    keep_artifact(browser, "ui-overview-start.png");

    // A text, a confirm and a document item of standard 1.
    browser.navigate(screen.page("/standard/1"));
    browser.fill(by_id("value-1.1.1"), "ZA123456");
    save(browser, "1.1.1");
    CHECK(browser.text(by_id("state-1.1.1")) == "satisfied");
    browser.click(by_id("yes-1.3.1"));
    save(browser, "1.3.1");
    CHECK(browser.text(by_id("state-1.3.1")) == "satisfied");

    const TempDir files;
    const auto register_file = write_file(files, "information-register.pdf", 3 * 1024 * 1024);
    browser.set_files(by_id("file-1.1.2"), {register_file});
    browser.click_and_wait_load(by_id("item-1.1.2") + " form.upload button[type=submit]");
    CHECK_THAT(flash(browser), Catch::Contains("Attached information-register.pdf"));
    CHECK_THAT(browser.text(by_id("evidence-1.1.2")), Catch::Contains("information-register.pdf"));
    CHECK(browser.text(by_id("state-1.1.2")) == "satisfied");
    const auto listed = home.json({"evidence", "list", "1.1.2"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["size"] == 3 * 1024 * 1024);

    // An action-plan entry for an item not satisfied yet.
    browser.fill(by_id("plan-action-1.1.3"), "Publish the privacy notice on the website");
    browser.fill(by_id("plan-owner-1.1.3"), "Registered manager");
    browser.fill(by_id("plan-due-1.1.3"), "2027-02-26");
    browser.click_and_wait_load(by_id("item-1.1.3") + " .plan button[type=submit]");
    CHECK_THAT(browser.text(by_id("item-1.1.3")), Catch::Contains("Planned: Publish the privacy"));
    const auto plan = home.json({"plan", "list"});
    REQUIRE(plan.size() == 1);
    CHECK(plan[0]["due"] == "2027-02-26");
    keep_artifact(browser, "ui-standard-1.png");

    // The bars moved as the command line counts.
    browser.navigate(screen.page("/"));
    const auto status = home.json({"status"});
    CHECK(progress_value(browser, "progress-approaching") ==
          status["levels"]["approaching"]["satisfied"].get<int>());
    CHECK(progress_value(browser, "progress-approaching") > approaching_before);
    CHECK(progress_value(browser, "progress-met") > met_before);
    CHECK(browser.text("#pending") != "0");

    // The server goes away; the screen keeps working and loses nothing.
    server.stop();
    confirm_yes(browser, screen, "1.3.2");
    sync_now(browser, screen);
    CHECK_THAT(flash(browser), Catch::Contains("offline"));
    CHECK_THAT(flash(browser), Catch::Contains("Nothing is lost"));
    const auto waiting = std::stoi(browser.text("#pending"));
    CHECK(waiting >= 5);

    server.restart();
    sync_now(browser, screen);
    CHECK_THAT(flash(browser), Catch::Contains("Synced: sent"));
    CHECK(browser.text("#pending") == "0");
    CHECK(browser.text("#last-sync") != "never");
    REQUIRE(second.run({"sync"}).exit_code == 0);
    CHECK(second.json({"show", "1.1.1"})["answer"]["value"] == "ZA123456");
    CHECK(second.json({"evidence", "list", "1.1.2"}).size() == 1);

    // Both devices change 1.3.3 before either hears of the other.
    REQUIRE(second.run({"answer", "1.3.3", "no", "--comment", "Not written down yet"}).exit_code ==
            0);
    REQUIRE(second.run({"sync"}).exit_code == 0);
    confirm_yes(browser, screen, "1.3.3");
    sync_now(browser, screen);
    CHECK_THAT(flash(browser), Catch::Contains("changed on two devices"));
    CHECK(browser.text("#conflicts") == "1");
    browser.navigate(screen.page("/conflicts"));
    const auto conflict = browser.text(by_id("conflict-1.3.3"));
    CHECK_THAT(conflict, Catch::Contains("Not written down yet"));
    CHECK_THAT(conflict, Catch::Contains("yes"));
    browser.navigate(screen.page("/standard/1"));
    CHECK_THAT(browser.text(by_id("item-1.3.3")), Catch::Contains("changed on two devices"));
    browser.navigate(screen.page("/conflicts"));
    browser.click_and_wait_load("button[aria-label^='Keep yes']");
    CHECK_THAT(flash(browser), Catch::Contains("Resolved 1.3.3: yes"));
    CHECK(browser.text("#no-conflicts").size() > 0);
    sync_now(browser, screen);
    CHECK(browser.text("#conflicts") == "0");
    REQUIRE(second.run({"sync"}).exit_code == 0);
    CHECK(second.json({"show", "1.3.3"})["answer"]["value"] == "yes");

    // Publishing: first every reason, then Approaching Standards with a plan.
    browser.navigate(screen.page("/publish"));
    CHECK(browser.evaluate("document.querySelectorAll('#level-approaching .reasons li').length")
              .get<int>() > 0);
    CHECK(browser.evaluate("document.getElementById('publish-approaching') === null").get<bool>());
    answer_all(home, "approaching");
    // A plan document attached with `dspt plan attach` is listed on the Publish
    // page and can be removed there.
    const auto plan_file = write_file(files, "action-plan.docx", 2000);
    REQUIRE(home.run({"plan", "attach", plan_file.string()}).exit_code == 0);
    browser.navigate(screen.page("/publish"));
    CHECK_THAT(browser.text("#plan-documents"), Catch::Contains("action-plan.docx"));
    browser.click_and_wait_load("button[aria-label='Remove action-plan.docx']");
    CHECK_THAT(flash(browser),
               Catch::Contains("Removed action-plan.docx from the action plan documents"));
    CHECK_FALSE(browser.text("#plan-documents-none").empty());
    for (const auto& item : home.json({"items", "--missing", "met"})) {
        const auto id = item["id"].get<std::string>();
        if (id != "1.1.3") {
            REQUIRE(home.run({"plan", "set", id, "--action", "Write the procedure", "--owner",
                              "Registered manager", "--due", "2027-03-31"})
                        .exit_code == 0);
        }
    }
    browser.navigate(screen.page("/publish"));
    CHECK(browser.text("#level-approaching").find("Ready to publish") != std::string::npos);
    CHECK_THAT(browser.text("#level-met"), Catch::Contains("not satisfied"));
    browser.click_and_wait_load("#publish-approaching");
    // Nothing is published before the confirmation page's button.
    CHECK_THAT(browser.text("#confirm-public"), Catch::Contains("becomes public"));
    CHECK(home.json({"publications"}).empty());
    browser.click_and_wait_load("#confirm-publish");
    INFO(flash(browser));
    CHECK_THAT(browser.text("#server-answer"),
               Catch::Contains("Published at Approaching Standards"));
    const auto publications = home.json({"publications"});
    REQUIRE(publications.size() == 1);
    CHECK(publications[0]["level"] == "approaching");
    keep_artifact(browser, "ui-publish.png");
    INFO("script errors: " << browser.page_errors().size());
    CHECK(browser.page_errors().empty());

    // Ctrl-C leaves the store whole.
    CHECK(screen.stop() == 0);
    CHECK_THAT(screen.out(), Catch::Contains("Stopped"));
    CHECK(home.json({"status"})["level"] == "approaching");
}

namespace {

// A pack of the 2025-26 items with a date item and a title holding markup, so
// the screen's escaping and date picker are seen in a real browser.
std::filesystem::path odd_pack(const TempDir& dir) {
    std::ifstream in(std::filesystem::path(DSPT_SOURCE_DIR) /
                     "common/standards/packs/2025-26.json");
    auto pack = nlohmann::json::parse(in);
    for (auto& item : pack["items"]) {
        if (item["id"] == "1.1.1") {
            item["title"] = "ICO <script>document.title='owned'</script> <b>number</b>";
        }
        if (item["id"] == "7.2.1") {
            item["type"] = "date";
            item["title"] = "Date the continuity plan was last tested";
        }
    }
    const auto path = dir.file("pack.json");
    std::ofstream(path) << pack.dump();
    return path;
}

}  // namespace

TEST_CASE("the screen lets in only its own browser and prints markup as text",
          "[integration][ui]") {
    const TempDir dir;
    ClientHome home;
    REQUIRE(
        home.run({"init", "--name", "Cedar <House>", "--pack", odd_pack(dir).string()}).exit_code ==
        0);
    LocalScreen screen(home, {"--max-upload-mb", "1"});

    // Without the token, with a wrong one: nothing.
    const auto bare = fetch(screen.page("/"));
    CHECK(bare.status == 403);
    CHECK_THAT(bare.body, Catch::Contains("address 'dspt ui' printed"));
    CHECK(fetch(screen.page("/?token=00112233")).status == 403);
    CHECK(fetch(screen.page("/standard/1")).status == 403);
    CHECK(fetch(screen.page("/item/1.3.1/answer"), "POST").status == 403);

    CdpBrowser browser;
    browser.navigate(screen.address());
    CHECK(browser.url() == screen.page("/"));
    // The token is spent.
    const auto again = fetch(screen.address());
    CHECK(again.status == 403);
    CHECK_THAT(again.body, Catch::Contains("used already"));
    CHECK(fetch(screen.page("/"), "GET", {{"Host", "attacker.example"}}).status == 403);

    // Markup in a title is text; the site's name too.
    browser.navigate(screen.page("/standard/1"));
    CHECK_THAT(browser.text(by_id("title-1.1.1")), Catch::Contains("<script>document.title"));
    CHECK(browser.evaluate("document.querySelectorAll('script').length").get<int>() == 1);
    CHECK(browser.evaluate("document.querySelectorAll('b').length").get<int>() == 0);
    CHECK(browser.evaluate("document.title").get<std::string>() != "owned");
    CHECK_THAT(browser.text("header.top"), Catch::Contains("Cedar <House>"));

    // A date item takes its date as people in the UK write it, day first,
    // whatever the browser's language: Chromium's date picker follows the
    // browser's locale, not the page's.
    browser.navigate(screen.page("/standard/7"));
    CHECK(browser.evaluate("document.querySelector(\"[id='value-7.2.1']\").placeholder")
              .get<std::string>() == "DD/MM/YYYY");
    browser.fill(by_id("value-7.2.1"), "01/10/2026");
    save(browser, "7.2.1");
    CHECK(browser.text(by_id("state-7.2.1")) == "satisfied");
    CHECK(home.json({"show", "7.2.1"})["answer"]["value"] == "2026-10-01");
    CHECK(browser.evaluate("document.querySelector(\"[id='value-7.2.1']\").value")
              .get<std::string>() == "01/10/2026");
    // Month first is no day of the year: refused beside the item, nothing changed.
    browser.fill(by_id("value-7.2.1"), "10/13/2026");
    browser.click_and_wait_load(by_id("save-7.2.1"));
    CHECK_THAT(browser.text(by_id("item-7.2.1") + " #flash"), Catch::Contains("DD/MM/YYYY"));
    CHECK(home.json({"show", "7.2.1"})["answer"]["value"] == "2026-10-01");

    // Over the limit: the page says so before sending, and the screen refuses it anyway.
    const auto big = write_file(dir, "scan.pdf", 2 * 1024 * 1024);
    browser.set_files(by_id("file-7.1.1"), {big});
    browser.click(by_id("item-7.1.1") + " form.upload button[type=submit]");
    CHECK(
        browser.wait_for("document.querySelector(\"[id='item-7.1.1'] .upload-status\")"
                         ".textContent.includes('larger than')"));
    // The browser's session cookie, which only a signed-in upload carries.
    const auto cookies = browser.call("Network.getCookies", {{"urls", {screen.origin()}}});
    REQUIRE(cookies["cookies"].size() == 1);
    const auto cookie = cookies["cookies"][0]["name"].get<std::string>() + "=" +
                        cookies["cookies"][0]["value"].get<std::string>();
    const auto upload = [&](const std::vector<std::string>& extra) {
        std::vector<std::string> args{
            "-sS", "--max-time",           "30", "-o", "-", "-w", "\n%{http_code}", "-F", "csrf=x",
            "-F",  "file=@" + big.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(screen.page("/item/7.1.1/evidence"));
        return run_process("/usr/bin/curl", args);
    };
    const auto refused = upload({"-H", "Cookie: " + cookie});
    CHECK_THAT(refused.out, Catch::Contains("larger than the 1.0 MiB limit"));
    CHECK_THAT(refused.out, Catch::EndsWith("413"));
    // Without the cookie the header alone is enough to refuse it.
    const auto stranger = upload({});
    CHECK_THAT(stranger.out, Catch::Contains("address 'dspt ui' printed"));
    CHECK_THAT(stranger.out, Catch::EndsWith("403"));
    CHECK(home.json({"evidence", "list"}).empty());

    // A body within the limit but without the cookie is not waited for: the
    // refusal comes on the header, though the body never follows.
    {
        const auto port = static_cast<std::uint16_t>(
            std::stoi(screen.origin().substr(screen.origin().rfind(':') + 1)));
        LoopbackConnection connection(port);
        connection.send_raw(
            "POST /item/7.1.1/evidence HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
            "\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            "Content-Length: 500000\r\n\r\n");
        const auto early = connection.read(std::chrono::seconds(10));
        CHECK(early.status == 403);
        CHECK_THAT(early.body, Catch::Contains("address 'dspt ui' printed"));
    }

    // A page elsewhere that posts a form to the screen changes nothing.
    const auto forged = dir.file("forged.html");
    std::ofstream(forged) << "<!DOCTYPE html><form id=f method=post action=\""
                          << screen.page("/item/1.3.1/answer")
                          << "\"><input name=value value=no><input name=csrf value=guess></form>"
                             "<script>document.getElementById('f').submit()</script>";
    browser.navigate("file://" + forged.string());
    CHECK(browser.wait_for("location.href.startsWith('" + screen.origin() + "')"));
    CHECK(
        browser.wait_for("document.readyState === 'complete' && "
                         "document.body.innerText.includes('changed')"));
    CHECK_THAT(browser.text("body"), Catch::Contains("changed"));
    CHECK(home.json({"show", "1.3.1"})["answer"].is_null());

    // Sync without an enrolment says what to do, and the work stays.
    browser.navigate(screen.page("/"));
    browser.click_and_wait_load("#sync-now");
    CHECK_THAT(flash(browser), Catch::Contains("enrol"));
    CHECK(screen.stop() == 0);
    CHECK(home.json({"show", "7.2.1"})["answer"]["value"] == "2026-10-01");
}
