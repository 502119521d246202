// A change the server refused for good is set aside: not sent again, shown
// with its reason, replaced by a newer change of its register and discarded
// only when the user drops it. And the limits a change must keep are checked
// where it is made.

#include <catch2/catch.hpp>

#include "client/store/change_limits.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "common/sqlite/transaction.hpp"
#include "protocol/limits.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

const ScopeMap kOneBranch{"VA1B2"};

PulledRegister pulled_one(std::string key, std::int64_t version, std::string value) {
    PulledRegister reg;
    reg.scope = "VA1B2";
    reg.register_key = std::move(key);
    reg.version = version;
    reg.shown = {
        {"item", "1.1.1"}, {"value", std::move(value)}, {"comment", ""}, {"answered_by", "B"}};
    reg.shown_replica = "other-replica";
    reg.siblings = nlohmann::json::array();
    reg.shown_sibling = {{"replica_id", "other-replica"},
                         {"author", "B"},
                         {"hlc", 1},
                         {"version", version},
                         {"value", reg.shown}};
    reg.seen = {version};
    return reg;
}

std::vector<std::int64_t> pending_seqs(LocalStore& store) {
    std::vector<std::int64_t> seqs;
    for (const auto& entry : store.outbox().pending(100)) {
        seqs.push_back(entry.seq);
    }
    return seqs;
}

}  // namespace

TEST_CASE("a refused change is set aside and the rest are still sent", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::string("refused here"), "A");                // seq 1
    store->set_answer(kConfirmItem, "yes", std::nullopt, "A");                            // seq 2
    store->set_plan_entry(plan_entry(kDocumentItem, "Write it", "Carol", "2026-01-15"));  // 3

    set_aside_refused(*store, {{1, "the value is 70000 bytes; the limit is 4096 bytes"}});

    // Not sent again, not counted as waiting, and listed with its reason.
    CHECK(pending_seqs(*store) == std::vector<std::int64_t>{2, 3});
    CHECK(store->outbox().pending_count() == 2);
    const auto set_aside = store->outbox().set_aside_entries();
    REQUIRE(set_aside.size() == 1);
    CHECK(set_aside[0].seq == 1);
    CHECK(set_aside[0].item == "1.1.1");
    CHECK(set_aside[0].register_key == "answer/1.1.1");
    CHECK(set_aside[0].set_aside == "the value is 70000 bytes; the limit is 4096 bytes");
    CHECK(describe_set_aside(set_aside[0]) ==
          "1.1.1 (answer): the value is 70000 bytes; the limit is 4096 bytes");
    const auto json = set_aside_json(set_aside);
    CHECK(json[0]["item"] == "1.1.1");
    CHECK(json[0]["reason"] == "the value is 70000 bytes; the limit is 4096 bytes");

    // The value it wrote stays on this device while it is set aside: a pull
    // does not replace it, so the user can see what was refused and shorten it.
    apply_pulled(*store, {pulled_one("answer/1.1.1", 9, "THEIRS")}, kOneBranch, 9, nullptr);
    CHECK(store->answer(kTextItem)->value == "ZA1");

    // Its seq was taken by the server: the store cannot be renumbered any more.
    sqlite::Transaction tx(store->database(), sqlite::TransactionBehavior::immediate);
    require_error(ErrorCode::failed_precondition, [&] {
        store->outbox().discard_unsent([](const OutboxEntry&) { return false; });
    });
}

TEST_CASE("a newer change of the register replaces the change set aside", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::string("too long"), "A");  // seq 1
    store->set_answer(kConfirmItem, "yes", std::nullopt, "A");          // seq 2
    set_aside_refused(*store, {{1, "too large"}});
    store->set_answer(kConfirmItem, "no", std::nullopt, "A");  // another register: kept
    CHECK(store->outbox().set_aside_entries().size() == 1);

    store->set_answer(kTextItem, "ZA1", std::string("short"), "A");  // seq 4
    CHECK(store->outbox().set_aside_entries().empty());
    CHECK(pending_seqs(*store) == std::vector<std::int64_t>{2, 3, 4});
    CHECK(store->answer(kTextItem)->comment == "short");
}

TEST_CASE("dropping a change set aside discards it and brings the server's value back",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    // The register was synced at version 4, the store pulled up to 12.
    store->set_answer(kTextItem, "ZA0", std::nullopt, "A");
    acknowledge_pushed(*store, {{1, "", "answer/1.1.1", 4, true}}, 1000);
    apply_pulled(*store, {}, kOneBranch, 12, nullptr);
    store->set_answer(kTextItem, "ZA1", std::string("refused"), "A");                     // seq 2
    store->set_plan_entry(plan_entry(kDocumentItem, "Write it", "Carol", "2026-01-15"));  // 3
    set_aside_refused(*store, {{2, "too large"}, {3, "malformed"}});

    CHECK(find_set_aside(*store, "9.9.9").empty());
    CHECK(drop_set_aside(*store, "9.9.9").empty());
    CHECK(store->outbox().set_aside_entries().size() == 2);

    const auto dropped = drop_set_aside(*store, "1.1.1");
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].register_key == "answer/1.1.1");
    CHECK(store->outbox().set_aside_entries().size() == 1);  // the plan entry's stays
    // The refused value leaves this device, and the next pull fetches the
    // register again from the version this store knew.
    CHECK_FALSE(store->answer(kTextItem).has_value());
    CHECK(pull_cursor(*store) == 3);
    apply_pulled(*store, {pulled_one("answer/1.1.1", 4, "ZA0")}, kOneBranch, 12, nullptr);
    CHECK(store->answer(kTextItem)->value == "ZA0");

    // By its change's name too.
    CHECK(drop_set_aside(*store, "plan/" + std::string(kDocumentItem)).size() == 1);
    CHECK(store->outbox().set_aside_entries().empty());
    CHECK(store->plan().empty());
}

TEST_CASE("a change over the protocol's limits is refused where it is made, naming the limit",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const std::string comment(122'880, 'c');
    const auto message = require_error(ErrorCode::limit_exceeded,
                                       [&] { store->set_answer(kTextItem, "ZA1", comment, "A"); });
    CHECK(message == "the comment is 122,880 bytes; the limit is 65,536 bytes for a whole answer");
    CHECK_FALSE(store->answer(kTextItem).has_value());
    CHECK(store->outbox().pending_count() == 0);

    // Two fields that each fit but not together.
    const std::string half(40'000, 'h');
    CHECK_THAT(require_error(ErrorCode::limit_exceeded,
                             [&] { store->set_answer(kTextItem, half, half, "A"); }),
               Catch::StartsWith("the answer with its ") &&
                   Catch::Contains("; the limit is 65,536 bytes"));

    CHECK_THAT(
        require_error(ErrorCode::limit_exceeded,
                      [&] {
                          store->set_plan_entry(plan_entry(kDocumentItem, std::string(70'000, 'a'),
                                                           "Carol", "2026-01-15"));
                      }),
        Catch::Equals("the action is 70,000 bytes; the limit is 65,536 bytes for a whole "
                      "action plan entry"));
    CHECK(store->plan().empty());

    CHECK_THAT(
        require_error(
            ErrorCode::limit_exceeded,
            [&] { store->set_answer(kTextItem, "ZA1", std::nullopt, std::string(300, 'n')); }),
        Catch::Equals("the name of who answered is 300 bytes; the limit is 200 bytes"));

    CHECK_THAT(
        require_error(ErrorCode::limit_exceeded, [&] { check_file_name(std::string(256, 'f')); }),
        Catch::Equals("the file name is 256 bytes; the limit is 255 bytes"));
    check_file_name(std::string(255, 'f'));

    // At the limit exactly, the change is made.
    nlohmann::json payload = {
        {"item", "1.1.1"}, {"value", "v"}, {"comment", ""}, {"answered_by", "A"}};
    const auto room = protocol::kMaxChangeValueBytes - payload.dump().size();
    store->set_answer(kTextItem, "v", std::string(room, 'x'), "A");
    CHECK(store->outbox().pending_count() == 1);
    CHECK(grouped_count(0) == "0");
    CHECK(grouped_count(999) == "999");
    CHECK(grouped_count(1000) == "1,000");
    CHECK(grouped_count(1234567) == "1,234,567");
}
