#pragma once
// Answering a whole level from the command line, as a care manager would:
// shared by the tests that need sites in a known state.

#include <cstddef>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/client_fixture.hpp"

namespace dspt::test {

// `args` followed by `more`.
inline std::vector<std::string> with(std::vector<std::string> args,
                                     const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// One CSV field, quoted.
inline std::string quoted_field(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

// Answers every item `level` still needs in the assessment `scope` selects
// ({} or {"--site", CODE}), each the way its type asks for, in one 'dspt
// import' of a spreadsheet as a manager would fill it in; returns how many.
inline std::size_t answer_all(const ClientHome& home, const std::string& level,
                              const std::vector<std::string>& scope = {},
                              const std::string& text = "Described in the branch handbook") {
    std::string csv = "Item,Answer,Document location\r\n";
    std::size_t answered = 0;
    for (const auto& item : home.json(with(scope, {"items", "--missing", level}))) {
        const auto id = item["id"].get<std::string>();
        const auto type = item["type"].get<std::string>();
        csv += id + ",";
        if (type == "confirm") {
            csv += "yes,";
        } else if (type == "date") {
            csv += "2026-09-01,";
        } else if (type == "document") {
            csv += "," + quoted_field(text);
        } else {
            csv += quoted_field(text) + ",";
        }
        csv += "\r\n";
        ++answered;
    }
    if (answered == 0) {
        return 0;
    }
    const auto file = home.write_file("answers-" + level + ".csv", csv);
    const auto result = home.run(with(scope, {"import", file.string(), "--yes"}));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("Recorded " + std::to_string(answered) + " answer"));
    return answered;
}

}  // namespace dspt::test
