// Every change and its outbox entry commit together (docs/sync.md, "The outbox").

#include <string>
#include <vector>

#include "client/store/evidence_transfer.hpp"
#include "common/crypto/aead.hpp"
#include "common/crypto/key_wrap.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

// What a user would see of the store's content.
struct Snapshot {
    assessment::Answers answers;
    assessment::Plan plan;
    std::size_t evidence = 0;
    std::size_t pending = 0;

    friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot snapshot(LocalStore& store) {
    return {store.answers(), store.plan(), store.evidence().list(std::nullopt).size(),
            store.outbox().pending_count()};
}

void check_increasing(const std::vector<OutboxEntry>& entries) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        INFO("entry " << i);
        CHECK(entries[i].seq == static_cast<std::int64_t>(i) + 1);
        if (i > 0) {
            CHECK(entries[i].hlc > entries[i - 1].hlc);
        }
    }
}

}  // namespace

TEST_CASE("Each change adds exactly one outbox entry, in order", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    CHECK(store->outbox().pending_count() == 0);
    CHECK(store->outbox().pending(10).empty());

    store->set_answer(kTextItem, "  Our lead is the registered manager ", "see the policy",
                      "Alice");
    store->set_answer(kConfirmItem, "Yes", std::nullopt, "Bob");
    store->set_plan_entry(plan_entry(kDocumentItem, "Write the policy", "Carol", "2026-01-15"));
    const auto file = store->evidence().add(kDocumentItem, home.make_file("policy.pdf", "PDF"));
    const auto organisation_key = crypto::SecretKey::generate();
    EvidenceTransfers(*store).finish_upload(file.id, organisation_key);  // its chunks are sent
    store->clear_answer(kConfirmItem);
    store->remove_plan_entry(kDocumentItem);

    const auto entries = store->outbox().pending(100);
    REQUIRE(entries.size() == 6);
    CHECK(store->outbox().pending_count() == 6);
    check_increasing(entries);
    for (const auto& entry : entries) {
        CHECK(entry.replica_id == store->info().replica_id);
        CHECK(entry.seen.empty());
        CHECK(entry.created_at_ms > 0);
    }
    CHECK(entries[0].register_key == "answer/1.1.1");
    CHECK(entries[0].payload == nlohmann::json{{"item", "1.1.1"},
                                               {"value", "Our lead is the registered manager"},
                                               {"comment", "see the policy"},
                                               {"answered_by", "Alice"}});
    CHECK(entries[1].register_key == "answer/1.1.6");
    CHECK(entries[1].payload["value"] == "yes");
    CHECK(entries[1].payload["comment"] == "");
    CHECK(entries[2].register_key == "plan/1.1.2");
    CHECK(entries[2].payload == nlohmann::json{{"item", "1.1.2"},
                                               {"action", "Write the policy"},
                                               {"owner", "Carol"},
                                               {"due", "2026-01-15"}});
    CHECK(entries[3].register_key == "evidence/" + file.id);
    CHECK(entries[3].payload["id"] == file.id);
    CHECK(entries[3].payload["item"] == "1.1.2");
    CHECK(entries[3].payload["size"] == 3);
    CHECK(entries[3].payload["chunks"] == 1);
    // The file key travels wrapped by the organisation key only, and the name
    // and content hash sealed under the file key: the server holds neither.
    CHECK_FALSE(entries[3].payload.contains("name"));
    CHECK_FALSE(entries[3].payload.contains("blake2b"));
    CHECK(entries[3].payload.dump().find("policy") == std::string::npos);
    const auto file_key = crypto::unwrap_key(
        organisation_key, crypto::from_base64(entries[3].payload["file_key"].get<std::string>()),
        crypto::as_byte_view("evidence-file-key|" + file.id));
    const auto hidden = crypto::Aead::open(
        file_key, crypto::from_base64(entries[3].payload["sealed"].get<std::string>()),
        crypto::as_byte_view("evidence-manifest|" + file.id));
    CHECK(nlohmann::json::parse(std::string(hidden.begin(), hidden.end())) ==
          nlohmann::json{{"name", "policy.pdf"},
                         {"blake2b", crypto::to_hex(crypto::blake2b(Bytes{'P', 'D', 'F'}))}});
    CHECK(entries[4].register_key == "answer/1.1.6");
    CHECK(entries[4].payload == nlohmann::json{{"item", "1.1.6"}, {"deleted", true}});
    CHECK(entries[5].register_key == "plan/1.1.2");
    CHECK(entries[5].payload == nlohmann::json{{"item", "1.1.2"}, {"deleted", true}});

    CHECK(store->outbox().pending(2).size() == 2);
    CHECK(store->outbox().pending(2)[1].seq == 2);

    // The sequence and the clock carry on after the store is reopened.
    const auto last_hlc = entries.back().hlc;
    store.reset();
    auto reopened = home.open();
    reopened->set_answer(kTextItem, "Changed", std::nullopt, "Alice");
    const auto after = reopened->outbox().pending(100);
    REQUIRE(after.size() == 7);
    CHECK(after[6].seq == 7);
    CHECK(after[6].hlc > last_hlc);
    CHECK(after[6].payload["comment"] == "see the policy");  // kept
}

TEST_CASE("A change that is refused adds no outbox entry and changes nothing",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kConfirmItem, "no", "not yet", "Alice");
    store->set_plan_entry(plan_entry(kConfirmItem, "Buy a shredder"));
    const auto before = snapshot(*store);
    REQUIRE(before.pending == 2);

    require_error(ErrorCode::invalid_argument,
                  [&] { store->set_answer(kConfirmItem, "maybe", "hmm", "Alice"); });
    require_error(ErrorCode::invalid_argument,
                  [&] { store->set_answer(kTextItem, "   ", std::nullopt, "Alice"); });
    require_error(ErrorCode::invalid_argument,
                  [&] { store->set_answer(kDocumentItem, "", "a comment", "Alice"); });
    CHECK_THAT(require_error(ErrorCode::not_found,
                             [&] { store->set_answer("9.9.9", "yes", std::nullopt, "Alice"); }),
               Catch::Contains("9.9.9"));
    require_error(ErrorCode::failed_precondition,
                  [&] { store->set_answer(kTextItem, std::nullopt, "only a comment", "Alice"); });
    require_error(ErrorCode::not_found, [&] { store->clear_answer(kTextItem); });
    require_error(ErrorCode::not_found, [&] { store->clear_answer("9.9.9"); });
    require_error(ErrorCode::invalid_argument,
                  [&] { store->set_plan_entry(plan_entry(kTextItem, " \t ")); });
    require_error(ErrorCode::invalid_argument,
                  [&] { store->set_plan_entry(plan_entry(kTextItem, "Do it", "")); });
    require_error(ErrorCode::not_found,
                  [&] { store->set_plan_entry(plan_entry("9.9.9", "Do it")); });
    require_error(ErrorCode::not_found, [&] { store->remove_plan_entry(kTextItem); });
    require_error(ErrorCode::not_found, [&] { store->evidence().remove("not-an-id"); });

    CHECK(snapshot(*store) == before);
    // The next change still gets the next seq.
    store->set_answer(kConfirmItem, "yes", std::nullopt, "Alice");
    const auto entries = store->outbox().pending(100);
    REQUIRE(entries.size() == 3);
    check_increasing(entries);
}

TEST_CASE("Setting an answer to what it already is records nothing", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kConfirmItem, "yes", "checked in March", "Alice");
    const auto before = store->answer(kConfirmItem);
    REQUIRE(before);

    store->set_answer(kConfirmItem, " YES ", "checked in March", "Bob");  // same once normalised
    store->set_answer(kConfirmItem, "y", std::nullopt, "Bob");
    store->set_answer(kConfirmItem, std::nullopt, "checked in March", "Bob");
    CHECK(store->outbox().pending_count() == 1);
    CHECK(store->answer(kConfirmItem) == before);

    // Changing only the comment is a change, and keeps the value.
    store->set_answer(kConfirmItem, std::nullopt, "checked again in April", "Bob");
    const auto entries = store->outbox().pending(100);
    REQUIRE(entries.size() == 2);
    CHECK(entries[1].payload["value"] == "yes");
    CHECK(entries[1].payload["comment"] == "checked again in April");
    const auto after = store->answer(kConfirmItem);
    REQUIRE(after);
    CHECK(after->value == "yes");
    CHECK(after->comment == "checked again in April");
    CHECK(after->answered_by == "Bob");
}

TEST_CASE("A failure inside a change's transaction leaves neither the value nor the entry",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "The original answer", "c", "Alice");
    const auto evidence_file = home.make_file("policy.pdf", pseudo_random_bytes(3000, 5));
    const auto before = snapshot(*store);

    RawDb raw(home.path);
    raw.execute(
        "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox"
        " BEGIN SELECT RAISE(ABORT, 'boom'); END;");

    CHECK_THAT(require_error(ErrorCode::database,
                             [&] { store->set_answer(kTextItem, "A new answer", "c", "Alice"); }),
               Catch::Contains("boom"));
    require_error(ErrorCode::database,
                  [&] { store->set_answer(kDocumentItem, "In the office", "", "Alice"); });
    require_error(ErrorCode::database, [&] { store->clear_answer(kTextItem); });
    require_error(ErrorCode::database,
                  [&] { store->set_plan_entry(plan_entry(kTextItem, "Review the answer")); });
    const auto file = store->evidence().add(kDocumentItem, evidence_file);
    require_error(ErrorCode::database, [&] {
        EvidenceTransfers(*store).finish_upload(file.id, crypto::SecretKey::generate());
    });
    CHECK(store->evidence().find(file.id).transfer == EvidenceTransfer::to_upload);
    store->evidence().remove(file.id);

    CHECK(snapshot(*store) == before);
    CHECK(store->answer(kTextItem)->value == "The original answer");
    CHECK_FALSE(store->answer(kDocumentItem).has_value());
    CHECK(raw.integer("SELECT COUNT(*) FROM evidence") == 0);
    CHECK(raw.integer("SELECT COUNT(*) FROM evidence_chunks") == 0);
    CHECK(raw.integer("SELECT COUNT(*) FROM plan_entries") == 0);
    // The store's connection is not left inside a transaction.
    CHECK_FALSE(store->database().in_transaction());

    raw.execute("DROP TRIGGER fail_outbox");
    store->set_answer(kTextItem, "A new answer", "c", "Alice");
    const auto entries = store->outbox().pending(100);
    REQUIRE(entries.size() == 2);
    check_increasing(entries);  // no seq was used up by the failures
    CHECK(entries[1].payload["value"] == "A new answer");
}

TEST_CASE("Two processes writing one store keep seq contiguous and HLC increasing",
          "[unit][client_store]") {
    StoreHome home;
    auto first = home.open();
    auto second = home.open();
    REQUIRE(first->info().replica_id == second->info().replica_id);

    // The first process has seen a change from a replica whose clock runs an
    // hour ahead (as sync does when it pulls), so its times are in the future.
    const auto ahead = HlcTime(HybridClock::system_millis() + 3'600'000, 0);
    first->clock().update(ahead);
    first->set_answer(kTextItem, "From the first window", std::nullopt, "Alice");
    second->set_answer(kDocumentItem, "From the second window", std::nullopt, "Bob");
    first->set_answer(kConfirmItem, "yes", std::nullopt, "Alice");
    second->set_plan_entry(plan_entry(kConfirmItem, "Keep it up"));

    const auto entries = first->outbox().pending(100);
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].hlc > ahead);
    check_increasing(entries);
    CHECK(second->outbox().pending(100).size() == 4);
    CHECK(first->answers().size() == 3);
}
