// `dspt export`: the answers spreadsheet as CSV and XLSX, and the printable
// PDF, responses only.

#include <array>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "common/report/zip_writer.hpp"
#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/client_fixture.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt::test;

TEST_CASE("export writes one row per item with answers, never evidence content",
          "[integration][client_export]") {
    ClientHome home;
    home.init();
    REQUIRE(
        home.run({"answer", "1.1.1", "ZA123456", "--comment", "renewed, \"May\" 2025"}).exit_code ==
        0);
    REQUIRE(home.run({"answer", "1.1.2", "--location", "Office cabinet"}).exit_code == 0);
    REQUIRE(home.run({"plan", "set", "3.2.1", "--action", "Book training", "--owner", "RM", "--due",
                      "2026-03-31"})
                .exit_code == 0);
    const auto evidence = home.make_file("privacy-notice.pdf", 5000, "SECRET-EVIDENCE-BYTES");
    REQUIRE(home.run({"evidence", "add", "1.1.3", evidence.string()}).exit_code == 0);

    const auto csv_path = home.home() / "answers.csv";
    const auto csv = home.run({"export", csv_path.string()});
    REQUIRE(csv.exit_code == 0);
    const auto text = slurp(csv_path);
    CHECK_THAT(text, Catch::Contains("ZA123456"));
    CHECK_THAT(text, Catch::Contains("\"renewed, \"\"May\"\" 2025\""));
    CHECK_THAT(text, Catch::Contains("Office cabinet"));
    CHECK_THAT(text, Catch::Contains("privacy-notice.pdf"));
    CHECK_THAT(text, Catch::Contains("Book training"));
    CHECK(text.find("SECRET-EVIDENCE-BYTES") == std::string::npos);
    // A header plus one line per item of the 2025-26 pack.
    const auto items = home.json({"items"}).size();
    std::size_t lines = 0;
    for (std::size_t pos = 0; (pos = text.find("\r\n", pos)) != std::string::npos; pos += 2) {
        ++lines;
    }
    CHECK(lines >= items + 1);

    const auto xlsx_path = home.home() / "answers.xlsx";
    REQUIRE(home.run({"export", xlsx_path.string()}).exit_code == 0);
    const auto xlsx = slurp(xlsx_path);
    CHECK(xlsx.substr(0, 2) == "PK");
    CHECK(xlsx.find("SECRET-EVIDENCE-BYTES") == std::string::npos);

    const auto bad = home.run({"export", (home.home() / "answers.odt").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains(".xlsx, .csv or .pdf"));
    CHECK(!std::filesystem::exists(home.home() / "answers.odt"));
}

TEST_CASE("export FILE.pdf writes the answers as a printable document",
          "[integration][client_export]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456", "--comment", "renewed in May"}).exit_code ==
            0);
    REQUIRE(home.run({"answer", "1.1.2", "--location", "Office cabinet"}).exit_code == 0);
    REQUIRE(home.run({"plan", "set", "3.2.1", "--action", "Book training", "--owner", "RM", "--due",
                      "2026-03-31"})
                .exit_code == 0);
    const auto evidence = home.make_file("privacy-notice.txt", 5000, "SECRET-EVIDENCE-BYTES");
    REQUIRE(home.run({"evidence", "add", "1.1.3", evidence.string()}).exit_code == 0);

    const auto pdf_path = home.home() / "answers.pdf";
    const auto result = home.run({"export", pdf_path.string()});
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("answers.pdf"));
    CHECK(slurp(pdf_path).substr(0, 5) == "%PDF-");

    const auto text = poppler("pdftotext", pdf_path);
    CHECK_THAT(text, Catch::Contains("2025-26"));
    CHECK_THAT(text, Catch::Contains("ZA123456"));
    CHECK_THAT(text, Catch::Contains("renewed in May"));
    CHECK_THAT(text, Catch::Contains("Office cabinet"));
    CHECK_THAT(text, Catch::Contains("privacy-notice.txt"));
    CHECK_THAT(text, Catch::Contains("Book training"));
    CHECK_THAT(text, Catch::Contains("31 March 2026"));
    CHECK(text.find("SECRET-EVIDENCE-BYTES") == std::string::npos);

    // An existing file is kept unless --force.
    const auto again = home.run({"export", pdf_path.string()});
    CHECK(again.exit_code != 0);
    CHECK_THAT(again.err, Catch::Contains("--force"));
    CHECK(home.run({"export", pdf_path.string(), "--force"}).exit_code == 0);
}

TEST_CASE("import records the answers filled in on the exported spreadsheet, or nothing",
          "[integration][client_export]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    const auto csv_path = home.home() / "answers.csv";
    REQUIRE(home.run({"export", csv_path.string()}).exit_code == 0);
    REQUIRE(home.run({"export", (home.home() / "answers.xlsx").string()}).exit_code == 0);

    // The spreadsheet as exported says what the store holds.
    const auto same = home.run({"import", csv_path.string()});
    INFO(same.err);
    REQUIRE(same.exit_code == 0);
    CHECK_THAT(same.out, Catch::Contains("Nothing to import"));

    // Filled in: a confirm item, a comment, a document's location; one cell
    // starts like a formula, as the export guards it.
    auto text = slurp(csv_path);
    // Replaces item `id`'s row with one whose cells are empty but `cells` (column -> text).
    const auto fill = [&text](const std::string& id,
                              const std::map<std::size_t, std::string>& cells) {
        const auto start = text.find("\r\n1," + id + ",") + 2;
        REQUIRE(start > 2);
        std::string row = "1," + id;
        for (std::size_t column = 2; column < 16; ++column) {
            row += "," + (cells.count(column) ? cells.at(column) : std::string());
        }
        text.replace(start, text.find("\r\n", start) - start, row);
    };
    fill("1.1.6", {{8, "Yes"}, {9, "\"'=signed, by the board\""}});
    fill("1.1.2", {{11, "Office cabinet"}});
    const auto filled = home.write_file("filled.csv", text);
    const auto outbox_before = home.run({"outbox"});

    // Without a terminal to ask on, and without --yes: the changes are listed,
    // nothing is recorded, and the message says what to do.
    const auto unasked = home.run({"import", filled.string()});
    CHECK(unasked.exit_code != 0);
    CHECK_THAT(unasked.out, Catch::Contains("would change 2 items"));
    CHECK_THAT(unasked.out, Catch::Contains("1.1.6 "));
    CHECK_THAT(unasked.out, Catch::Contains("answer:  (none) -> \"yes\""));
    CHECK_THAT(unasked.out, Catch::Contains("comment: (none) -> \"=signed, by the board\""));
    CHECK_THAT(unasked.out, Catch::Contains("answer:  (none) -> \"Office cabinet\""));
    CHECK_THAT(unasked.err, Catch::Contains("add --yes"));
    CHECK(home.json({"show", "1.1.6"})["answer"].is_null());
    CHECK(home.run({"outbox"}).out == outbox_before.out);

    const auto imported = home.run({"import", filled.string(), "--yes"});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    CHECK_THAT(imported.out, Catch::Contains("Recorded 2 answers"));
    const auto confirm = home.json({"show", "1.1.6"});
    CHECK(confirm["answer"]["value"] == "yes");
    CHECK(confirm["answer"]["comment"] == "=signed, by the board");
    CHECK(home.json({"show", "1.1.2"})["answer"]["value"] == "Office cabinet");
    const auto outbox = home.run({"outbox"});

    // One wrong row: nothing is recorded, and the message names the line.
    const auto wrong =
        home.write_file("wrong.csv", "Item,Answer\r\n1.2.4,yes\r\n1.3.1,perhaps\r\n");
    const auto refused = home.run({"import", wrong.string(), "--yes"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("wrong.csv:3:"));
    CHECK_THAT(refused.err, Catch::Contains("nothing was imported"));
    CHECK(home.json({"show", "1.2.4"})["answer"].is_null());
    CHECK(home.run({"outbox"}).out == outbox.out);

    // The workbook exported before reads back too; it is older than the answers
    // just imported, and says nothing of them (blank cells change nothing).
    const auto workbook = home.run({"import", (home.home() / "answers.xlsx").string()});
    INFO(workbook.err);
    CHECK(workbook.exit_code == 0);
    CHECK_THAT(workbook.out, Catch::Contains("Nothing to import"));
    CHECK_THAT(workbook.out, Catch::Contains("(sheet \"Answers\")"));
}

namespace {

// A workbook as Excel saves one of head office's answers workbook, filled in:
// a "Sites" sheet, then a sheet per site whose rows are given as (item,
// answer, comment); text in the shared-strings table, and the answer of
// `dated_item`, typed as 30/06/2026, kept as Excel keeps a date: a day count
// with a date format.
std::string filled_workbook(
    const std::vector<std::pair<std::string, std::vector<std::array<std::string, 3>>>>& sheets,
    const std::string& dated_item = {}) {
    std::vector<std::string> strings;
    const auto string_cell = [&strings](const std::string& ref, const std::string& text) {
        strings.push_back(text);
        return "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(strings.size() - 1) + "</v></c>";
    };
    std::string workbook =
        "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships\"><sheets><sheet name=\"Sites\" sheetId=\"1\" r:id=\"rId1\"/>";
    std::string rels =
        "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>";
    std::vector<dspt::report::ZipEntry> parts;
    parts.push_back({"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\">" +
                                                     string_cell("A1", "Sheet") +
                                                     "</row></sheetData></worksheet>"});
    int n = 1;
    for (const auto& [name, rows] : sheets) {
        ++n;
        const auto id = std::to_string(n);
        workbook += "<sheet name=\"" + name + "\" sheetId=\"" + id + "\" r:id=\"rId" + id + "\"/>";
        rels += "<Relationship Id=\"rId" + id + "\" Target=\"worksheets/sheet" + id + ".xml\"/>";
        std::string data = "<row r=\"1\">" + string_cell("A1", "Standard") +
                           string_cell("B1", "Item") + string_cell("C1", "Answer") +
                           string_cell("D1", "Comment") + "</row>";
        int r = 1;
        for (const auto& [item, answer, comment] : rows) {
            const auto row = std::to_string(++r);
            data += "<row r=\"" + row + "\"><c r=\"A" + row + "\"><v>1</v></c>" +
                    string_cell("B" + row, item);
            if (item == dated_item) {
                data += "<c r=\"C" + row + "\" s=\"1\"><v>46203</v></c>";
            } else if (!answer.empty()) {
                data += string_cell("C" + row, answer);
            }
            if (!comment.empty()) {
                data += string_cell("D" + row, comment);
            }
            data += "</row>";
        }
        parts.push_back({"xl/worksheets/sheet" + id + ".xml",
                         "<worksheet><sheetData>" + data + "</sheetData></worksheet>"});
    }
    std::string shared = "<sst>";
    for (const auto& text : strings) {
        shared += "<si><t>" + text + "</t></si>";
    }
    parts.push_back({"xl/workbook.xml", workbook + "</sheets></workbook>"});
    parts.push_back({"xl/_rels/workbook.xml.rels", rels + "</Relationships>"});
    parts.push_back({"xl/sharedStrings.xml", shared + "</sst>"});
    parts.push_back({"xl/styles.xml",
                     "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
                     "</styleSheet>"});
    return dspt::report::zip_stored(parts);
}

}  // namespace

TEST_CASE("head office imports a branch's answers from its sheet of the workbook",
          "[integration][client_export]") {
    AcornGroup acorn;
    REQUIRE(acorn.hq.run({"sync"}).exit_code == 0);
    // Head office's workbook as written: a sheet per site.
    const auto exported = acorn.hq.home() / "acorn.xlsx";
    const auto written = acorn.hq.run({"export", exported.string()});
    INFO(written.err);
    REQUIRE(written.exit_code == 0);
    const auto as_written = acorn.hq.run({"import", exported.string(), "--site", "VA001"});
    INFO(as_written.err);
    CHECK(as_written.exit_code == 0);
    CHECK_THAT(as_written.out, Catch::Contains("Nothing to import"));
    CHECK_THAT(as_written.out, Catch::Contains("(sheet \"VA001\")"));

    // Filled in for Leeds (VA001), with a line for York the import must not take.
    const auto book = acorn.hq.write_file(
        "filled.xlsx", filled_workbook({{"VA001",
                                         {{"1.1.6", "Yes", "agreed by the registered manager"},
                                          {"1.1.1", "", ""},
                                          {"1.1.5", "", ""}}},
                                        {"VA002", {{"1.1.6", "No", ""}}}},
                                       "1.1.1"));

    // Which site? The workbook holds two; the command asks for --site.
    const auto which = acorn.hq.run({"import", book.string(), "--yes"});
    CHECK(which.exit_code == 2);
    CHECK_THAT(which.err, Catch::Contains("--site CODE"));
    CHECK_THAT(which.err, Catch::Contains("VA001, VA002"));
    const auto unknown = acorn.hq.run({"import", book.string(), "--site", "VA003", "--yes"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("no sheet for site VA003"));

    // A one-site workbook imported without --site would change the answers every
    // site reads: the list says so before anything is recorded.
    const auto one_site = acorn.hq.write_file(
        "one-site.xlsx", filled_workbook({{"Answers", {{"1.1.6", "Yes", ""}}}}));
    const auto organisation_wide = acorn.hq.run({"import", one_site.string()});
    CHECK(organisation_wide.exit_code == 2);
    CHECK_THAT(organisation_wide.out,
               Catch::Contains("would change 1 item for every site (the organisation-wide "
                               "answers)"));
    CHECK(acorn.hq.json({"show", "1.1.6"})["answer"].is_null());

    // Answered no on the terminal: the changes are listed, nothing is recorded.
    const auto declined =
        acorn.hq.run_in_terminal({"import", book.string(), "--site", "VA001"}, "n\n");
    INFO(declined.out);
    CHECK(declined.exit_code == 0);
    CHECK_THAT(declined.out, Catch::Contains("would change 2 items for site VA001"));
    CHECK_THAT(declined.out, Catch::Contains("answer:  (none) -> \"2026-06-30\""));
    CHECK_THAT(declined.out, Catch::Contains("Record these changes? [y/N]"));
    CHECK_THAT(declined.out, Catch::Contains("Nothing was imported."));
    CHECK(acorn.hq.json({"show", "1.1.6", "--site", "VA001"})["answer"].is_null());

    // Answered yes: recorded as changes of Leeds, which its own device receives.
    const auto accepted =
        acorn.hq.run_in_terminal({"import", book.string(), "--site", "VA001"}, "y\n");
    INFO(accepted.out);
    REQUIRE(accepted.exit_code == 0);
    CHECK_THAT(accepted.out, Catch::Contains("Recorded 2 answers for site VA001"));
    CHECK(acorn.hq.json({"show", "1.1.6", "--site", "VA001"})["answer"]["value"] == "yes");
    CHECK(acorn.hq.json({"show", "1.1.1", "--site", "VA001"})["answer"]["value"] == "2026-06-30");
    CHECK(acorn.hq.json({"show", "1.1.6", "--site", "VA002"})["answer"].is_null());
    REQUIRE(acorn.hq.run({"sync"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"sync"}).exit_code == 0);
    const auto at_leeds = acorn.leeds.json({"show", "1.1.6"});
    CHECK(at_leeds["answer"]["value"] == "yes");
    CHECK(at_leeds["answer"]["comment"] == "agreed by the registered manager");

    // The branch's own device, given head office's workbook, reads its own sheet:
    // Leeds's answers are already there, York's line is not taken.
    const auto at_branch = acorn.leeds.run({"import", book.string(), "--yes"});
    INFO(at_branch.err);
    CHECK(at_branch.exit_code == 0);
    CHECK_THAT(at_branch.out, Catch::Contains("Nothing to import from"));
    CHECK_THAT(at_branch.out, Catch::Contains("(sheet \"VA001\")"));

    // A wrong row refuses the whole sheet, named by its row, and loses nothing.
    const auto wrong = acorn.hq.write_file(
        "wrong.xlsx", filled_workbook({{"VA001", {{"1.2.4", "yes", ""}, {"1.1.6", "maybe", ""}}}}));
    const auto refused = acorn.hq.run({"import", wrong.string(), "--site", "VA001", "--yes"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("wrong.xlsx (sheet \"VA001\"):3:"));
    CHECK_THAT(refused.err, Catch::Contains("nothing was imported"));
    CHECK(acorn.hq.json({"show", "1.2.4", "--site", "VA001"})["answer"].is_null());
    CHECK(acorn.hq.json({"show", "1.1.6", "--site", "VA001"})["answer"]["value"] == "yes");
}
