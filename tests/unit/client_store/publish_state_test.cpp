// The organisation's publications as the store keeps them from a sync, and
// readiness judged with them: no Approaching Standards after a publication, a
// same-day republish recognised, the version open on the day.

#include "client/store/publish_state.hpp"

#include <catch2/catch.hpp>

#include "client/store/publish_outlook.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// 2026-11-21, 12:00 UTC.
constexpr std::int64_t kNoon = 1'795'262'400'000;

bool mentions(const std::vector<assessment::PublishProblem>& problems, const std::string& text) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& problem) {
        return problem.message.find(text) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("the publications a sync listed are kept and judged with", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto today = Date::from_unix_ms(kNoon);
    CHECK_FALSE(known_publications(*store).learned);
    CHECK_FALSE(mentions(local_publication_problems(*store, standards::Level::approaching, today),
                         "published at"));

    // A branch's list: none covers its site, but the organisation has published.
    protocol::PublicationList list;
    list.last_level = "met";
    list.last_year = "2025-26";
    remember_publications(*store, list);
    auto known = known_publications(*store);
    CHECK(known.learned);
    CHECK(known.publications.empty());
    REQUIRE(known.last.has_value());
    CHECK(known.last->level == standards::Level::met);
    CHECK(mentions(local_publication_problems(*store, standards::Level::approaching, today),
                   "the organisation published at Standards Met for 2025-26 before"));
    CHECK(refusals_before_asking(*store, standards::Level::approaching, today).size() == 1);
    CHECK(refusals_before_asking(*store, standards::Level::met, today).empty());

    // A publication made here today at Standards Met: publishing it again republishes.
    remember_publication(*store, {4, "AB1", {"VA001"}, "2025-26", "met", kNoon - 3'600'000, "d"});
    const auto again = republishes(*store, standards::Level::met, {}, today);
    REQUIRE(again.has_value());
    CHECK(describe_republish(*again) ==
          "a Standards Met publication of 2025-26 was made today for VA001");
    CHECK_FALSE(republishes(*store, standards::Level::exceeded, {}, today));
    CHECK_FALSE(republishes(*store, standards::Level::met, {}, Date::from_unix_ms(kNoon + kDayMs)));
}

TEST_CASE("a year not yet open is refused before asking, naming the open version",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto refusals =
        refusals_before_asking(*store, standards::Level::met, *Date::parse("2025-09-17"));
    REQUIRE(refusals.size() == 1);
    CHECK(refusals[0] ==
          "2025-26 is not open for publishing yet (it opens on 2025-09-18): the open version is "
          "2024-25");
}
