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

// Answers every item `level` still needs in the assessment `scope` selects
// ({} or {"--site", CODE}), each the way its type asks for; returns how many.
inline std::size_t answer_all(const ClientHome& home, const std::string& level,
                              const std::vector<std::string>& scope = {},
                              const std::string& text = "Described in the branch handbook") {
    std::size_t answered = 0;
    for (const auto& item : home.json(with(scope, {"items", "--missing", level}))) {
        const auto id = item["id"].get<std::string>();
        const auto type = item["type"].get<std::string>();
        std::vector<std::string> args = with(scope, {"answer", id});
        if (type == "confirm") {
            args.push_back("yes");
        } else if (type == "date") {
            args.push_back("2026-09-01");
        } else if (type == "document") {
            args.insert(args.end(), {"--location", text});
        } else {
            args.push_back(text);
        }
        const auto result = home.run(args);
        INFO(id << ": " << result.err);
        REQUIRE(result.exit_code == 0);
        ++answered;
    }
    return answered;
}

}  // namespace dspt::test
