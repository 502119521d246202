// `dspt standards import` of NHS England's evidence-item spreadsheet, as XLSX
// and as its CSV export, made here in that layout.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <xlsxwriter.h>

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/standards/item_list_import.hpp"
#include "common/standards/official_layout.hpp"
#include "tests/support/temp_dir.hpp"

namespace dspt::standards {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The sheet as NHS England lays it out: a title row, then the header with a
// set of columns per organisation category, then one row per evidence item.
// 1.1.2 is mandatory for Approaching Standards but not for Standards Met;
// 2.1.1 is an item of category 4 only (no category 3 text).
const Rows kSheet = {
    {"Assertions and Evidence items 2025-26"},
    {"Assertion", "Evidence ref", "Evidence text - Others (Category 3)",
     "Tool tips - Others (Category 3)", "Mandatory - Others (Category 3)",
     "Approaching Standards - Others (Category 3)", "Evidence text - GP (Category 4)",
     "Mandatory - GP (Category 4)", "Approaching Standards - GP (Category 4)", "Change from v7"},
    {"1.1", "1.1.1", "Has a person been named as responsible for data security?",
     "The owner or manager may be named.", "Yes", "Yes", "Named lead?", "Yes", "Yes", ""},
    {"1.1", "1.1.2", "Describe how staff were told about the data security policy. Give dates.", "",
     "No", "Yes", "How were staff told?", "No", "No", "New for cat 3"},
    {"1.3", "1.3.6",
     "What are your top three data and cyber security risks and how will they be reduced?",
     "Think about paper and computer records.", "No", "No", "", "", "", ""},
    {"2.1", "2.1.1", "", "", "", "", "Upload your staff list.", "Yes", "Yes", ""},
    {"8.2", "8.2.1", "Please upload a summary of the risks of each unsupported system.", "", "no",
     "no", "", "", "", ""},
};

std::string csv_of(const Rows& rows) {
    std::string text;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            std::string quoted = "\"";
            for (const char c : row[i]) {
                quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
            }
            text += (i == 0 ? "" : ",") + quoted + "\"";
        }
        text += "\r\n";
    }
    return text;
}

// The rows as a workbook written with libxlsxwriter: a notes sheet first, then
// the item list, as the published workbook has.
std::string xlsx_of(const Rows& rows) {
    test::TempDir dir;
    const auto path = (dir.path() / "items.xlsx").string();
    lxw_workbook* workbook = workbook_new(path.c_str());
    REQUIRE(workbook != nullptr);
    lxw_worksheet* notes = workbook_add_worksheet(workbook, "Read me");
    worksheet_write_string(notes, 0, 0, "How to use this workbook", nullptr);
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Evidence items");
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            if (!rows[r][c].empty()) {
                worksheet_write_string(sheet, static_cast<lxw_row_t>(r + 2),
                                       static_cast<lxw_col_t>(c), rows[r][c].c_str(), nullptr);
            }
        }
    }
    REQUIRE(workbook_close(workbook) == LXW_NO_ERROR);
    return dspt::read_file(path, 16 * 1024 * 1024);
}

ItemListOptions options_2025() {
    ItemListOptions options;
    options.year = "2025-26";
    options.version = "v8";
    options.opens = Date::parse("2025-09-18");
    return options;
}

// The error `bytes` are refused with.
std::string refusal(const std::string& bytes, const ItemListOptions& options,
                    const char* origin = "items.xlsx") {
    try {
        (void)import_item_list(bytes, options, origin);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error thrown");
    return {};
}

void check_category_3(const ItemListImport& imported) {
    const auto& pack = imported.pack;
    CHECK(imported.layout == ItemListLayout::official);
    CHECK(imported.category == "Others (Category 3)");
    CHECK(pack.year == "2025-26");
    CHECK(pack.version == "v8");
    CHECK(pack.opening_date() == *Date::parse("2025-09-18"));
    REQUIRE(pack.items.size() == 4);  // 2.1.1 is not a category 3 item
    CHECK(pack.find("2.1.1") == nullptr);

    const auto& lead = *pack.find("1.1.1");
    CHECK(lead.standard == 1);
    CHECK(lead.question == "Has a person been named as responsible for data security?");
    CHECK(lead.title == "Has a person been named as responsible for...");
    CHECK(lead.comment == "The owner or manager may be named.");
    CHECK(lead.type == AnswerType::confirm);
    CHECK(lead.mandatory_approaching);
    CHECK(lead.mandatory_met);

    // Mandatory for Approaching Standards only, as the official sheet marks some.
    const auto& told = *pack.find("1.1.2");
    CHECK(told.mandatory_approaching);
    CHECK_FALSE(told.mandatory_met);
    CHECK(told.needed_for_met());
    CHECK(told.type == AnswerType::text);
    CHECK(told.title == "Describe how staff were told about the data...");

    const auto& risks = *pack.find("1.3.6");
    CHECK_FALSE(risks.mandatory_approaching);
    CHECK_FALSE(risks.needed_for_met());  // optional: never blocks a level
    CHECK(risks.type == AnswerType::text);

    CHECK(pack.find("8.2.1")->type == AnswerType::document);  // it asks to upload
    for (const auto& item : pack.items) {
        CHECK(item.source == Source::confirmed);
    }
    CHECK(pack.count_mandatory_approaching() == 2);
    CHECK(pack.count_mandatory_met() == 2);
}

TEST_CASE("NHS England's evidence-item sheet imports from its CSV export, AS-only items kept",
          "[unit][standards]") {
    const auto imported = import_item_list(csv_of(kSheet), options_2025(), "items.csv");
    CHECK_FALSE(imported.from_xlsx);
    check_category_3(imported);
}

TEST_CASE("NHS England's evidence-item workbook imports from XLSX as its CSV export does",
          "[unit][standards]") {
    const auto imported = import_item_list(xlsx_of(kSheet), options_2025(), "items.xlsx");
    CHECK(imported.from_xlsx);
    check_category_3(imported);
    CHECK(imported.pack == import_item_list(csv_of(kSheet), options_2025(), "items.csv").pack);
}

TEST_CASE("another category's columns are read when named, headings matched loosely",
          "[unit][standards]") {
    auto rows = kSheet;
    rows[1][6] = "  evidence TEXT-gp (category 4) ";
    auto options = options_2025();
    options.category = "GP (Category 4)";
    const auto imported = import_item_list(csv_of(rows), options, "items.csv");
    CHECK(imported.category == "gp (category 4)");
    REQUIRE(imported.pack.items.size() == 3);
    CHECK(imported.pack.find("2.1.1")->type == AnswerType::document);
    CHECK_FALSE(imported.pack.find("1.1.2")->mandatory_approaching);
}

TEST_CASE("the simple CSV layout still imports through the same command", "[unit][standards]") {
    const auto imported = import_item_list(
        "id,standard,title,question,type,approaching,met\n1.1.1,1,Lead,Named?,confirm,no,yes\n",
        options_2025(), "simple.csv");
    CHECK(imported.layout == ItemListLayout::simple);
    CHECK(imported.pack.version == "v8");
    CHECK(imported.pack.items.at(0).title == "Lead");
}

TEST_CASE("a sheet without a column it needs is refused naming it and the headings found",
          "[unit][standards]") {
    auto rows = kSheet;
    rows[1][4] = "Notes";  // no Standards Met column for category 3
    const auto message = refusal(xlsx_of(rows), options_2025());
    CHECK(message ==
          "items.xlsx (sheet \"Evidence items\"):4: missing column: mandatory (Standards Met) for "
          "category \"Evidence text - Others (Category 3)\"; headings found: \"Assertion\", "
          "\"Evidence ref\", \"Evidence text - Others (Category 3)\", \"Tool tips - Others "
          "(Category 3)\", \"Notes\", \"Approaching Standards - Others (Category 3)\", \"Evidence "
          "text - GP (Category 4)\", \"Mandatory - GP (Category 4)\", \"Approaching Standards - "
          "GP (Category 4)\", \"Change from v7\"");

    auto options = options_2025();
    options.category = "Dentists";
    CHECK_THAT(refusal(csv_of(kSheet), options, "items.csv"),
               Catch::StartsWith("items.csv:2: missing column: evidence text for category "
                                 "\"Dentists\" (\"Evidence text - Dentists\"); headings found: "
                                 "\"Assertion\""));

    auto flags = kSheet;
    flags[3][5] = "Sometimes";
    CHECK(refusal(csv_of(flags), options_2025(), "items.csv") ==
          "items.csv:4: \"Approaching Standards - Others (Category 3)\" \"Sometimes\" is not "
          "yes or no");
}

// A ZIP archive of stored entries, each declaring `declared` bytes when given.
std::string stored_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                       std::optional<std::uint32_t> declared = std::nullopt) {
    using Fields = std::vector<std::pair<std::uint32_t, int>>;  // value, width in bytes
    const auto put = [](std::string& out, const Fields& fields) {
        for (const auto& [value, bytes] : fields) {
            for (int i = 0; i < bytes; ++i) {
                out += static_cast<char>((value >> (8 * i)) & 0xFF);
            }
        }
    };
    std::string local;
    std::string central;
    for (const auto& [name, content] : entries) {
        const auto crc = static_cast<std::uint32_t>(crc32(
            0L, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size())));
        const auto size = static_cast<std::uint32_t>(content.size());
        const auto offset = static_cast<std::uint32_t>(local.size());
        // Version needed, flags, method (stored), time and date, CRC, sizes, name and
        // extra lengths: the same in the local and the central header.
        const Fields shared{{20, 2},
                            {0, 2},
                            {0, 2},
                            {0, 4},
                            {crc, 4},
                            {size, 4},
                            {declared.value_or(size), 4},
                            {static_cast<std::uint32_t>(name.size()), 2},
                            {0, 2}};
        put(local, {{0x04034b50, 4}});
        put(local, shared);
        local += name + content;
        put(central, {{0x02014b50, 4}, {20, 2}});
        put(central, shared);
        put(central, {{0, 2}, {0, 2}, {0, 2}, {0, 4}, {offset, 4}});
        central += name;
    }
    const auto count = static_cast<std::uint32_t>(entries.size());
    std::string out = local + central;
    put(out, {{0x06054b50, 4},
              {0, 2},
              {0, 2},
              {count, 2},
              {count, 2},
              {static_cast<std::uint32_t>(central.size()), 4},
              {static_cast<std::uint32_t>(local.size()), 4},
              {0, 2}});
    return out;
}

TEST_CASE("a damaged or hostile workbook is refused with a message, not read",
          "[unit][standards]") {
    const auto whole = xlsx_of(kSheet);
    CHECK(refusal(whole.substr(0, whole.size() / 2), options_2025()) ==
          "items.xlsx: not a ZIP archive (an XLSX workbook is one), or a truncated one");

    // An entry that says it inflates to 100 MiB is refused before anything is
    // set aside for it.
    const auto bomb = stored_zip({{"xl/workbook.xml", "<workbook/>"}}, 100U * 1024 * 1024);
    try {
        (void)import_item_list(bomb, options_2025(), "bomb.xlsx");
        FAIL("no error thrown");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::limit_exceeded);
        CHECK(std::string(e.what()) ==
              "bomb.xlsx: entry xl/workbook.xml inflates to 104857600 bytes; at most 67108864 "
              "bytes are read from a workbook");
    }

    CHECK(refusal(stored_zip({{"hello.txt", "hi"}}), options_2025()) ==
          "items.xlsx: not an Excel workbook (it has no xl/workbook.xml)");

    const std::string workbook =
        "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
    const std::string rels =
        "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
        "</Relationships>";
    const auto with_sheet = [&](const std::string& sheet) {
        return stored_zip({{"xl/workbook.xml", workbook},
                           {"xl/_rels/workbook.xml.rels", rels},
                           {"xl/worksheets/sheet1.xml", sheet}});
    };
    CHECK(refusal(with_sheet("<sheetData><row r=\"1\"><c r=\"AAAA1\" t=\"inlineStr\"><is><t>"
                             "x</t></is></c></row></sheetData>"),
                  options_2025()) ==
          "items.xlsx: xl/worksheets/sheet1.xml: cell reference \"AAAA1\" is not within A1 to "
          "XFD1048576");
    CHECK(refusal(with_sheet("<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c>"
                             "</row></sheetData>"),
                  options_2025()) ==
          "items.xlsx: xl/worksheets/sheet1.xml: a cell points to shared string \"7\", which the "
          "workbook does not have");
    CHECK_THAT(refusal(with_sheet("<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                                  "<t>Notes</t></is></c></row></sheetData>"),
                       options_2025()),
               Catch::StartsWith("items.xlsx: no sheet has a header row of an item list"));
}

TEST_CASE("titles and answer types come from an item's wording when the sheet has none",
          "[unit][standards]") {
    CHECK(derive_title("Is there a policy?") == "Is there a policy");
    CHECK(derive_title("One two three four five six seven eight nine ten.") ==
          "One two three four five six seven eight...");
    CHECK(type_from_wording("Upload your business continuity plan") == AnswerType::document);
    CHECK(type_from_wording("When was the plan last tested?") == AnswerType::date);
    CHECK(type_from_wording("How do you make sure staff use good passwords?") == AnswerType::text);
    CHECK(type_from_wording("Your organisation has a data security policy.") ==
          AnswerType::confirm);
    CHECK(type_from_wording("Whose role is it?") == AnswerType::confirm);
}

}  // namespace
}  // namespace dspt::standards
