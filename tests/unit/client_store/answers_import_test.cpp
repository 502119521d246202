// Importing the answers spreadsheet into the store: every row checked first,
// then every change recorded at once, each with its outbox entry.

#include "client/actions/answers_import.hpp"

#include <string>
#include <vector>

#include "tests/support/errors.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;
using dspt::report::ImportedAnswer;
using dspt::test::require_error;

namespace {

ImportedAnswer row(std::size_t line, std::string_view item, std::optional<std::string> answer,
                   std::optional<std::string> comment = std::nullopt,
                   std::optional<std::string> location = std::nullopt) {
    return {line, std::string(item), std::move(answer), std::move(comment), std::move(location)};
}

}  // namespace

TEST_CASE("Importing records the rows that change something, one outbox entry each",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA123456", "on the ICO register", "sam");
    const auto before = store->outbox().pending_count();

    const auto result = import_answers(
        *store,
        {row(2, kTextItem, "ZA123456"),                       // as held: unchanged
         row(3, kConfirmItem, "Yes", "signed by the board"),  // new, normalised
         row(4, kDocumentItem, std::nullopt, std::nullopt, "Office cabinet, folder IG-1"),
         row(5, "1.1.5", std::nullopt)},  // a blank row
        "answers.csv", "alex");

    CHECK(result.changed ==
          std::vector<std::string>{std::string(kConfirmItem), std::string(kDocumentItem)});
    CHECK(result.unchanged == 2);
    CHECK(store->outbox().pending_count() == before + 2);
    const auto confirm = store->answer(kConfirmItem);
    REQUIRE(confirm);
    CHECK(confirm->value == "yes");
    CHECK(confirm->comment == "signed by the board");
    CHECK(confirm->answered_by == "alex");
    CHECK(store->answer(kDocumentItem)->value == "Office cabinet, folder IG-1");
    CHECK(store->answer(kTextItem)->answered_by == "sam");

    SECTION("a comment alone changes the comment and keeps the value") {
        const auto again = import_answers(
            *store, {row(2, kTextItem, std::nullopt, "renewed in May")}, "b.csv", "alex");
        CHECK(again.changed == std::vector<std::string>{std::string(kTextItem)});
        CHECK(store->answer(kTextItem)->value == "ZA123456");
        CHECK(store->answer(kTextItem)->comment == "renewed in May");
    }
}

TEST_CASE("One wrong row and nothing is imported; every wrong row is named by its line",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto message = require_error(ErrorCode::invalid_argument, [&] {
        import_answers(
            *store,
            {row(2, kConfirmItem, "yes"),  // fine on its own
             row(3, "9.9.9", "yes"), row(4, "1.2.4", "maybe"), row(5, kDocumentItem, "yes"),
             row(6, kTextItem, std::nullopt, std::nullopt, "in the office"),
             row(7, "1.1.5", std::nullopt, "a comment, no answer")},
            "answers.csv", "alex");
    });
    CHECK(message.find("5 rows to correct") != std::string::npos);
    CHECK(message.find("answers.csv:3: there is no item 9.9.9") != std::string::npos);
    CHECK(message.find("answers.csv:4:") != std::string::npos);
    CHECK(message.find("answers.csv:5: item 1.1.2 is a document item") != std::string::npos);
    CHECK(message.find("answers.csv:6: item 1.1.1 is a text item") != std::string::npos);
    CHECK(message.find("answers.csv:7: item 1.1.5 has no answer yet") != std::string::npos);
    CHECK(message.find("answers.csv:2") == std::string::npos);
    // Not even the good row was recorded.
    CHECK_FALSE(store->answer(kConfirmItem));
    CHECK(store->outbox().pending_count() == 0);
}

TEST_CASE("Planning an import lists each change with its old and new text, writing nothing",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA123456", "on the ICO register", "sam");
    const auto before = store->outbox().pending_count();

    const auto plan = plan_import(*store,
                                  {row(2, kTextItem, "ZB999999"),  // a new answer
                                   row(3, kConfirmItem, "yes", "signed"),
                                   row(4, kDocumentItem, std::nullopt)},  // blank: unchanged
                                  "answers.xlsx");
    REQUIRE(plan.changes.size() == 2);
    CHECK(plan.unchanged == 1);
    const auto& text = plan.changes[0];
    CHECK(text.item_id == kTextItem);
    CHECK(text.title == store->pack().find(kTextItem)->title);
    CHECK(text.old_value == "ZA123456");
    CHECK(text.new_value == "ZB999999");
    CHECK(text.old_comment == "on the ICO register");
    CHECK(text.new_comment == "on the ICO register");
    const auto& confirm = plan.changes[1];
    CHECK(confirm.old_value.empty());
    CHECK(confirm.new_value == "yes");
    CHECK(confirm.new_comment == "signed");
    // Nothing is written until the plan is recorded.
    CHECK(store->answer(kTextItem)->value == "ZA123456");
    CHECK_FALSE(store->answer(kConfirmItem));
    CHECK(store->outbox().pending_count() == before);

    const auto result = record_import(*store, plan, "alex");
    CHECK(result.changed ==
          std::vector<std::string>{std::string(kTextItem), std::string(kConfirmItem)});
    CHECK(result.unchanged == 1);
    CHECK(store->answer(kTextItem)->value == "ZB999999");
    CHECK(store->answer(kConfirmItem)->answered_by == "alex");
    CHECK(store->outbox().pending_count() == before + 2);
}
