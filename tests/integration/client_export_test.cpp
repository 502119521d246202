// `dspt export`: the answers spreadsheet as CSV and XLSX, responses only.

#include <catch2/catch.hpp>

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

    const auto bad = home.run({"export", (home.home() / "answers.pdf").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains(".xlsx or .csv"));
}
