#include "common/standards/loader.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"

namespace dspt::standards {
namespace {

// A pack with one item per line: item k (0-based) is on line 6 + k.
std::string pack_with(const std::vector<std::string>& items) {
    std::string text =
        "{\n"
        "  \"format\": 1,\n"
        "  \"year\": \"2025-26\",\n"
        "  \"version\": \"v8\",\n"
        "  \"items\": [\n";
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += "    " + items[i] + (i + 1 < items.size() ? ",\n" : "\n");
    }
    return text + "  ]\n}\n";
}

const std::string kItem1 =
    R"({"id": "1.1.1", "standard": 1, "title": "ICO number", "question": "What is it?", )"
    R"("type": "text", "approaching": true, "met": true, "source": "confirmed"})";
const std::string kItem2 =
    R"({"id": "1.1.2", "standard": 1, "title": "Records list", "question": "Where is it?", )"
    R"("type": "document", "comment": "A spreadsheet is fine.", "approaching": false, )"
    R"("met": true, "source": "inferred"})";

// kItem2 with `from` replaced by `to`.
std::string item2_with(const std::string& from, const std::string& to) {
    std::string item = kItem2;
    const auto pos = item.find(from);
    REQUIRE(pos != std::string::npos);
    return item.replace(pos, from.size(), to);
}

// The message of the malformed_pack error parse_pack_json throws for `text`.
std::string parse_error(const std::string& text) {
    try {
        (void)parse_pack_json(text, "test.json");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::malformed_pack);
        return e.what();
    }
    FAIL("no error thrown for:\n" << text);
    return {};
}

TEST_CASE("parse_pack_json reads every field", "[unit][standards]") {
    const Pack pack = parse_pack_json(pack_with({kItem1, kItem2}), "test.json");
    CHECK(pack.year == "2025-26");
    CHECK(pack.version == "v8");
    REQUIRE(pack.items.size() == 2);
    const Item& item = pack.items[1];
    CHECK(item.id == "1.1.2");
    CHECK(item.standard == 1);
    CHECK(item.title == "Records list");
    CHECK(item.question == "Where is it?");
    CHECK(item.type == AnswerType::document);
    CHECK(item.comment == "A spreadsheet is fine.");
    CHECK_FALSE(item.mandatory_approaching);
    CHECK(item.mandatory_met);
    CHECK(item.source == Source::inferred);
    CHECK(pack.items[0].comment.empty());
}

TEST_CASE("pack_to_json and parse_pack_json round trip", "[unit][standards]") {
    Pack pack{"2024-25", "", {}};
    pack.items.push_back(Item{"3.2.1", 3, "Training", "Have \"95%\" done it?\nSay so.",
                              AnswerType::confirm, "", false, true, Source::confirmed});
    pack.items.push_back(Item{"10.1.2", 10, "Suppliers \xC2\xA3", "List them", AnswerType::date,
                              "Multi\nline, with \\ and \t", true, true, Source::inferred});
    const std::string json = pack_to_json(pack);
    CHECK(json.find("\"version\"") == std::string::npos);  // empty version is omitted
    CHECK(parse_pack_json(json, "round trip") == pack);
    pack.version = "v7";
    CHECK(parse_pack_json(pack_to_json(pack), "round trip") == pack);
}

TEST_CASE("a syntax error reports the line nlohmann stopped on", "[unit][standards]") {
    // A missing comma between two fields of the second item (line 7).
    CHECK_THAT(parse_error(pack_with({kItem1, item2_with(", \"standard\"", " \"standard\"")})),
               Catch::StartsWith("test.json:7: invalid JSON: syntax error while parsing object"));
    // A trailing comma after the last item: the parser fails at the "]" on line 8.
    CHECK_THAT(parse_error(pack_with({kItem1, kItem2 + ","})),
               Catch::StartsWith("test.json:8: invalid JSON: "));
    // A string left open runs into the end of line 3.
    CHECK_THAT(parse_error("{\n  \"format\": 1,\n  \"year\": \"2025-26\n}\n"),
               Catch::StartsWith("test.json:3: invalid JSON: "));
    CHECK_THAT(parse_error(""), Catch::StartsWith("test.json:1: invalid JSON: "));
    CHECK_THAT(parse_error("{\n\"format\": 1,\n"),
               Catch::StartsWith("test.json:3: invalid JSON: "));
}

TEST_CASE("malformed items are rejected with the reason and the item's line", "[unit][standards]") {
    struct Case {
        std::string item2;
        std::string message;
    };
    const auto c = GENERATE(
        Case{item2_with(R"("title": "Records list", )", ""),
             "test.json:7: item 1.1.2: missing field \"title\""},
        Case{item2_with(R"("title")", R"("titel")"),
             "test.json:7: item 1.1.2: unknown field \"titel\""},
        Case{item2_with(R"("type": "document")", R"("type": "number")"),
             "test.json:7: item 1.1.2: type \"number\" is not one of confirm, text, date, "
             "document"},
        Case{item2_with(R"("met": true)", R"("met": "yes")"),
             "test.json:7: item 1.1.2: field \"met\" must be true or false"},
        Case{item2_with(R"("standard": 1)", R"("standard": "1")"),
             "test.json:7: item 1.1.2: field \"standard\" must be a whole number"},
        Case{item2_with(R"("title": "Records list")", R"("title": 5)"),
             "test.json:7: item 1.1.2: field \"title\" must be a string"},
        Case{item2_with(R"("id": "1.1.2", "standard": 1)", R"("id": "11.1.2", "standard": 11)"),
             "test.json:7: item 11.1.2: standard 11 is not between 1 and 10"},
        Case{item2_with(R"("standard": 1)", R"("standard": 0)"),
             "test.json:7: item 1.1.2: standard 0 is not between 1 and 10"},
        Case{item2_with(R"("standard": 1)", R"("standard": 4294967297)"),
             "test.json:7: item 1.1.2: standard 4294967297 is not between 1 and 10"},
        Case{item2_with(R"("standard": 1)", R"("standard": -4294967297)"),
             "test.json:7: item 1.1.2: standard -4294967297 is not between 1 and 10"},
        Case{item2_with(R"("standard": 1)", R"("standard": 1.0)"),
             "test.json:7: item 1.1.2: field \"standard\" must be a whole number"},
        Case{item2_with(R"("id": "1.1.2")", R"("id": "2.1.2")"),
             "test.json:7: item 2.1.2: id 2.1.2 does not belong to standard 1"},
        Case{item2_with(R"("id": "1.1.2")", R"("id": "1.1")"),
             "test.json:7: item #2: id \"1.1\" is not of the form N.N.N"},
        Case{item2_with(R"("id": "1.1.2")", R"("id": "1.01.2")"),
             "test.json:7: item #2: id \"1.01.2\" is not of the form N.N.N"},
        Case{item2_with(R"("title": "Records list")", R"("title": "  ")"),
             "test.json:7: item 1.1.2: title is empty"},
        Case{item2_with(R"("source": "inferred")", R"("source": "guessed")"),
             "test.json:7: item 1.1.2: source \"guessed\" is not one of confirmed, inferred"},
        Case{item2_with(R"("title": "Records list")",
                        R"("title": "Records list", "title": "Again")"),
             "test.json:7: field \"title\" appears twice in the same object"},
        Case{"42", "test.json:7: item #2 is not an object"});
    CHECK(parse_error(pack_with({kItem1, c.item2})) == c.message);
}

TEST_CASE("an item may be mandatory for Approaching Standards only, and Standards Met needs it",
          "[unit][standards]") {
    const std::string as_only =
        item2_with(R"("approaching": false, "met": true)", R"("approaching": true, "met": false)");
    const Pack pack = parse_pack_json(pack_with({kItem1, as_only}), "test.json");
    const Item& item = *pack.find("1.1.2");
    CHECK(item.mandatory_approaching);
    CHECK_FALSE(item.mandatory_met);
    CHECK(item.needed_for_met());
    CHECK(pack.count_mandatory_met() == 2);
    CHECK(parse_pack_json(pack_to_json(pack), "again.json") == pack);
}

TEST_CASE("a pack says the day its version opened, within its year", "[unit][standards]") {
    const auto with_opens = [](std::string_view opens) {
        std::string text = pack_with({kItem1});
        const auto at = text.find("\"items\"");
        return text.insert(at, "\"opens\": \"" + std::string(opens) + "\", ");
    };
    const Pack pack = parse_pack_json(with_opens("2025-09-18"), "test.json");
    REQUIRE(pack.opens);
    CHECK(pack.opening_date() == *Date::parse("2025-09-18"));
    CHECK(parse_pack_json(pack_to_json(pack), "again.json") == pack);
    CHECK(parse_pack_json(pack_with({kItem1}), "test.json").opening_date() ==
          *Date::parse("2025-07-01"));
    CHECK_THAT(
        parse_error(with_opens("2025-13-01")),
        Catch::Matchers::Contains("opens \"2025-13-01\" is not a date of the form YYYY-MM-DD"));
    CHECK_THAT(parse_error(with_opens("2026-07-01")),
               Catch::Matchers::Contains("opens 2026-07-01 is outside the year 2025-26 "
                                         "(2025-07-01 to 2026-06-30)"));
    CHECK_THAT(parse_error(with_opens("2025-06-30")),
               Catch::Matchers::Contains("is outside the year 2025-26"));
}

TEST_CASE("a duplicate id names the line of its first use", "[unit][standards]") {
    CHECK(parse_error(pack_with({kItem1, kItem2, kItem1})) ==
          "test.json:8: duplicate id 1.1.1 (first on line 6)");
}

TEST_CASE("pack-level problems are reported on their own line", "[unit][standards]") {
    auto with = [](const std::string& from, const std::string& to) {
        std::string text = pack_with({kItem1});
        return text.replace(text.find(from), from.size(), to);
    };
    CHECK(parse_error(with("\"format\": 1", "\"format\": 2")) ==
          "test.json:2: unsupported pack format 2");
    CHECK(parse_error(with("\"format\": 1", "\"format\": \"1\"")) ==
          "test.json:2: unsupported pack format \"1\"");
    CHECK(parse_error(with("  \"format\": 1,\n", "")) == "test.json:1: missing field \"format\"");
    CHECK(parse_error(with("\"2025-26\"", "\"2025-27\"")) ==
          "test.json:3: year \"2025-27\" is not of the form YYYY-YY naming consecutive years "
          "(for example 2025-26)");
    CHECK(parse_error(with("\"version\"", "\"versoin\"")) ==
          "test.json:4: unknown field \"versoin\"");
    CHECK(parse_error(with("\"version\": \"v8\"", "\"version\": 8")) ==
          "test.json:4: field \"version\" must be a string");
    CHECK(parse_error(pack_with({})) == "test.json:5: field \"items\" must be a non-empty array");
    CHECK(parse_error("[1, 2]") == "test.json:1: a pack must be a JSON object");
}

TEST_CASE("lines are found in pretty-printed packs", "[unit][standards]") {
    const std::string text = R"({
  "format": 1,
  "year": "2023-24",
  "items": [
    {
      "id": "1.1.1",
      "standard": 1,
      "title": "ICO number",
      "question": "What is it?",
      "type": "text",
      "approaching": true,
      "met": true,
      "source": "confirmed"
    },
    {
      "id": "1.1.2",
      "standard": 1,
      "title": "Records list",
      "question": "Where is it?",
      "type": "doc",
      "approaching": false,
      "met": true,
      "source": "confirmed"
    }
  ]
}
)";
    CHECK(parse_error(text) ==
          "test.json:20: item 1.1.2: type \"doc\" is not one of confirm, text, date, document");
    std::string missing = text;
    const auto start = missing.find("      \"question\": \"Where");
    missing.erase(start, missing.find('\n', start) + 1 - start);
    CHECK(parse_error(missing) == "test.json:15: item 1.1.2: missing field \"question\"");
    // A byte order mark is accepted and does not shift lines.
    CHECK(parse_error("\xEF\xBB\xBF" + text) ==
          "test.json:20: item 1.1.2: type \"doc\" is not one of confirm, text, date, document");
}

TEST_CASE("validate_pack checks packs built in memory", "[unit][standards]") {
    const Item good{"1.1.1", 1,    "Title", "Question?",      AnswerType::confirm,
                    "",      true, true,    Source::confirmed};
    const auto message = [](const Pack& pack) -> std::string {
        try {
            validate_pack(pack, "memory");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::malformed_pack);
            return e.what();
        }
        return "valid";
    };
    CHECK(message(Pack{"2025-26", "v8", {good}}) == "valid");
    CHECK(message(Pack{"2025-6", "", {good}}) ==
          "memory: year \"2025-6\" is not of the form YYYY-YY naming consecutive years (for "
          "example 2025-26)");
    CHECK(message(Pack{"2025-26", "", {}}) == "memory: the pack has no items");
    CHECK(message(Pack{"2025-26", "", {good, good}}) == "memory: duplicate id 1.1.1");
    Item bad = good;
    bad.mandatory_met = false;
    CHECK(message(Pack{"2025-26", "", {bad}}) == "valid");
    Pack late{"2025-26", "", {good}};
    late.opens = Date::parse("2026-07-01");
    CHECK(message(late) ==
          "memory: opens 2026-07-01 is outside the year 2025-26 (2025-07-01 to 2026-06-30)");
    bad = good;
    bad.question = "\xFF";
    CHECK(message(Pack{"2025-26", "", {bad}}) == "memory: item 1.1.1: question is not valid UTF-8");
    bad = good;
    bad.standard = 2;
    CHECK(message(Pack{"2025-26", "", {bad}}) ==
          "memory: item 1.1.1: id 1.1.1 does not belong to standard 2");
    CHECK_THROWS_AS(pack_to_json(Pack{"2025-26", "", {bad}}), Error);
}

}  // namespace
}  // namespace dspt::standards
