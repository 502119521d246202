#include "common/report/xlsx_writer.hpp"

#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/files.hpp"
#include "tests/unit/report/report_fixture.hpp"
#include "tests/unit/report/zip_reader.hpp"

using namespace dspt;
using namespace dspt::report;
using namespace dspt::report::testing;

namespace {

AnswersReport sample_report() {
    auto a = small_assessment();
    a.answers["7.2.1"] = answer("=HYPERLINK(\"http://evil.example\",\"x\")");  // stays text
    return build_answers_report(small_pack(), a, "Rose House", kAsOf);
}

std::string slurp(const std::filesystem::path& path) {
    return dspt::read_file(path, 16 * 1024 * 1024);
}

bool sheet_contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("the XLSX workbook has both sheets, the header and the answers", "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "answers.xlsx";
    write_xlsx(sample_report(), path);

    const auto bytes = slurp(path);
    REQUIRE(bytes.substr(0, 2) == "PK");
    const auto entries = unzip(bytes);
    REQUIRE(entries.count("xl/workbook.xml") == 1);
    REQUIRE(entries.count("xl/sharedStrings.xml") == 1);

    const auto& workbook = entries.at("xl/workbook.xml");
    CHECK(sheet_contains(workbook, "name=\"Answers\""));
    CHECK(sheet_contains(workbook, "name=\"Summary\""));
    CHECK(sheet_contains(workbook, "_xlnm._FilterDatabase"));  // the autofilter

    const auto& strings = entries.at("xl/sharedStrings.xml");
    CHECK(sheet_contains(strings, "Mandatory for Standards Met"));
    CHECK(sheet_contains(strings, "ZA123456"));
    CHECK(sheet_contains(strings, "Office filing cabinet, folder IG-1"));
    CHECK(sheet_contains(strings, "register.xlsx; ropa 2025.docx"));
    CHECK(sheet_contains(strings, "Book refresher training"));
    CHECK(sheet_contains(strings, "Rose House"));
    CHECK(sheet_contains(strings, "Approaching Standards"));
    CHECK(sheet_contains(strings, "2/4"));

    const auto& answers_sheet = entries.at("xl/worksheets/sheet1.xml");
    CHECK(sheet_contains(answers_sheet, "<pane ySplit=\"1\""));  // frozen header row
    CHECK(sheet_contains(answers_sheet, "<autoFilter ref=\"A1:P6\""));
    CHECK(sheet_contains(answers_sheet, "<cols>"));

    // Nothing beside it: the temporary file was renamed.
    CHECK(dir.entries() == std::vector<std::string>{"answers.xlsx"});
}

TEST_CASE("the XLSX writer writes user text as strings, never formulas", "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "answers.xlsx";
    write_xlsx(sample_report(), path);
    const auto entries = unzip(slurp(path));
    // Element text: libxlsxwriter escapes &, < and > but not quotes.
    CHECK(sheet_contains(entries.at("xl/sharedStrings.xml"),
                   "<t>=HYPERLINK(\"http://evil.example\",\"x\")</t>"));
    CHECK_FALSE(sheet_contains(entries.at("xl/worksheets/sheet1.xml"), "<f>"));
}

TEST_CASE("the XLSX writer replaces an existing file", "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "answers.xlsx";
    {
        std::ofstream old(path);
        old << "an older export";
    }
    write_xlsx(sample_report(), path);
    CHECK(slurp(path).substr(0, 2) == "PK");
    CHECK(dir.entries() == std::vector<std::string>{"answers.xlsx"});
}

TEST_CASE("the XLSX writer fails with io in a directory that does not exist", "[unit][report]") {
    TempDir dir;
    const auto missing = dir.path() / "no-such-dir";
    const auto path = missing / "answers.xlsx";
    try {
        write_xlsx(sample_report(), path);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::io);
        CHECK_THAT(e.what(), Catch::Contains("answers.xlsx"));
    }
    CHECK_FALSE(std::filesystem::exists(missing));
    CHECK(dir.entries().empty());
}

TEST_CASE("the XLSX writer fails with io over a directory and removes its temporary file",
          "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "answers.xlsx";
    std::filesystem::create_directory(path);
    std::filesystem::create_directory(path / "keep");  // a non-empty directory cannot be replaced
    CHECK_THROWS_MATCHES(
        write_xlsx(sample_report(), path), Error,
        Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::io; }, "io"));
    CHECK(dir.entries() == std::vector<std::string>{"answers.xlsx"});
    CHECK(std::filesystem::is_directory(path / "keep"));
}

TEST_CASE("XLSX cell text is valid UTF-8 that XML can carry", "[unit][report]") {
    CHECK(xlsx_cell_text("plain, \"quoted\" & <tagged>") == "plain, \"quoted\" & <tagged>");
    CHECK(xlsx_cell_text("caf\xC3\xA9 \xF0\x9F\x99\x82") == "caf\xC3\xA9 \xF0\x9F\x99\x82");
    CHECK(xlsx_cell_text("tab\tLF\nCR\r") == "tab\tLF\nCR\r");
    CHECK(xlsx_cell_text("line\vbreak\fpage") == "line\nbreak\npage");
    CHECK(xlsx_cell_text(std::string("nul\0bell\a", 9)) ==
          "nul\xEF\xBF\xBD"
          "bell\xEF\xBF\xBD");
    CHECK(xlsx_cell_text("latin1 caf\xE9") == "latin1 caf\xEF\xBF\xBD");
    CHECK(xlsx_cell_text("overlong \xC0\xAF") == "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(xlsx_cell_text("surrogate \xED\xA0\x80") ==
          "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(xlsx_cell_text("cut \xE2\x82") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(xlsx_cell_text("not a char \xEF\xBF\xBF") == "not a char \xEF\xBF\xBD");
}

TEST_CASE("XLSX cell text longer than an Excel cell is cut with a visible note", "[unit][report]") {
    const std::string fits(32767, 'a');
    CHECK(xlsx_cell_text(fits) == fits);

    const std::string too_long(40000, 'b');
    const auto cut = xlsx_cell_text(too_long);
    CHECK(cut.size() == 32767);
    CHECK_THAT(cut, Catch::EndsWith("[truncated: an Excel cell holds at most 32,767 characters]"));

    // Characters outside the BMP count twice, as in Excel; none is split.
    std::string emoji;
    for (int i = 0; i < 20000; ++i) {
        emoji += "\xF0\x9F\x99\x82";
    }
    const auto cut_emoji = xlsx_cell_text(emoji);
    const auto note_at = cut_emoji.find(" [truncated");
    REQUIRE(note_at != std::string::npos);
    CHECK(note_at % 4 == 0);
    CHECK(note_at / 4 * 2 + (cut_emoji.size() - note_at) <= 32767);

    // libxlsxwriter accepts the cut text.
    TempDir dir;
    auto report = sample_report();
    report.rows[0].comment = too_long;
    report.rows[1].comment = emoji;
    write_xlsx(report, dir.path() / "long.xlsx");
    CHECK(unzip(slurp(dir.path() / "long.xlsx")).count("xl/sharedStrings.xml") == 1);
}

TEST_CASE("a headquarters workbook has a summary of the sites and a sheet per site",
          "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "sites.xlsx";
    auto leeds = sample_report();
    leeds.site_name = "Acorn Leeds";
    auto york = build_answers_report(small_pack(), {}, "Acorn York", kAsOf);
    write_xlsx(std::vector<SiteSheet>{{"VA001", leeds}, {"VA002", york}}, path);

    const auto entries = unzip(slurp(path));
    const auto& workbook = entries.at("xl/workbook.xml");
    CHECK(sheet_contains(workbook, "name=\"Sites\""));
    CHECK(sheet_contains(workbook, "name=\"VA001\""));
    CHECK(sheet_contains(workbook, "name=\"VA002\""));
    CHECK(entries.count("xl/worksheets/sheet3.xml") == 1);
    const auto& strings = entries.at("xl/sharedStrings.xml");
    CHECK(sheet_contains(strings, "Acorn Leeds"));
    CHECK(sheet_contains(strings, "Acorn York"));
    CHECK(sheet_contains(strings, "ZA123456"));  // Leeds's answer, on its sheet

    CHECK(xlsx_sheet_name("VA/001:[x]") == "VA-001--x-");
    CHECK(xlsx_sheet_name("Sites") == "Site Sites");
    CHECK(xlsx_sheet_name(std::string(40, 'a')).size() == 31);
    CHECK_THROWS_AS(write_xlsx(std::vector<SiteSheet>{}, path), Error);
    CHECK_THROWS_AS(write_xlsx(std::vector<SiteSheet>{{"VA001", leeds}, {"VA001", york}}, path),
                    Error);
}
