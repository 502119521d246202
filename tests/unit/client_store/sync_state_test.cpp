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

}  // namespace

TEST_CASE("an acknowledged change is the base of the next edit", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "A");
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].base_version == 0);
    acknowledge_pushed(*store, {{pending[0].seq, pending[0].register_key, 42}}, 1000);
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
    CHECK(apply_pulled(*store, {pulled("answer/1.1.1", 7, "ZA7")}, "VA1B2", 7, nullptr) == 1);
    CHECK(pull_cursor(*store) == 7);
    CHECK(store->answer(kTextItem)->value == "ZA7");
    CHECK(store->outbox().pending_count() == 0);  // a pulled value is not sent back

    // Another scope only moves the cursor.
    auto elsewhere = pulled("answer/1.1.1", 8, "SISTER");
    elsewhere.scope = "VA1B3";
    CHECK(apply_pulled(*store, {elsewhere}, "VA1B2", 8, nullptr) == 0);
    CHECK(store->answer(kTextItem)->value == "ZA7");
    CHECK(pull_cursor(*store) == 8);

    // An item this store does not know fails the whole page, cursor included.
    CHECK_THROWS(apply_pulled(*store,
                              {pulled("answer/1.1.6", 9, "yes"), pulled("answer/99.9.9", 10, "x")},
                              "VA1B2", 10, nullptr));
    CHECK(pull_cursor(*store) == 8);
    CHECK_FALSE(store->answer(kConfirmItem).has_value());
}

TEST_CASE("a local change waiting to be sent keeps its value over a pulled one",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "MINE", std::nullopt, "A");
    CHECK(apply_pulled(*store, {pulled("answer/1.1.1", 3, "THEIRS")}, "VA1B2", 3, nullptr) == 0);
    CHECK(store->answer(kTextItem)->value == "MINE");
    CHECK(store->outbox().pending_count() == 1);
}

TEST_CASE("conflicts are kept until a pull shows the register settled", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const nlohmann::json siblings = {
        {{"replica_id", "sentinel-replica-1"}, {"value", {{"value", "A"}}}},
        {{"replica_id", "sentinel-replica-2"}, {"value", {{"value", "B"}}}}};
    apply_pulled(*store, {pulled("answer/1.1.1", 5, "B", siblings)}, "VA1B2", 5, nullptr);
    const auto conflicts = open_conflicts(*store);
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].register_key == "answer/1.1.1");
    CHECK(conflicts[0].siblings == siblings);
    CHECK(find_conflict(*store, "answer/1.1.1").has_value());
    CHECK_FALSE(find_conflict(*store, "answer/2.1.1").has_value());
    // The sibling values are sealed like every other field.
    CHECK_FALSE(contains(store_file_bytes(home.path), "sentinel-replica"));

    apply_pulled(*store, {pulled("answer/1.1.1", 6, "A")}, "VA1B2", 6, nullptr);
    CHECK(open_conflicts(*store).empty());
}
