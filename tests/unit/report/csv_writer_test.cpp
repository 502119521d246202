#include "common/report/csv_writer.hpp"

#include <catch2/catch.hpp>

using namespace dspt::report;

namespace {

const std::string kBom = "\xEF\xBB\xBF";
const std::string kHeader =
    "Standard,Item,Title,Question,Type,Mandatory for Approaching Standards,"
    "Mandatory for Standards Met,State,Answer,Comment,Evidence files,Document location,"
    "Action,Action owner,Action due,Source\r\n";

ReportRow plain_row() {
    ReportRow row;
    row.standard = 1;
    row.item_id = "1.1.5";
    row.title = "Named senior person";
    row.question = "Who is responsible?";
    row.type = "text";
    row.mandatory_approaching = true;
    row.mandatory_met = true;
    row.state = "satisfied";
    row.source = "confirmed";
    return row;
}

}  // namespace

TEST_CASE("the CSV starts with a UTF-8 BOM and the header row", "[unit][report]") {
    const auto csv = to_csv(AnswersReport{});
    CHECK(csv.substr(0, 3) == kBom);
    CHECK(csv == kBom + kHeader);
}

TEST_CASE("the CSV quotes commas, quotes and line breaks exactly", "[unit][report]") {
    AnswersReport report;
    auto row = plain_row();
    row.answer = "Jane Smith, Registered Manager";
    row.comment = "She said \"yes\"\r\nin the May meeting";
    row.evidence_files = "a.pdf; b.pdf";
    row.plan_action = "line one\nline two";
    report.rows.push_back(row);

    const std::string expected_row =
        "1,1.1.5,Named senior person,Who is responsible?,text,Yes,Yes,satisfied,"
        "\"Jane Smith, Registered Manager\","
        "\"She said \"\"yes\"\"\r\nin the May meeting\","
        "a.pdf; b.pdf,,\"line one\nline two\",,,confirmed\r\n";
    CHECK(to_csv(report) == kBom + kHeader + expected_row);
}

TEST_CASE("the CSV guards cells that Excel would run as formulas", "[unit][report]") {
    AnswersReport report;
    auto row = plain_row();
    row.answer = "=HYPERLINK(\"http://evil.example\",\"click\")";
    row.comment = "+44 20 7946 0000";
    row.location = "@SUM(1)";
    row.plan_action = "- ask IT";
    row.plan_owner = "\tIT";
    report.rows.push_back(row);

    const std::string expected_row =
        "1,1.1.5,Named senior person,Who is responsible?,text,Yes,Yes,satisfied,"
        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","
        "'+44 20 7946 0000,,'@SUM(1),'- ask IT,'\tIT,,confirmed\r\n";
    CHECK(to_csv(report) == kBom + kHeader + expected_row);

    CHECK(csv_field("=1+1") == "'=1+1");
    CHECK(csv_field("-5") == "'-5");
    CHECK(csv_field("\rx") == "\"'\rx\"");
    CHECK(csv_field("a=b") == "a=b");  // only the first character matters
    CHECK(csv_field("") == "");
}
