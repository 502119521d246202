// Reading the answers spreadsheet back: what 'dspt export FILE.csv' writes,
// and what a spreadsheet program saves after a manager has filled it in.

#include "common/report/answers_csv_reader.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/report/answers_report.hpp"
#include "common/report/csv_writer.hpp"
#include "common/report/xlsx_reader.hpp"
#include "common/report/zip_writer.hpp"
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

// A workbook as Excel or LibreOffice saves it: shared and inline strings,
// numbers, and dates typed into a cell, kept as a day count with a date format.
namespace {

constexpr const char* kStyles =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"DD/MM/YYYY\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"&quot;day &quot;0.00\"/></numFmts>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"20\"/></cellXfs>"
    "</styleSheet>";

// A workbook of one sheet, "Answers", with `cells` as its sheet data, saved
// with dates counted from 1900 or, when `from_1904`, from 1904.
std::string answers_workbook(const std::string& cells, bool from_1904 = false) {
    const std::string workbook_xml =
        std::string(
            "<?xml version=\"1.0\"?><workbook "
            "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
            "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
            "relationships\"><workbookPr") +
        (from_1904 ? " date1904=\"1\"" : "") +
        "/><sheets><sheet name=\"Answers\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    return zip_stored(
        {{"xl/workbook.xml", workbook_xml},
         {"xl/_rels/workbook.xml.rels",
          "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
          "</Relationships>"},
         {"xl/sharedStrings.xml",
          "<sst><si><t>Item</t></si><si><t>Answer</t></si><si><t>Comment</t></si>"
          "<si><t>1.1.6</t></si><si><r><t>signed by </t></r><r><t>the board</t></r></si></sst>"},
         {"xl/styles.xml", kStyles},
         {"xl/worksheets/sheet1.xml",
          "<worksheet><sheetData>" + cells + "</sheetData></worksheet>"}});
}

}  // namespace

TEST_CASE("an answers sheet reads shared, inline and numeric cells by their headers",
          "[unit][report]") {
    const auto sheets = read_xlsx(
        answers_workbook(
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
            "<c r=\"C1\" t=\"s\"><v>2</v></c></row>"
            "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>3</v></c><c r=\"B3\" t=\"inlineStr\">"
            "<is><t>Yes</t></is></c><c r=\"C3\" t=\"s\"><v>4</v></c></row>"
            "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>1.1.1</t></is></c>"
            "<c r=\"B4\"><v>12345</v></c></row>"),
        "filled.xlsx");
    REQUIRE(sheets.size() == 1);
    const auto rows = read_answers_sheet(sheets[0], "filled.xlsx (sheet \"Answers\")");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == ImportedAnswer{3, "1.1.6", "Yes", "signed by the board", std::nullopt});
    CHECK(rows[1] == ImportedAnswer{4, "1.1.1", "12345", std::nullopt, std::nullopt});

    // The row numbers of the sheet name a wrong row.
    auto doubled = sheets[0];
    doubled.rows.push_back({9, {"1.1.6", "no"}});
    CHECK(require_error(ErrorCode::invalid_argument, [&] {
              read_answers_sheet(doubled, "filled.xlsx (sheet \"Answers\")");
          }) == "filled.xlsx (sheet \"Answers\"):9: item 1.1.6 appears twice");
}

TEST_CASE("a number in a date format reads as the date it shows", "[unit][report]") {
    // 46203 is 30 June 2026 counted from 1900; built-in format 14, a custom
    // DD/MM/YYYY; a number format with quoted text, a time format, and no
    // format at all stay numbers.
    const auto cells = [](bool from_1904) {
        return read_xlsx(answers_workbook("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>46203</v></c>"
                                          "<c r=\"B1\" s=\"2\"><v>46203.75</v></c>"
                                          "<c r=\"C1\" s=\"3\"><v>46203</v></c>"
                                          "<c r=\"D1\" s=\"4\"><v>0.5</v></c>"
                                          "<c r=\"E1\"><v>46203</v></c>"
                                          "<c r=\"F1\" s=\"1\"><v>59</v></c>"
                                          "<c r=\"G1\" s=\"1\"><v>-3</v></c></row>",
                                          from_1904),
                         "dates.xlsx")[0]
            .rows[0]
            .cells;
    };
    CHECK(cells(false) == std::vector<std::string>{"2026-06-30", "2026-06-30", "46203", "0.5",
                                                   "46203", "1900-02-28", "-3"});
    // The same day count in a workbook that counts from 1904 (old Excel for Mac).
    CHECK(cells(true)[0] == "2030-07-01");
}
