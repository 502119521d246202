#include "common/standards/csv_import.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/standards/bundled.hpp"

namespace dspt::standards {
namespace {

const std::string kImportHeader = "id,standard,title,question,type,approaching,met\n";

// The malformed_pack message import_pack_csv throws for `text`.
std::string import_error(const std::string& text, std::string_view year = "2025-26") {
    try {
        (void)import_pack_csv(text, year, "items.csv");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::malformed_pack);
        return e.what();
    }
    FAIL("no error thrown for:\n" << text);
    return {};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST_CASE("the official-style CSV fixture imports as the bundled 2025-26 pack",
          "[unit][standards]") {
    const std::string path = DSPT_TEST_DATA_DIR "/standards/official_items_2025-26.csv";
    Pack pack = import_pack_csv(read_file(path), "2025-26", path);
    CHECK(pack.version.empty());
    CHECK(pack.count_mandatory_approaching() == 26);
    CHECK(pack.count_mandatory_met() == 42);
    pack.version = "v8";
    CHECK_FALSE(pack.opens);  // the simple layout has no column for it
    pack.opens = bundled_pack("2025-26").opens;
    CHECK(pack == bundled_pack("2025-26"));
}

TEST_CASE("CSV import handles quoting, CRLF, a BOM, any column order and blank standards",
          "[unit][standards]") {
    const std::string text =
        "\xEF\xBB\xBF"
        "Notes, MET ,Type,Question,Approaching,ID,Title,Standard,Comment\r\n"
        "ignored,Yes,Free Text,\"Who, and how?\",y,1.1.5,Senior lead,,\r\n"
        "\r\n"
        ",TRUE,checkbox,\"Say \"\"yes\"\"\r\nor \"\"no\"\"\",0,1.2.4,Opt-out,1,\"One,\ntwo\"\r\n"
        ",1,UPLOAD,Where?,n,10.1.2,Suppliers,10,\r\n"
        ",no,y/n,Done?,false,1.1.10,Late item,, \r\n"
        ",n,date,When?,N,1.1.9,Review date,,\r\n"
        ",,,,,,,,\r\n";
    const Pack pack = import_pack_csv(text, "2024-25", "items.csv");
    CHECK(pack.year == "2024-25");
    REQUIRE(pack.items.size() == 5);
    // Sorted by standard, then numerically by id.
    CHECK(pack.items[0].id == "1.1.5");
    CHECK(pack.items[1].id == "1.1.9");
    CHECK(pack.items[2].id == "1.1.10");
    CHECK(pack.items[3].id == "1.2.4");
    CHECK(pack.items[4].id == "10.1.2");

    const Item& lead = pack.items[0];
    CHECK(lead.standard == 1);  // blank: taken from the id
    CHECK(lead.question == "Who, and how?");
    CHECK(lead.type == AnswerType::text);
    CHECK(lead.mandatory_approaching);
    CHECK(lead.mandatory_met);
    CHECK(lead.comment.empty());
    CHECK(lead.source == Source::confirmed);  // the default without a source column

    const Item& opt_out = pack.items[3];
    CHECK(opt_out.question == "Say \"yes\"\nor \"no\"");  // CRLF inside quotes becomes \n
    CHECK(opt_out.type == AnswerType::confirm);
    CHECK_FALSE(opt_out.mandatory_approaching);
    CHECK(opt_out.mandatory_met);
    CHECK(opt_out.comment == "One,\ntwo");

    CHECK(pack.items[4].type == AnswerType::document);
    CHECK(pack.items[4].standard == 10);
    CHECK(pack.items[1].type == AnswerType::date);
    CHECK_FALSE(pack.items[2].mandatory_met);
}

TEST_CASE("CSV import reads the source column and accepts every keyword spelling",
          "[unit][standards]") {
    const std::string text =
        "id,standard,title,question,type,approaching,met,source\n"
        "1.1.1,1,A,Q,confirm,YES,Yes,Inferred\n"
        "1.1.2,1,B,Q,Yes/No,no,1,\n"
        "1.1.3,1,C,Q,text,N,Y,confirmed\n"
        "1.1.4,1,D,Q,free text,false,true,\n"
        "1.1.5,1,E,Q,Document,0,no,\n"
        "1.1.6,1,F,Q,doc,0,no,\n";
    const Pack pack = import_pack_csv(text, "2025-26", "items.csv");
    REQUIRE(pack.items.size() == 6);
    CHECK(pack.items[0].source == Source::inferred);
    CHECK(pack.items[1].source == Source::confirmed);
    CHECK(pack.items[1].type == AnswerType::confirm);
    CHECK(pack.items[3].type == AnswerType::text);
    CHECK(pack.items[5].type == AnswerType::document);
    CHECK(pack.count_mandatory_approaching() == 1);
    CHECK(pack.count_mandatory_met() == 4);
}

TEST_CASE("CSV import errors name the line where the record starts", "[unit][standards]") {
    CHECK(import_error("id,standard,title,question,type,approaching\n1.1.1,1,A,Q,text,no\n") ==
          "items.csv:1: missing column \"met\"");
    CHECK(import_error("\n\nid,title,question,type,approaching,met\n") ==
          "items.csv:3: missing column \"standard\"");
    CHECK(
        import_error(kImportHeader + "1.1.1,1,A,Q,text,no,yes\n" + "1.1.2,1,B,Q,number,no,yes\n") ==
        "items.csv:3: type \"number\" is not one of confirm, text, date, document");
    // Line 3 holds a record spanning two lines, so the duplicate starts on line 5.
    CHECK(import_error(kImportHeader +
                       "\n1.1.1,1,A,\"Q\nmore\",text,no,yes\n1.1.1,1,B,Q,text,no,yes\n") ==
          "items.csv:5: duplicate id 1.1.1 (first on line 3)");
    CHECK(
        import_error(kImportHeader + "1.1.1,1,A,Q,text,no,yes\n1.1.2,1,B,\"Q\n\nnever closed\n") ==
        "items.csv:3: unterminated quoted field");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,\"Q\"x,text,no,yes\n") ==
          "items.csv:2: unexpected text after a closing quote");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,Q,text,maybe,yes\n") ==
          "items.csv:2: approaching \"maybe\" is not yes or no");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,Q,text,no,\n") ==
          "items.csv:2: met \"\" is not yes or no");
    CHECK(import_error(kImportHeader + "1.1.1,one,A,Q,text,no,yes\n") ==
          "items.csv:2: standard \"one\" is not a number from 1 to 10");
    CHECK(import_error(kImportHeader + "1.1.1,2,A,Q,text,no,yes\n") ==
          "items.csv:2: id 1.1.1 does not belong to standard 2");
    CHECK(import_error(kImportHeader + "11.1.1,,A,Q,text,no,yes\n") ==
          "items.csv:2: standard 11 is not between 1 and 10");
    CHECK(import_error(kImportHeader + "1.1,,A,Q,text,no,yes\n") ==
          "items.csv:2: id \"1.1\" is not of the form N.N.N");
    CHECK(import_error(kImportHeader + ",1,A,Q,text,no,yes\n") == "items.csv:2: id is empty");
    CHECK(import_error(kImportHeader + "1.1.1,1, ,Q,text,no,yes\n") ==
          "items.csv:2: title is empty");
    CHECK(import_error("id,standard,title,question,type,approaching,met,source\n"
                       "1.1.1,1,A,Q,text,no,yes,official\n") ==
          "items.csv:2: source \"official\" is not one of confirmed, inferred");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,Q,text,no,yes,extra\n") ==
          "items.csv:2: row has 8 fields but the header has 7");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,\xC3(,text,no,yes\n") ==
          "items.csv:2: question is not valid UTF-8");
    CHECK(import_error("ID,id,standard,title,question,type,approaching,met\n") ==
          "items.csv:1: column \"id\" appears twice");
    // Echoed values are made safe to print: no control bytes, no bad UTF-8, no huge values.
    CHECK(import_error(kImportHeader + "1.1.1,1,A,Q,\"te\nx\x01t\xFF\",no,yes\n") ==
          "items.csv:2: type \"te?x?t?\" is not one of confirm, text, date, document");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,Q," + std::string(100, 'x') + ",no,yes\n") ==
          "items.csv:2: type \"" + std::string(60, 'x') +
              "...\" is not one of confirm, text, date, document");
    CHECK(import_error(kImportHeader + ",,,\n") == "items.csv:1: no items after the header row");
    CHECK(import_error("") == "items.csv:1: missing header row");
    CHECK(import_error(kImportHeader + "1.1.1,1,A,Q,text,no,yes\n", "2025") ==
          "items.csv: year \"2025\" is not of the form YYYY-YY naming consecutive years (for "
          "example 2025-26)");
}

TEST_CASE("CSV import tolerates short rows and trailing empty cells", "[unit][standards]") {
    // Spreadsheets drop or add empty cells at the end of a row.
    const std::string text =
        "id,standard,title,question,type,approaching,met,comment\n"
        "1.1.1,1,A,Q,text,no,yes\n"
        "1.1.2,1,B,Q,text,no,yes,,,\n";
    const Pack pack = import_pack_csv(text, "2025-26", "items.csv");
    REQUIRE(pack.items.size() == 2);
    CHECK(pack.items[0].comment.empty());
}

}  // namespace
}  // namespace dspt::standards
