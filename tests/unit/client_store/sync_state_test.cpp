// The local side of sync: acknowledgements set the base of later edits, a
// pulled page and its cursor are stored together, local changes still waiting
// keep their value, and conflicts are kept sealed until settled.

#include "client/store/sync_state.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

PulledRegister pulled(std::string key, std::int64_t version, std::string value,
                      nlohmann::json siblings = nlohmann::json::array()) {
    return {"VA1B2",
            std::move(key),
            version,
            {{"item", "1.1.1"}, {"value", std::move(value)}, {"comment", ""}, {"answered_by", "B"}},
            "other-replica",
            std::move(siblings)};
}

const ScopeMap kBranch{"VA1B2"};

}  // namespace

TEST_CASE("an acknowledged change is the base of the next edit", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "A");
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].base_version == 0);
    acknowledge_pushed(*store, {{pending[0].seq, "", pending[0].register_key, 42}}, 1000);
    CHECK(store->outbox().pending_count() == 0);
    store->set_answer(kTextItem, "ZA2", std::nullopt, "A");
    pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].base_version == 42);
}

TEST_CASE("a pulled page and its cursor are applied together", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    CHECK(pull_cursor(*store) == 0);
    CHECK(apply_pulled(*store, {pulled("answer/1.1.1", 7, "ZA7")}, kBranch, 7, nullptr) == 1);
    CHECK(pull_cursor(*store) == 7);
    CHECK(store->answer(kTextItem)->value == "ZA7");
    CHECK(store->outbox().pending_count() == 0);  // a pulled value is not sent back

    // Another assessment's register is kept apart from this one's.
    auto elsewhere = pulled("answer/1.1.1", 8, "SISTER");
    elsewhere.scope = "VA1B3";
    CHECK(apply_pulled(*store, {elsewhere}, kBranch, 8, nullptr) == 1);
    CHECK(store->answer(kTextItem)->value == "ZA7");
    CHECK(pull_cursor(*store) == 8);

    // An item this store does not know fails the whole page, cursor included.
    CHECK_THROWS(apply_pulled(*store,
                              {pulled("answer/1.1.6", 9, "yes"), pulled("answer/99.9.9", 10, "x")},
                              kBranch, 10, nullptr));
    CHECK(pull_cursor(*store) == 8);
    CHECK_FALSE(store->answer(kConfirmItem).has_value());
}

TEST_CASE("organisation-wide answers fill the items a branch has not answered itself",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA-OWN", std::nullopt, "Branch");
    auto organisation_wide = pulled("answer/1.1.1", 4, "ZA-ORG");
    organisation_wide.scope = "";
    auto confirmed = pulled("answer/1.1.6", 5, "yes");
    confirmed.scope = "";
    CHECK(apply_pulled(*store, {organisation_wide, confirmed}, kBranch, 5, nullptr) == 2);
    CHECK(store->answer(kTextItem)->value == "ZA-OWN");  // its own answer wins
    CHECK_FALSE(store->answer(kConfirmItem).has_value());
    CHECK(store->inherited_answer(kConfirmItem)->value == "yes");
    const auto answers = store->assessment().answers;
    CHECK(answers.at(std::string(kTextItem)).value == "ZA-OWN");
    CHECK(answers.at(std::string(kConfirmItem)).value == "yes");
    // A branch reads them but does not write them.
    store->use_scope(std::string(LocalStore::kOrganisationScope));
    CHECK(store->answer(kConfirmItem)->value == "yes");
    require_error(ErrorCode::forbidden,
                  [&] { store->set_answer(kConfirmItem, "No", std::nullopt, "Branch"); });

    // On a headquarters device the same answers are its own, and a branch's
    // assessment takes them where the branch is silent.
    StoreHome hq_home;
    auto hq = hq_home.open();
    const ScopeMap headquarters{""};
    auto branch_answer = pulled("answer/1.1.1", 9, "ZA-LEEDS");
    branch_answer.scope = "VA1B2";
    CHECK(apply_pulled(*hq, {organisation_wide, confirmed, branch_answer}, headquarters, 9,
                       nullptr) == 3);
    CHECK(hq->answer(kTextItem)->value == "ZA-ORG");
    hq->use_scope("VA1B2");
    CHECK(hq->answer(kTextItem)->value == "ZA-LEEDS");
    CHECK(hq->assessment().answers.at(std::string(kConfirmItem)).value == "yes");
    hq->set_answer(kConfirmItem, "No", std::nullopt, "Head office");
    const auto pending = hq->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].scope == "VA1B2");
    CHECK(pending[0].base_version == 0);
    CHECK(headquarters.server(pending[0].scope) == "VA1B2");
    CHECK(ScopeMap{"VA1B2"}.server(std::string(LocalStore::kOrganisationScope)).empty());
}

TEST_CASE("a local change waiting to be sent keeps its value over a pulled one",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "MINE", std::nullopt, "A");
    CHECK(apply_pulled(*store, {pulled("answer/1.1.1", 3, "THEIRS")}, kBranch, 3, nullptr) == 0);
    CHECK(store->answer(kTextItem)->value == "MINE");
    CHECK(store->outbox().pending_count() == 1);
}

TEST_CASE("conflicts are kept until a pull shows the register settled", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const nlohmann::json siblings = {
        {{"replica_id", "sentinel-replica-1"}, {"value", {{"value", "A"}}}},
        {{"replica_id", "sentinel-replica-2"}, {"value", {{"value", "B"}}}}};
    apply_pulled(*store, {pulled("answer/1.1.1", 5, "B", siblings)}, kBranch, 5, nullptr);
    const auto conflicts = open_conflicts(*store);
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].register_key == "answer/1.1.1");
    CHECK(conflicts[0].siblings == siblings);
    CHECK(find_conflict(*store, "answer/1.1.1").has_value());
    CHECK_FALSE(find_conflict(*store, "answer/2.1.1").has_value());
    // The sibling values are sealed like every other field.
    CHECK_FALSE(contains(store_file_bytes(home.path), "sentinel-replica"));

    apply_pulled(*store, {pulled("answer/1.1.1", 6, "A")}, kBranch, 6, nullptr);
    CHECK(open_conflicts(*store).empty());
}

TEST_CASE("an answer shows when it was written, on this device and every other",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "A");
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    // The local row keeps the change's own time, the one the server passes on.
    CHECK(store->answer(kTextItem)->answered_at_ms ==
          static_cast<std::int64_t>(pending[0].hlc.millis()));

    // A pulled answer shows when its device wrote it, not when it arrived.
    auto written = pulled("answer/1.1.1", 3, "ZA-OTHER");
    written.shown_at_ms = 1'700'000'000'000;
    acknowledge_pushed(*store, {{pending[0].seq, "", pending[0].register_key, 2}}, 1000);
    REQUIRE(apply_pulled(*store, {written}, kBranch, 3, nullptr) == 1);
    CHECK(store->answer(kTextItem)->value == "ZA-OTHER");
    CHECK(store->answer(kTextItem)->answered_at_ms == 1'700'000'000'000);
}
