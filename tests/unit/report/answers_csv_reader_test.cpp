// Reading the answers spreadsheet back: what 'dspt export FILE.csv' writes,
// and what a spreadsheet program saves after a manager has filled it in.

#include "common/report/answers_csv_reader.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "common/report/answers_report.hpp"
#include "common/report/csv_writer.hpp"
#include "tests/support/errors.hpp"
#include "tests/unit/report/report_fixture.hpp"

using namespace dspt;
using namespace dspt::report;
using namespace dspt::report::testing;
using dspt::test::require_error;

namespace {

const ImportedAnswer* row_of(const std::vector<ImportedAnswer>& rows, std::string_view id) {
    for (const auto& row : rows) {
        if (row.item_id == id) {
            return &row;
        }
    }
    return nullptr;
}

}  // namespace

TEST_CASE("An exported answers CSV reads back to the answers, comments and locations typed",
          "[unit][report]") {
    auto assessment = small_assessment();
    // Text a spreadsheet would run as a formula is written with an apostrophe;
    // it reads back as typed.
    assessment.answers["1.1.1"] = answer("=HYPERLINK(\"x\")", "- checked, \"twice\",\nby Sam");
    const auto csv = to_csv(build_answers_report(small_pack(), assessment, "Rose Lodge", kAsOf));
    REQUIRE(csv.find("'=HYPERLINK") != std::string::npos);

    const auto rows = read_answers_csv(csv, "answers.csv");
    REQUIRE(rows.size() == small_pack().items.size());

    const auto* text = row_of(rows, "1.1.1");
    REQUIRE(text != nullptr);
    CHECK(text->answer == "=HYPERLINK(\"x\")");
    CHECK(text->comment == "- checked, \"twice\",\nby Sam");
    CHECK_FALSE(text->location);
    CHECK(text->line == 2);

    const auto* document = row_of(rows, "1.1.2");
    REQUIRE(document != nullptr);
    CHECK_FALSE(document->answer);
    CHECK(document->location == "Office filing cabinet, folder IG-1");

    const auto* confirm = row_of(rows, "3.2.1");
    REQUIRE(confirm != nullptr);
    CHECK(confirm->answer == "no");
    CHECK(confirm->comment == "two night staff still to train");

    // Unanswered items: blank cells, which mean "leave as it is".
    const auto* date = row_of(rows, "7.2.1");
    REQUIRE(date != nullptr);
    CHECK_FALSE(date->answer);
    CHECK_FALSE(date->comment);
    CHECK_FALSE(date->location);
}

TEST_CASE("A hand-made CSV is read by its column names, in any order", "[unit][report]") {
    const auto rows = read_answers_csv(
        "Notes,Answer,Item\r\n"
        "ignored,yes,1.1.6\r\n"
        ",,\r\n"
        "x,'-5 left,1.1.1\r\n"
        "no item here,yes,\r\n"
        "y,  ,7.2.1\r\n",
        "mine.csv");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == ImportedAnswer{2, "1.1.6", "yes", std::nullopt, std::nullopt});
    CHECK(rows[1] == ImportedAnswer{4, "1.1.1", "-5 left", std::nullopt, std::nullopt});
    CHECK(rows[2] == ImportedAnswer{6, "7.2.1", std::nullopt, std::nullopt, std::nullopt});
    // An apostrophe before anything that is not a formula start is the user's own.
    CHECK(unguarded_cell("'tis done") == "'tis done");
    CHECK(unguarded_cell("'") == "'");
}

TEST_CASE("A file that is not an answers spreadsheet is refused with its line", "[unit][report]") {
    CHECK(require_error(ErrorCode::invalid_argument, [] {
              read_answers_csv("Title,Answer\r\nx,yes\r\n", "a.csv");
          }).find("a.csv:1: no \"Item\" column") != std::string::npos);
    CHECK(require_error(ErrorCode::invalid_argument,
                        [] { read_answers_csv("Item,Title\r\n1.1.1,x\r\n", "b.csv"); })
              .find("b.csv:1: no \"Answer\", \"Comment\" or \"Document location\"") !=
          std::string::npos);
    CHECK(require_error(ErrorCode::invalid_argument, [] {
              read_answers_csv("Item,Answer\n1.1.1,yes\n1.1.6,yes\n1.1.1,no\n", "c.csv");
          }).find("c.csv:4: item 1.1.1 appears twice") != std::string::npos);
    CHECK(require_error(ErrorCode::invalid_argument, [] {
              read_answers_csv("\xEF\xBB\xBF\r\n\r\n", "d.csv");
          }).find("d.csv: the file is empty") != std::string::npos);
    CHECK(require_error(ErrorCode::invalid_argument, [] {
              read_answers_csv("Item,Answer\n1.1.1,\"never closed\n", "e.csv");
          }).find("e.csv:2") != std::string::npos);
}
