// Encryption at rest and associated data: what a thief of the store file can
// read, and what someone editing it can do.

#include <string>
#include <vector>

#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

constexpr std::string_view kAnswerMarker = "ZA-SECRET-123";
constexpr std::string_view kCommentMarker = "COMMENT-XYZ";
constexpr std::string_view kAuthorMarker = "AUTHOR-MARKER-77";
constexpr std::string_view kActionMarker = "ACTION-QWE";
constexpr std::string_view kOwnerMarker = "OWNER-MARKER-88";
constexpr std::string_view kEvidenceMarker = "EVIDENCE-CONTENT-MARKER-4242";
constexpr std::string_view kEvidenceName = "NAME-MARKER.pdf";

void check_no_markers(const Bytes& bytes) {
    for (const auto marker : {kAnswerMarker, kCommentMarker, kAuthorMarker, kActionMarker,
                              kOwnerMarker, kEvidenceMarker, std::string_view("NAME-MARKER")}) {
        INFO("marker " << marker);
        CHECK_FALSE(contains(bytes, marker));
    }
}

}  // namespace

TEST_CASE("Answers, comments, plan entries and evidence are not in clear in the store's files",
          "[unit][client_store]") {
    // The site name is stored in clear: it shows that the search reads the
    // right bytes and would find a marker that was there.
    StoreHome home(test_options("SITE-IN-CLEAR-ROSE-LODGE"));
    std::string content;
    for (int i = 0; i < 100; ++i) {
        content += std::string(kEvidenceMarker) + " line " + std::to_string(i) + "\n";
    }
    const auto file = home.make_file(kEvidenceName, content);
    {
        auto store = home.open();
        store->set_answer(kTextItem, kAnswerMarker, kCommentMarker, kAuthorMarker);
        store->set_plan_entry(
            plan_entry(kConfirmItem, std::string(kActionMarker), std::string(kOwnerMarker)));
        const auto added = store->evidence().add(kDocumentItem, file);
        CHECK(added.name == kEvidenceName);

        // While the store is open, its changes may still be in the write-ahead log.
        const auto live = store_file_bytes(home.path);
        CHECK(contains(live, "SITE-IN-CLEAR-ROSE-LODGE"));
        check_no_markers(live);

        RawDb raw(home.path);
        raw.checkpoint();
        const auto checkpointed = store_file_bytes(home.path);
        CHECK(contains(checkpointed, "SITE-IN-CLEAR-ROSE-LODGE"));
        check_no_markers(checkpointed);

        // The values are really there, behind the passphrase.
        const auto answer = store->answer(kTextItem);
        REQUIRE(answer);
        CHECK(answer->value == kAnswerMarker);
        CHECK(answer->comment == kCommentMarker);
        CHECK(answer->answered_by == kAuthorMarker);
        CHECK(store->plan().at(std::string(kConfirmItem)).action == kActionMarker);
        const auto back = home.read_evidence(*store, added.id);
        CHECK(std::string(back.begin(), back.end()) == content);
    }
    const auto closed = store_file_bytes(home.path);
    CHECK(contains(closed, "SITE-IN-CLEAR-ROSE-LODGE"));
    check_no_markers(closed);
}

TEST_CASE("An answer's sealed value copied onto another item's row is refused as corrupt",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "We have a named data protection lead", "first", "Alice");
    store->set_answer(kDocumentItem, "Policy binder in the office", "second", "Alice");

    RawDb raw(home.path);
    SECTION("value") {
        raw.execute(
            "UPDATE answers SET value = (SELECT value FROM answers WHERE item_id = '1.1.1')"
            " WHERE item_id = '1.1.2'");
    }
    SECTION("comment") {
        raw.execute(
            "UPDATE answers SET comment ="
            " (SELECT comment FROM answers WHERE item_id = '1.1.1')"
            " WHERE item_id = '1.1.2'");
    }
    SECTION("one column onto another column of the same row") {
        raw.execute("UPDATE answers SET answered_by = comment WHERE item_id = '1.1.2'");
    }

    const auto message = require_error(ErrorCode::corrupt, [&] { store->answer(kDocumentItem); });
    CHECK_THAT(message, Catch::Contains("1.1.2"));
    CHECK_THAT(message, !Catch::Contains("1.1.1"));
    require_error(ErrorCode::corrupt, [&] { store->answers(); });

    const auto intact = store->answer(kTextItem);
    REQUIRE(intact);
    CHECK(intact->value == "We have a named data protection lead");
    CHECK(intact->comment == "first");

    // A new store process sees the same.
    store.reset();
    auto reopened = home.open();
    CHECK(reopened->answer(kTextItem)->value == "We have a named data protection lead");
    require_error(ErrorCode::corrupt, [&] { reopened->answer(kDocumentItem); });
}

TEST_CASE("One flipped byte in a sealed field is reported as corrupt naming what it belongs to",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "A named lead", "ok", "Alice");
    store->set_answer(kDocumentItem, "Policy binder", "ok", "Alice");
    store->set_plan_entry(plan_entry(kConfirmItem, "Train every member of staff"));
    store->set_plan_entry(plan_entry(kTextItem, "Review the policy"));
    const auto first = store->evidence().add(kDocumentItem, home.make_file("a.pdf", "first"));
    const auto second = store->evidence().add(kDocumentItem, home.make_file("b.pdf", "second"));
    RawDb raw(home.path);

    SECTION("answer value (nonce, ciphertext and tag)") {
        const auto sealed =
            raw.blob("SELECT value FROM answers WHERE item_id = ?1", std::string_view("1.1.2"));
        for (const std::size_t index : {std::size_t{0}, std::size_t{30}, sealed.size() - 1}) {
            raw.run("UPDATE answers SET value = ?1 WHERE item_id = ?2", flip_byte(sealed, index),
                    "1.1.2");
            const auto message =
                require_error(ErrorCode::corrupt, [&] { store->answer(kDocumentItem); });
            CHECK_THAT(message, Catch::Contains("answer to item 1.1.2"));
            CHECK(store->answer(kTextItem)->value == "A named lead");
        }
        // Truncated to less than a nonce and a tag.
        raw.run("UPDATE answers SET value = ?1 WHERE item_id = ?2", Bytes(10, 0), "1.1.2");
        require_error(ErrorCode::corrupt, [&] { store->answer(kDocumentItem); });
    }
    SECTION("answered_by") {
        const auto sealed = raw.blob("SELECT answered_by FROM answers WHERE item_id = ?1",
                                     std::string_view("1.1.1"));
        raw.run("UPDATE answers SET answered_by = ?1 WHERE item_id = ?2", flip_byte(sealed, 26),
                "1.1.1");
        CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->answer(kTextItem); }),
                   Catch::Contains("1.1.1"));
        CHECK(store->answer(kDocumentItem)->value == "Policy binder");
    }
    SECTION("plan entry") {
        const auto sealed = raw.blob("SELECT entry FROM plan_entries WHERE item_id = ?1",
                                     std::string_view("1.1.6"));
        raw.run("UPDATE plan_entries SET entry = ?1 WHERE item_id = ?2", flip_byte(sealed, 40),
                "1.1.6");
        CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->plan(); }),
                   Catch::Contains("action plan entry for item 1.1.6"));
        // Answers and evidence do not depend on the plan.
        CHECK(store->answers().size() == 2);
        CHECK(store->evidence().list(std::nullopt).size() == 2);
    }
    SECTION("plan entry moved to another item") {
        raw.execute(
            "UPDATE plan_entries SET entry ="
            " (SELECT entry FROM plan_entries WHERE item_id = '1.1.6')"
            " WHERE item_id = '1.1.1'");
        CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->plan(); }),
                   Catch::Contains("item 1.1.1"));
    }
    SECTION("evidence manifest") {
        const auto sealed =
            raw.blob("SELECT manifest FROM evidence WHERE id = ?1", std::string_view(first.id));
        raw.run("UPDATE evidence SET manifest = ?1 WHERE id = ?2", flip_byte(sealed, 50), first.id);
        CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->evidence().find(first.id); }),
                   Catch::Contains(first.id));
        require_error(ErrorCode::corrupt, [&] { home.read_evidence(*store, first.id); });
        CHECK(store->evidence().find(second.id).name == "b.pdf");
        CHECK(home.read_evidence(*store, second.id) == Bytes{'s', 'e', 'c', 'o', 'n', 'd'});
    }
    SECTION("evidence file key") {
        const auto wrapped =
            raw.blob("SELECT file_key FROM evidence WHERE id = ?1", std::string_view(first.id));
        raw.run("UPDATE evidence SET file_key = ?1 WHERE id = ?2", flip_byte(wrapped, 30),
                first.id);
        CHECK_THAT(require_error(ErrorCode::corrupt, [&] { home.read_evidence(*store, first.id); }),
                   Catch::Contains(first.id));
        CHECK(home.read_evidence(*store, second.id) == Bytes{'s', 'e', 'c', 'o', 'n', 'd'});
    }
    SECTION("outbox payload") {
        const auto sealed = raw.blob("SELECT payload FROM outbox WHERE seq = 2");
        raw.run("UPDATE outbox SET payload = ?1 WHERE seq = 2", flip_byte(sealed, 33));
        CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->outbox().pending(100); }),
                   Catch::Contains("outbox entry 2"));
        // The answers themselves are untouched.
        CHECK(store->answer(kDocumentItem)->value == "Policy binder");
    }
}

TEST_CASE("An outbox entry's register key cannot be changed outside dspt", "[unit][client_store]") {
    // The payload names what it belongs to, so a change of its clear register
    // key would push one answer's value to another register.
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "A named lead", "", "Alice");
    store->set_answer(kDocumentItem, "Policy binder", "", "Alice");
    RawDb raw(home.path);
    raw.run("UPDATE outbox SET register_key = ?1 WHERE seq = 1", std::string_view("answer/1.1.3"));
    CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->outbox().pending(100); }),
               Catch::Contains("outbox entry 1"));
}
