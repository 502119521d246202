#include "server/cli/config_file.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"

namespace dspt::server {

namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;

}  // namespace

void apply_config_file(CLI::App& command, const std::filesystem::path& file) {
    const auto text = read_file(file, kMaxConfigBytes);
    std::istringstream lines(text);
    std::string line;
    std::set<std::string> seen;
    for (std::size_t number = 1; std::getline(lines, line); ++number) {
        const auto where = file.string() + ":" + std::to_string(number) + ": ";
        line = std::string(trim(line, " \t\r"));
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string::npos) {
            fail(ErrorCode::invalid_argument, where + "expected key = value");
        }
        // "public_url" names --public-url as "public-url" does.
        std::string key(trim(std::string_view(line).substr(0, equals), " \t\r"));
        std::replace(key.begin(), key.end(), '_', '-');
        std::string value(trim(std::string_view(line).substr(equals + 1), " \t\r"));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        CLI::Option* option =
            key.empty() || key == "config" ? nullptr : command.get_option_no_throw("--" + key);
        if (option == nullptr) {
            fail(ErrorCode::invalid_argument, where + "unknown setting \"" + key + "\"");
        }
        if (!seen.insert(key).second) {
            fail(ErrorCode::invalid_argument, where + "\"" + key + "\" is set twice");
        }
        if (option->count() > 0) {
            continue;  // the command line wins
        }
        if (option->get_expected_min() == 0) {  // a flag
            if (value != "true" && value != "false") {
                fail(ErrorCode::invalid_argument, where + key + " takes true or false");
            }
            if (value == "false") {
                continue;
            }
        }
        try {
            option->add_result(value);
            option->run_callback();
        } catch (const CLI::Error& e) {
            fail(ErrorCode::invalid_argument, where + key + ": " + e.what());
        }
    }
}

}  // namespace dspt::server
