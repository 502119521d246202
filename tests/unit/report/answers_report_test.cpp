#include "common/report/answers_report.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/report/report_fixture.hpp"

using namespace dspt;
using namespace dspt::report;
using namespace dspt::report::testing;

TEST_CASE("the answers report has one row per pack item, in pack order", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    REQUIRE(report.rows.size() == 5);
    std::vector<std::string> ids;
    for (const auto& row : report.rows) {
        ids.push_back(row.item_id);
    }
    CHECK(ids == std::vector<std::string>{"1.1.1", "1.1.2", "3.2.1", "7.2.1", "10.2.2"});

    const auto& first = report.rows[0];
    CHECK(first.standard == 1);
    CHECK(first.title == "title 1.1.1");
    CHECK(first.question == "question 1.1.1");
    CHECK(first.type == "text");
    CHECK(first.mandatory_approaching);
    CHECK(first.mandatory_met);
    CHECK(first.source == "confirmed");
    CHECK(report.rows[3].source == "inferred");
    CHECK(report.rows[4].standard == 10);
    CHECK_FALSE(report.rows[4].mandatory_approaching);
    CHECK_FALSE(report.rows[4].mandatory_met);
}

TEST_CASE("each row's state comes from the evaluator", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    CHECK(report.rows[0].state == "satisfied");   // text
    CHECK(report.rows[1].state == "satisfied");   // document with files and a location
    CHECK(report.rows[2].state == "answered");    // "no" with a file
    CHECK(report.rows[3].state == "unanswered");  // date
    CHECK(report.rows[4].state == "unanswered");  // optional
}

TEST_CASE("a document item's value is its location, never its answer", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    const auto& document = report.rows[1];
    CHECK(document.type == "document");
    CHECK(document.answer.empty());
    CHECK(document.location == "Office filing cabinet, folder IG-1");

    const auto& text = report.rows[0];
    CHECK(text.answer == "ZA123456");
    CHECK(text.comment == "checked on the ICO register");
    CHECK(text.location.empty());
    CHECK(report.rows[2].answer == "no");
}

TEST_CASE("evidence files are listed by name, joined, for their own item only", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    CHECK(report.rows[0].evidence_files.empty());
    CHECK(report.rows[1].evidence_files == "register.xlsx; ropa 2025.docx");
    CHECK(report.rows[2].evidence_files == "training-log.pdf");
    for (const auto& row : report.rows) {
        CHECK(row.evidence_files.find("not-in-pack") == std::string::npos);
    }
}

TEST_CASE("a plan entry fills the action columns of its item", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    const auto& planned = report.rows[2];
    CHECK(planned.plan_action == "Book refresher training");
    CHECK(planned.plan_owner == "Registered manager");
    CHECK(planned.plan_due == "2026-05-01");
    const auto& unplanned = report.rows[3];
    CHECK(unplanned.plan_action.empty());
    CHECK(unplanned.plan_owner.empty());
    CHECK(unplanned.plan_due.empty());
}

TEST_CASE("the report summary is the evaluator's level and progress", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    CHECK(report.site_name == "Rose House");
    CHECK(report.year == "2025-26");
    CHECK(report.level == "Approaching Standards");
    CHECK(report.generated_on == "2026-03-01");
    CHECK(report.approaching_satisfied == 2);
    CHECK(report.approaching_total == 2);
    CHECK(report.met_satisfied == 2);
    CHECK(report.met_total == 4);

    const auto empty = build_answers_report(small_pack(), assessment::Assessment{}, "New", kAsOf);
    CHECK(empty.level == "Not yet at Approaching Standards");
    CHECK(empty.approaching_satisfied == 0);
    CHECK(empty.rows.size() == 5);
}

TEST_CASE("a row's cells follow the header order with Yes and No for booleans", "[unit][report]") {
    const auto report = build_answers_report(small_pack(), small_assessment(), "Rose House", kAsOf);
    const auto cells = to_cells(report.rows[2]);
    const std::array<std::string, kColumnCount> expected = {
        "3",
        "3.2.1",
        "title 3.2.1",
        "question 3.2.1",
        "confirm",
        "No",
        "Yes",
        "answered",
        "no",
        "two night staff still to train",
        "training-log.pdf",
        "",
        "Book refresher training",
        "Registered manager",
        "2026-05-01",
        "confirmed",
    };
    CHECK(cells == expected);
    CHECK(kColumnHeaders[6] == "Mandatory for Standards Met");
}
