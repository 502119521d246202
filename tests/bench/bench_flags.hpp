#pragma once
// The flags of the benchmark drivers: "--name value" pairs after the mode, each a
// count within bounds or a text.

#include <cstddef>
#include <exception>
#include <map>
#include <optional>
#include <string>

namespace dspt::bench {

struct CountFlag {
    std::size_t* target;
    std::size_t low;
    std::size_t high;
};

// Reads argv[first], argv[first + 1], ... as flag and value pairs into `counts` and
// `texts`; returns what is wrong (an unknown flag, a missing value, a count that is
// not a number or out of its bounds), or nullopt.
inline std::optional<std::string> parse_flags(int argc, char** argv, int first,
                                              const std::map<std::string, CountFlag>& counts,
                                              const std::map<std::string, std::string*>& texts) {
    for (int i = first; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            return flag + " needs a value";
        }
        const std::string value = argv[i + 1];
        if (const auto text = texts.find(flag); text != texts.end()) {
            *text->second = value;
            continue;
        }
        const auto count = counts.find(flag);
        if (count == counts.end()) {
            return "unknown option " + flag;
        }
        const auto& [target, low, high] = count->second;
        std::size_t used = 0;
        unsigned long long number = 0;
        try {
            number = std::stoull(value, &used);
        } catch (const std::exception&) {
            return flag + " takes a number, not \"" + value + "\"";
        }
        if (used != value.size() || number < low || number > high) {
            return flag + " takes a number from " + std::to_string(low) + " to " +
                   std::to_string(high) + ", not \"" + value + "\"";
        }
        *target = static_cast<std::size_t>(number);
    }
    return std::nullopt;
}

}  // namespace dspt::bench
