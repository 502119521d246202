// `dspt export`: the answers spreadsheet as CSV and XLSX, and the printable
// PDF, responses only.

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/browser_fixture.hpp"
#include "tests/integration/client_fixture.hpp"

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
    const auto imported = home.run({"import", filled.string()});
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
    const auto refused = home.run({"import", wrong.string()});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("wrong.csv:3:"));
    CHECK_THAT(refused.err, Catch::Contains("nothing was imported"));
    CHECK(home.json({"show", "1.2.4"})["answer"].is_null());
    CHECK(home.run({"outbox"}).out == outbox.out);

    const auto workbook = home.run({"import", (home.home() / "answers.xlsx").string()});
    CHECK(workbook.exit_code == 2);
    CHECK_THAT(workbook.err, Catch::Contains("CSV UTF-8"));
}
