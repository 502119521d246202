// The local side of sync: what a later edit has seen (an accepted change, a
// pulled page; never a conflict answer), a pulled page and its cursor stored
// together, local changes still waiting keep their value beside the values
// they will meet, and conflicts are kept sealed until settled.

#include "client/store/sync_state.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

PulledRegister pulled(std::string key, std::int64_t version, std::string value,
                      nlohmann::json siblings = nlohmann::json::array()) {
    PulledRegister reg;
    reg.scope = "VA1B2";
    reg.register_key = std::move(key);
    reg.version = version;
    reg.shown = {{"item", "1.1.1"}, {"value", value}, {"comment", ""}, {"answered_by", "B"}};
    reg.shown_replica = "other-replica";
    reg.shown_sibling = {{"replica_id", "other-replica"},
                         {"author", "B"},
                         {"hlc", 1},
                         {"version", version},
                         {"value", reg.shown}};
    for (const auto& sibling : siblings) {
        reg.seen.push_back(sibling.value("version", std::int64_t{0}));
    }
    if (siblings.empty()) {
        reg.seen.push_back(version);
    }
    reg.siblings = std::move(siblings);
    return reg;
}

const ScopeMap kBranch{"VA1B2"};

}  // namespace

TEST_CASE("an accepted change is what the next edit has seen", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "A");
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seen.empty());
    acknowledge_pushed(*store, {{pending[0].seq, "", pending[0].register_key, 42, true}}, 1000);
    CHECK(store->outbox().pending_count() == 0);
    store->set_answer(kTextItem, "ZA2", std::nullopt, "A");
    pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seen == std::vector<std::int64_t>{42});
}

TEST_CASE("a change answered as a conflict does not claim the values it never received",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "A");
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    // The server kept it beside another device's value, at version 9; the
    // pull that would have brought that value was lost.
    acknowledge_pushed(*store, {{pending[0].seq, "", pending[0].register_key, 9, false}}, 1000);
    store->set_answer(kTextItem, "ZA2", std::nullopt, "A");
    pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seen.empty());  // the server keeps the other value beside ZA2
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
    CHECK(pending[0].seen.empty());
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

    // The other device's value is not dropped: it shows beside this one's as
    // a conflict, and is what the next edit here has seen.
    const auto conflict = find_conflict(*store, "answer/1.1.1");
    REQUIRE(conflict.has_value());
    REQUIRE(conflict->siblings.size() == 2);
    CHECK(conflict->siblings[0]["value"]["value"] == "THEIRS");
    CHECK(conflict->siblings[1]["value"]["value"] == "MINE");
    CHECK(conflict->siblings[1]["replica_id"] == store->info().replica_id);
    store->set_answer(kTextItem, "BOTH READ", std::nullopt, "A", true);
    const auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].seen.empty());
    CHECK(pending[1].seen == std::vector<std::int64_t>{3});
}

TEST_CASE("a local change waiting to be sent meets only its own store's values: no conflict",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "FIRST", std::nullopt, "A");
    store->set_answer(kTextItem, "SECOND", std::nullopt, "A");
    const auto first = store->outbox().pending(10).at(0);
    acknowledge_pushed(*store, {{first.seq, "", first.register_key, 4, true}}, 1000);
    auto own = pulled("answer/1.1.1", 4, "FIRST");
    own.shown_replica = store->info().replica_id;
    own.shown_sibling["replica_id"] = store->info().replica_id;
    CHECK(apply_pulled(*store, {own}, kBranch, 4, nullptr) == 0);
    CHECK(store->answer(kTextItem)->value == "SECOND");
    CHECK_FALSE(find_conflict(*store, "answer/1.1.1").has_value());
}

TEST_CASE("an edit after a pull is stamped later than every value pulled", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    // Another device's clock runs a day ahead of this one's.
    const auto ahead = HlcTime(HybridClock::system_millis() + 86'400'000, 0).raw();
    auto theirs = pulled("answer/1.1.1", 3, "THEIRS");
    theirs.latest_hlc = ahead;
    REQUIRE(apply_pulled(*store, {theirs}, kBranch, 3, nullptr) == 1);
    store->set_answer(kTextItem, "LATER", std::nullopt, "A");
    const auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].hlc.raw() > ahead);
    CHECK(pending[0].seen == std::vector<std::int64_t>{3});
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
    acknowledge_pushed(*store, {{pending[0].seq, "", pending[0].register_key, 2, true}}, 1000);
    REQUIRE(apply_pulled(*store, {written}, kBranch, 3, nullptr) == 1);
    CHECK(store->answer(kTextItem)->value == "ZA-OTHER");
    CHECK(store->answer(kTextItem)->answered_at_ms == 1'700'000'000'000);
}

TEST_CASE("a store of schema version 5 keeps what its changes and registers had seen",
          "[unit][client_store]") {
    StoreHome home;
    {
        auto store = home.open();
        store->set_answer(kTextItem, "UNSENT", std::nullopt, "A");
    }
    {
        // As version 5 kept them: one base version per entry and per register.
        RawDb raw(home.path);
        raw.execute(R"sql(
            BEGIN;
            ALTER TABLE register_versions DROP COLUMN seen;
            ALTER TABLE outbox DROP COLUMN seen;
            DROP INDEX outbox_set_aside;  -- added by version 8
            ALTER TABLE outbox DROP COLUMN set_aside;  -- added by version 7
            ALTER TABLE evidence_chunks DROP COLUMN body_hash;  -- added by version 9
            UPDATE outbox SET base_version = 42;
            INSERT INTO register_versions(scope, register_key, version)
                VALUES ('', 'answer/1.1.1', 43), ('', 'answer/1.1.6', 0);
            PRAGMA user_version = 5;
            COMMIT;
        )sql");
    }
    auto store = home.open();
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seen == std::vector<std::int64_t>{42});
    store->set_answer(kTextItem, "NEXT", std::nullopt, "A");
    store->set_answer(kConfirmItem, "yes", std::nullopt, "A");
    pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 3);
    CHECK(pending[1].seen == std::vector<std::int64_t>{43});
    CHECK(pending[2].seen.empty());
}

TEST_CASE("a local change waiting to be sent that another device made the same is no conflict",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "SAME", std::nullopt, "B");
    auto same = pulled("answer/1.1.1", 3, "SAME");
    same.shown = store->outbox().pending(1).at(0).payload;
    same.shown_sibling["value"] = same.shown;
    CHECK(apply_pulled(*store, {same}, kBranch, 3, nullptr) == 0);
    CHECK_FALSE(find_conflict(*store, "answer/1.1.1").has_value());
    CHECK(apply_pulled(*store, {pulled("answer/1.1.1", 4, "OTHER")}, kBranch, 4, nullptr) == 0);
    CHECK(find_conflict(*store, "answer/1.1.1").has_value());
}

TEST_CASE("a headquarters device keeps its sites' names by code, after reopening too",
          "[unit][client_store]") {
    StoreHome home;
    {
        auto store = home.open();
        CHECK(known_site_names(*store).empty());
        remember_site_names(*store, {{"VA001", "Acorn Leeds"}, {"VA002", "Acorn York"}});
        remember_sites(*store, {"VA001", "VA002"}, "digest-1");
    }
    auto store = home.open();
    const auto names = known_site_names(*store);
    REQUIRE(names.size() == 2);
    CHECK(names.at("VA002") == "Acorn York");
    CHECK(known_sites(*store) == std::vector<std::string>{"VA001", "VA002"});
    remember_site_names(*store, {{"VA001", "Acorn Leeds"}});
    CHECK(known_site_names(*store).size() == 1);
}
