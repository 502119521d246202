// protocol/README.md's "Messages" table against AllMessages: every message has
// one row with its type number and class version, and every row is a message,
// so the specification and the code cannot drift apart.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "common/text.hpp"
#include "protocol/message_list.hpp"

namespace {

using namespace dspt::protocol;

struct Row {
    std::uint16_t type = 0;
    std::uint32_t class_version = 0;
};

std::string read_readme() {
    const std::string path = std::string(DSPT_SOURCE_DIR) + "/protocol/README.md";
    std::ifstream in(path);
    INFO(path);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The cells of a table line "| a | b | c |", trimmed; empty for any other line.
std::vector<std::string> table_cells(const std::string& line) {
    std::vector<std::string> cells;
    if (!line.starts_with("|")) {
        return cells;
    }
    std::size_t start = 1;
    for (auto bar = line.find('|', start); bar != std::string::npos; bar = line.find('|', start)) {
        cells.emplace_back(dspt::trim(std::string_view(line).substr(start, bar - start)));
        start = bar + 1;
    }
    return cells;
}

bool all_of_set(std::string_view text, std::string_view set) {
    return !text.empty() && text.find_first_not_of(set) == std::string_view::npos;
}

// The rows "| 0x0101 | `EnrolRequest` | 1 | ... |" of the section "## Messages",
// by message name. A name given twice is a problem.
std::map<std::string, Row> message_rows(const std::string& readme,
                                        std::vector<std::string>& problems) {
    constexpr std::string_view kHex = "0123456789abcdefABCDEF";
    constexpr std::string_view kDigits = "0123456789";
    constexpr std::string_view kWord =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    std::map<std::string, Row> rows;
    std::istringstream lines(readme);
    std::string line;
    bool in_section = false;
    while (std::getline(lines, line)) {
        if (line.starts_with("## ")) {
            in_section = line == "## Messages";
            continue;
        }
        const auto cells = table_cells(line);
        if (!in_section || cells.size() < 3) {
            continue;
        }
        const std::string_view type = cells[0];
        const std::string_view quoted = cells[1];
        const std::string_view version = cells[2];
        if (type.size() != 6 || !type.starts_with("0x") || !all_of_set(type.substr(2), kHex) ||
            quoted.size() < 3 || !quoted.starts_with('`') || !quoted.ends_with('`') ||
            !all_of_set(quoted.substr(1, quoted.size() - 2), kWord) ||
            !all_of_set(version, kDigits)) {
            continue;
        }
        const std::string name(quoted.substr(1, quoted.size() - 2));
        const Row row{
            static_cast<std::uint16_t>(std::stoul(std::string(type.substr(2)), nullptr, 16)),
            static_cast<std::uint32_t>(std::stoul(std::string(version)))};
        if (!rows.emplace(name, row).second) {
            problems.push_back("the table lists " + name + " twice");
        }
    }
    return rows;
}

std::string hex(std::uint16_t value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04x", value);
    return text;
}

// Every way the table and AllMessages disagree; empty when they agree.
std::vector<std::string> table_problems(const std::string& readme) {
    std::vector<std::string> problems;
    auto rows = message_rows(readme, problems);
    const auto check = [&](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        const std::string name(T::kName);
        const auto row = rows.find(name);
        if (row == rows.end()) {
            problems.push_back(name + " has no row in the table");
            return;
        }
        const auto type = static_cast<std::uint16_t>(T::kType);
        if (row->second.type != type) {
            problems.push_back(name + " is " + hex(type) + ", the table says " +
                               hex(row->second.type));
        }
        if (row->second.class_version != T::kVersion) {
            problems.push_back(name + " is at class version " + std::to_string(T::kVersion) +
                               ", the table says " + std::to_string(row->second.class_version));
        }
        rows.erase(row);
    };
    std::apply([&](const auto&... message) { (check(message), ...); }, AllMessages{});
    for (const auto& [name, row] : rows) {
        problems.push_back("the table lists " + name + " (" + hex(row.type) +
                           "), which is not in AllMessages");
    }
    return problems;
}

std::string joined(const std::vector<std::string>& problems) {
    std::string text;
    for (const auto& problem : problems) {
        text += problem + "\n";
    }
    return text;
}

// The README with the first line that contains `needle` replaced by `line`
// (removed when `line` is empty).
std::string edited(std::string readme, std::string_view needle, std::string_view line) {
    const auto at = readme.find(needle);
    REQUIRE(at != std::string::npos);
    const auto start = readme.rfind('\n', at) + 1;
    const auto end = readme.find('\n', at) + 1;
    readme.replace(start, end - start, line.empty() ? std::string() : std::string(line) + "\n");
    return readme;
}

}  // namespace

TEST_CASE("protocol/README.md lists every message of AllMessages, and nothing else",
          "[unit][protocol]") {
    const auto problems = table_problems(read_readme());
    INFO(joined(problems));
    CHECK(problems.empty());
}

TEST_CASE("the README table check notices a missing, wrong or extra row", "[unit][protocol]") {
    const auto readme = read_readme();
    REQUIRE(table_problems(readme).empty());

    const auto without = table_problems(edited(readme, "| 0x0404 | `BlobStatus` |", ""));
    CHECK(without == std::vector<std::string>{"BlobStatus has no row in the table"});

    const auto old_version = table_problems(
        edited(readme, "| 0x0301 | `GrantRequest` |", "| 0x0301 | `GrantRequest` | 1 | ... |"));
    CHECK(old_version ==
          std::vector<std::string>{"GrantRequest is at class version 2, the table says 1"});

    const auto renumbered = table_problems(
        edited(readme, "| 0x0105 | `InviteResponse` |", "| 0x0106 | `InviteResponse` | 1 | ... |"));
    CHECK(renumbered ==
          std::vector<std::string>{"InviteResponse is 0x0105, the table says 0x0106"});

    const auto extra = table_problems(edited(readme, "| 0x0701 | `WebLoginLink` |",
                                             "| 0x0701 | `WebLoginLink` | 1 | ... |\n"
                                             "| 0x0702 | `WebLogout` | 1 | ... |"));
    CHECK(extra == std::vector<std::string>{
                       "the table lists WebLogout (0x0702), which is not in AllMessages"});
}
