// The choices the toolkit offers when publishing, with the real server and
// devices: Approaching Standards only while Standards Met is out of reach, the
// open version only, readiness that knows earlier publications (and asks
// before a same-day republish), any registered site for an organisation not
// flagged as a headquarters, the deadline, and publications about to lapse.
//
// The binaries run on today's date: what depends on it (the open version, the
// days to the deadline) is computed here from the calendar, not from dsptsync.

#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/raw_api.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/integration/ui_fixture.hpp"
#include "tests/support/loopback_http.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// Cedar House (CD2): a single-site provider whose one device is enrolled to its site.
struct Cedar {
    ServerProcess server;
    ClientHome home;

    explicit Cedar(const std::string& year = "2025-26") {
        server.register_demo();
        home.init(year);
        const auto code = server.code({"--org", "CD2", "--site", "VC001"});
        const auto result = home.run({"enrol", "--server", server.url(), "--code", code});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
    }
};

nlohmann::json level_outlook(const ClientHome& home, const std::string& level) {
    return home.json({"status"})["publishing"][level];
}

std::string reasons_of(const nlohmann::json& outlook) {
    std::string text;
    for (const auto& reason : outlook["reasons"]) {
        text += reason.get<std::string>() + "\n";
    }
    return text;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Days from today (UTC) to a day, by the calendar.
long days_until(int year, unsigned month, unsigned day) {
    using namespace std::chrono;
    const auto today = floor<days>(system_clock::now());
    return static_cast<long>((sys_days{std::chrono::year{year} / month / day} - today).count());
}

// The pages of `dspt ui` at `paths`, signed in once as its browser would be.
std::vector<std::string> screen_pages(const LocalScreen& screen,
                                      const std::vector<std::string>& paths) {
    const auto& origin = screen.origin();
    const auto port = static_cast<std::uint16_t>(std::stoi(origin.substr(origin.rfind(':') + 1)));
    const auto signed_in = http_exchange(port, "GET", screen.address().substr(origin.size()), {});
    REQUIRE(signed_in.status == 303);
    const auto cookie = signed_in.header("Set-Cookie");
    std::vector<std::string> pages;
    for (const auto& path : paths) {
        const auto page =
            http_exchange(port, "GET", path, {{"Cookie", cookie.substr(0, cookie.find(';'))}});
        REQUIRE(page.status == 200);
        pages.push_back(page.body);
    }
    return pages;
}

// The card of a level on the Publish page.
std::string level_card(const std::string& page, const std::string& level) {
    const auto at = page.find("id=\"level-" + level + "\"");
    REQUIRE(at != std::string::npos);
    return page.substr(at, page.find("</section>", at) - at);
}

}  // namespace

TEST_CASE("Approaching Standards is refused once the assessment reaches Standards Met",
          "[integration][publish_choices]") {
    Cedar cedar;
    answer_all(cedar.home, "met");
    const auto before = level_outlook(cedar.home, "approaching");
    CHECK(before["ready"] == false);
    CHECK_THAT(reasons_of(before), Catch::Contains("already reaches Standards Met"));
    CHECK(level_outlook(cedar.home, "met")["ready"] == true);

    // The server refuses it too, and says why.
    const auto refused = cedar.home.run({"publish", "--level", "approaching", "--json"});
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    CHECK(answer["published"] == false);
    REQUIRE(answer["problems"].size() == 1);
    CHECK(answer["problems"][0]["site"] == "VC001");
    CHECK_THAT(answer["problems"][0]["message"].get<std::string>(),
               Catch::Contains("one-time allowance for nothing"));
    CHECK(cedar.home.json({"publications"}).empty());

    CHECK(cedar.home.json({"publish", "--level", "met"})["published"] == true);
}

TEST_CASE("readiness knows earlier publications, and a same-day republish is confirmed",
          "[integration][publish_choices]") {
    Cedar cedar;
    answer_all(cedar.home, "met");
    const auto invite = cedar.home.json({"invite", "--site", "VC001"});
    ClientHome second;
    second.init();
    REQUIRE(second
                .run({"enrol", "--server", cedar.server.url(), "--code",
                      invite["code"].get<std::string>()})
                .exit_code == 0);
    REQUIRE(cedar.home.json({"publish", "--level", "met"})["published"] == true);

    // The publishing device knows at once; the other learns it when it syncs.
    auto status = cedar.home.json({"status"});
    CHECK(status["publications_learned"] == true);
    CHECK(status["publishing"]["approaching"]["ready"] == false);
    CHECK_THAT(reasons_of(status["publishing"]["approaching"]),
               Catch::Contains("must reach at least Standards Met"));
    CHECK_THAT(status["publishing"]["met"]["republishes"].get<std::string>(),
               Catch::Contains("a Standards Met publication of 2025-26 was made today for VC001"));
    CHECK(second.json({"status"})["publications_learned"] == false);
    REQUIRE(second.run({"sync"}).exit_code == 0);
    status = second.json({"status"});
    CHECK(status["publishing"]["approaching"]["ready"] == false);
    const auto text = second.run({"status"});
    CHECK_THAT(text.out, Catch::Contains("Approaching Standards: not yet: the organisation "
                                         "published at Standards Met for 2025-26 before"));
    CHECK_THAT(text.out, Catch::Contains("Standards Met:         ready to publish (republishes"));

    // Approaching Standards is refused before the server is asked.
    const auto after = second.run({"publish", "--level", "approaching"});
    CHECK(after.exit_code == 2);
    CHECK_THAT(after.err, Catch::Contains("nothing asked of the server"));

    // The same level again today: without a terminal, only with --yes.
    const auto unconfirmed = second.run({"publish", "--level", "met"});
    CHECK(unconfirmed.exit_code == 2);
    CHECK_THAT(unconfirmed.err, Catch::Contains("republishes it: add --yes to confirm"));
    CHECK(second.json({"publications"}).size() == 1);
    const auto again = second.json({"publish", "--level", "met", "--yes"});
    CHECK(again["published"] == true);
    CHECK(second.json({"publications"}).size() == 2);

    // The screen agrees: its overview shows the deadline, its Publish page offers
    // no Approaching Standards and says Standards Met would republish.
    LocalScreen screen(second);
    const auto pages = screen_pages(screen, {"/", "/publish"});
    CHECK_THAT(pages[0],
               Catch::Contains("id=\"deadline\">") && Catch::Contains("the 30 June 2026 deadline"));
    const auto approaching = level_card(pages[1], "approaching");
    CHECK(approaching.find("Ready to publish") == std::string::npos);
    CHECK_THAT(approaching, Catch::Contains("must reach at least Standards Met"));
    const auto met = level_card(pages[1], "met");
    CHECK_THAT(met, Catch::Contains("id=\"republish-met\"") &&
                        Catch::Contains("Publish again at Standards Met"));
}

TEST_CASE("a branch learns that its organisation published for another site",
          "[integration][publish_choices]") {
    ServerProcess server;
    publish_acorn_met(server, {"VA002"}, "york-only");
    ClientHome leeds;
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    answer_all(leeds, "approaching");
    REQUIRE(leeds.run({"sync"}).exit_code == 0);
    CHECK(leeds.json({"publications"}).empty());  // none covers Leeds
    const auto outlook = level_outlook(leeds, "approaching");
    CHECK(outlook["ready"] == false);
    CHECK_THAT(reasons_of(outlook), Catch::Contains("published at Standards Met"));
}

TEST_CASE("publishing is against the open version only, on the client and on the server",
          "[integration][publish_choices]") {
    Cedar cedar("2024-25");
    answer_all(cedar.home, "met");
    const auto status = cedar.home.json({"status"});
    CHECK(status["open_version"] == "2025-26");
    CHECK(level_outlook(cedar.home, "met")["ready"] == false);

    const auto refused = cedar.home.run({"publish", "--level", "met"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.out, Catch::Contains("2024-25 is no longer open for publishing: the open "
                                            "version is 2025-26"));

    // Asked directly, the server refuses on its own date.
    const RawApi raw(cedar.home, cedar.server);
    protocol::PublishRequest request;
    request.request_id = "old-version";
    request.year = "2024-25";
    request.level = "met";
    const auto answer = raw.api->publish(request);
    CHECK_FALSE(answer.published);
    REQUIRE_FALSE(answer.problems.empty());
    CHECK_THAT(answer.problems[0].message, Catch::Contains("the open version is 2025-26"));
    CHECK(cedar.home.json({"publications"}).empty());

    // dspt year start offers the open version.
    const auto started = cedar.home.json({"year", "start"});
    CHECK(started["to"] == "2025-26");
    const auto again = cedar.home.run({"year", "start"});
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Catch::Contains("already at the open version, 2025-26"));
}

TEST_CASE("status and the overview show the deadline and a newer year with no pack here",
          "[integration][publish_choices]") {
    ClientHome home;
    home.init("2025-26");
    const auto status = home.json({"status"});
    CHECK(status["deadline"]["date"] == "2026-06-30");
    CHECK(status["deadline"]["days_left"] == days_until(2026, 6, 30));
    const auto text = home.run({"status"});
    CHECK_THAT(text.out, Catch::Contains("Deadline: "));
    CHECK_THAT(text.out, Catch::Contains("the 30 June 2026 deadline"));
    if (days_until(2026, 7, 1) <= 0) {
        // A date in 2026-27 or later, with no pack for it: 2025-26 stays open.
        CHECK_THAT(status["newer_year"].get<std::string>(),
                   Catch::Contains("has no standards pack here yet: 2025-26 stays the open "
                                   "version until one is installed"));
        CHECK_THAT(text.out, Catch::Contains("has no standards pack here yet"));
    }
}

TEST_CASE("an organisation not flagged as a headquarters publishes for any registered site",
          "[integration][publish_choices]") {
    ServerProcess server;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"create-org", "--ods", "EF3", "--name", "Elm Group", "--hq"},
             {"add-site", "--org", "EF3", "--ods", "VE001", "--cqc", "1-300000001", "--name",
              "Elm North"},
             {"add-site", "--org", "EF3", "--ods", "VE002", "--cqc", "1-300000002", "--name",
              "Elm South"}}) {
        REQUIRE(server.admin(args).exit_code == 0);
    }
    ClientHome office;
    enrol(office, server, server.code({"--org", "EF3"}), "Elm Group");
    // The registry then says the organisation is not a headquarters.
    const auto registry = office.write_file(
        "registry.csv",
        "organisation_ods,organisation_name,headquarters,site_ods,cqc_location_id,site_name\n"
        "EF3,Elm Group,no,VE001,1-300000001,Elm North\n"
        "EF3,Elm Group,no,VE002,1-300000002,Elm South\n");
    const auto imported = server.admin({"import-sites", registry.string()});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    answer_all(office, "met");
    // Never published before: any of its sites may be chosen.
    const auto published = office.json({"publish", "--level", "met", "--sites", "VE002"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["sites"] == nlohmann::json::array({"VE002"}));
    // Other sites the same day: not a republish, so nothing to confirm.
    const auto both = office.json({"publish", "--level", "met", "--sites", "VE001,VE002"});
    CHECK(both["publication"]["sites"] == nlohmann::json::array({"VE001", "VE002"}));
}

TEST_CASE("a partner sees the publications that lapse within 30 days",
          "[integration][publish_choices]") {
    ServerProcess server;
    server.register_demo();
    ClientHome cedar;
    enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    ClientHome partner;
    enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");
    REQUIRE(cedar.run({"grant", "--partner", "County Care Association"}).exit_code == 0);

    // Published 350 days ago (recorded straight into the server's store): it
    // lapses in 16 days.
    constexpr std::int64_t kDayMs = 86'400'000;
    server::store::Publication publication;
    publication.organisation_ods = "CD2";
    publication.sites = {"VC001"};
    publication.year = "2025-26";  // the year the partner's store shows
    publication.level = standards::Level::met;
    publication.published_at_ms = now_ms() - 350 * kDayMs;
    publication.device_id = "admin";
    publication.request_id = "old-cedar";
    {
        const auto repository = server.open_store();
        REQUIRE_FALSE(repository->record_publication(publication).duplicate);
    }
    const auto lapses_on =
        standards::lapses_on(Date::from_unix_ms(publication.published_at_ms)).to_string();

    const auto progress = partner.json({"partner", "progress"});
    REQUIRE(progress["lapsing_within_30_days"].size() == 1);
    CHECK(progress["lapsing_within_30_days"][0]["organisation"] == "CD2");
    CHECK(progress["lapsing_within_30_days"][0]["site"] == "VC001");
    CHECK(progress["lapsing_within_30_days"][0]["lapses_on"] == lapses_on);
    const auto text = partner.run({"partner", "progress"});
    CHECK_THAT(text.out, Catch::Contains("Publications lapsing within 30 days"));
    CHECK_THAT(text.out, Catch::Contains("Cedar House (CD2), VC001: lapses on " + lapses_on));
}
