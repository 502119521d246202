// Parts of the local screen that need no store: the page frame's header and
// navigation, and Sync now's background run with its progress page.

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "client/ui/page_layout.hpp"
#include "client/ui/readiness_view.hpp"
#include "client/ui/sync_progress.hpp"

using namespace dspt::client;
using namespace dspt::client::ui;

TEST_CASE("the page header names the organisation and the site being edited", "[client_ui]") {
    PageFrame frame;
    frame.title = "Overview";
    frame.organisation = "Acorn <Homecare>";
    frame.site = "Site VA002";
    frame.year = "2025-26";
    frame.switcher = "<form class=\"switcher\"></form>";
    const auto page = render_page(frame, "<p>content</p>");
    CHECK_THAT(page, Catch::Contains("id=\"organisation\">Acorn &lt;Homecare&gt;</span>"));
    CHECK_THAT(page, Catch::Contains("id=\"site\">Site VA002</span>"));
    CHECK_THAT(page, Catch::Contains("<form class=\"switcher\"></form></header>"));
    // The standards by number and name; the skip link is the page's first link.
    CHECK_THAT(page, Catch::Contains("<span class=\"number\">3</span> Training</a>"));
    CHECK(page.find("<a class=\"skip\" href=\"#content\">") < page.find("<header"));
    CHECK(page.find("http-equiv") == std::string::npos);

    frame.organisation.clear();
    frame.site.clear();
    frame.head_extra = "<meta http-equiv=\"refresh\" content=\"1\">";
    const auto bare = render_page(frame, "");
    CHECK_THAT(bare, Catch::Contains("This organisation"));
    CHECK(bare.find("id=\"site\"") == std::string::npos);
    CHECK(bare.find("http-equiv") < bare.find("</head>"));
}

TEST_CASE("a background sync reports its progress and leaves its outcome once", "[client_ui]") {
    BackgroundSync sync;
    CHECK_FALSE(sync.running());
    CHECK_FALSE(sync.collect());
    std::mutex gate;
    std::unique_lock hold(gate);  // the sync waits for it, so it is seen running
    sync.start([&gate](const SyncProgressFn& progress) {
        progress({SyncProgress::Stage::upload, 512 * 1024, 2 * 1024 * 1024, 0, 2});
        const std::lock_guard wait(gate);
        return SyncOutcome{{false, "Synced: sent 3 change(s), received 1."}, "<ul></ul>"};
    });
    CHECK(sync.running());
    CHECK_FALSE(sync.wait(std::chrono::milliseconds(20)));
    CHECK_FALSE(sync.collect());
    for (int i = 0; i < 200 && sync.progress_content().find("sync-bar") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto page = sync.progress_content();
    CHECK_THAT(page, Catch::Contains("Uploading evidence files: 0 of 2 file(s)"));
    CHECK_THAT(page, Catch::Contains("value=\"25\""));
    hold.unlock();
    REQUIRE(sync.wait(std::chrono::seconds(10)));
    const auto outcome = sync.collect();
    REQUIRE(outcome);
    CHECK(outcome->flash.text == "Synced: sent 3 change(s), received 1.");
    CHECK_FALSE(sync.collect());  // once
}

TEST_CASE("a background sync that throws leaves a message, not a crash", "[client_ui]") {
    BackgroundSync sync;
    sync.start([](const SyncProgressFn&) -> SyncOutcome { throw std::runtime_error("disk full"); });
    REQUIRE(sync.wait(std::chrono::seconds(10)));
    const auto outcome = sync.collect();
    REQUIRE(outcome);
    CHECK(outcome->flash.error);
    CHECK_THAT(outcome->flash.text,
               Catch::Contains("disk full") && Catch::Contains("Nothing is lost"));
}

TEST_CASE("the changes from other devices are listed as dspt sync lists them", "[client_ui]") {
    CHECK(arrivals_list({}).empty());
    std::vector<ArrivedChange> arrived;
    for (int i = 0; i < 12; ++i) {
        arrived.push_back({"answer/1.1." + std::to_string(i + 1), "1.1." + std::to_string(i + 1),
                           "Data <lead>", i == 0 ? "" : "Ann", "0123456789abcdef",
                           1'765'000'000'000, ""});
    }
    const auto list = arrivals_list(arrived);
    CHECK_THAT(list, Catch::Contains("1.1.1 Data &lt;lead&gt;, by device 01234567, "));
    CHECK_THAT(list, Catch::Contains("1.1.2 Data &lt;lead&gt;, by Ann, "));
    CHECK_THAT(list, Catch::Contains("December 2025"));
    CHECK_THAT(list, Catch::Contains("and 2 more"));
    CHECK(list.find("1.1.11") == std::string::npos);
}

TEST_CASE("a reason not to publish loses its command-line hints on the screen", "[client_ui]") {
    CHECK(without_command_hints(
              "item 1.1.3 is needed for Standards Met and not yet satisfied: a first publication "
              "at Approaching Standards needs an action-plan entry for it (dspt plan set 1.1.3 "
              "--action ... --owner ... --due YYYY-MM-DD) or an action-plan document (dspt plan "
              "attach FILE)") ==
          "item 1.1.3 is needed for Standards Met and not yet satisfied: a first publication at "
          "Approaching Standards needs an action-plan entry for it or an action-plan document");
    CHECK(without_command_hints("the organisation profile has none (dspt profile --ce-plus-until "
                                "YYYY-MM-DD)") == "the organisation profile has none");
    CHECK(without_command_hints("nothing to drop (see the list)") ==
          "nothing to drop (see the list)");
    CHECK(without_command_hints("unclosed (dspt plan") == "unclosed (dspt plan");
}
