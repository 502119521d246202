#include "client/cli/store_access.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <termios.h>
#include <unistd.h>

#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/error.hpp"
#include "common/files.hpp"

namespace dspt::client {

namespace {

constexpr std::size_t kMaxPassphraseFileBytes = 4096;

std::string first_line(std::string text) {
    const auto end = text.find_first_of("\r\n");
    if (end != std::string::npos) {
        text.resize(end);
    }
    return text;
}

// Reads a line from the terminal with echo off; restores the terminal even
// when reading fails.
std::string prompt_hidden(const std::string& prompt) {
    std::cerr << prompt << std::flush;
    termios old_mode{};
    const bool terminal = ::tcgetattr(STDIN_FILENO, &old_mode) == 0;
    if (terminal) {
        termios quiet = old_mode;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
    }
    std::cerr << "\n";
    return line;
}

std::string from_sources(const std::string& env_name, const std::string& file, bool confirm_prompt,
                         const std::string& what) {
    if (const char* env = std::getenv(env_name.c_str()); env != nullptr && *env != '\0') {
        return env;
    }
    if (!file.empty()) {
        auto line = first_line(read_file(file, kMaxPassphraseFileBytes));
        if (line.empty()) {
            fail(ErrorCode::invalid_argument, "the passphrase file " + file + " is empty");
        }
        return line;
    }
    if (::isatty(STDIN_FILENO) == 0) {
        fail(ErrorCode::invalid_argument,
             "no " + what + ": set " + env_name +
                 ", give a passphrase file, or run dspt on a terminal to be asked");
    }
    auto first = prompt_hidden("Enter " + what + ": ");
    if (confirm_prompt && prompt_hidden("Repeat " + what + ": ") != first) {
        fail(ErrorCode::invalid_argument, "the two passphrases differ; nothing was changed");
    }
    if (first.empty()) {
        fail(ErrorCode::invalid_argument, "the passphrase must not be empty");
    }
    return first;
}

}  // namespace

std::filesystem::path resolve_home(const GlobalOptions& options) {
    if (!options.home.empty()) {
        return options.home;
    }
    if (const char* env = std::getenv("DSPT_HOME"); env != nullptr && *env != '\0') {
        return env;
    }
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
        fail(ErrorCode::invalid_argument, "no home directory: give --home or set DSPT_HOME");
    }
    return std::filesystem::path(home) / ".local" / "share" / "dspt";
}

std::string read_passphrase(const GlobalOptions& options) {
    return from_sources("DSPT_PASSPHRASE", options.passphrase_file, false, "passphrase");
}

std::string read_new_passphrase(const std::string& env_name, const std::string& file) {
    auto passphrase = from_sources(env_name, file, true, "new passphrase");
    std::size_t characters = 0;  // UTF-8: every byte but continuation bytes starts one
    for (const char c : passphrase) {
        characters += (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;
    }
    if (characters < kMinNewPassphraseChars) {
        fail(ErrorCode::invalid_argument,
             "the new passphrase has " + std::to_string(characters) + " characters: use at least " +
                 std::to_string(kMinNewPassphraseChars) +
                 " (a few unrelated words are easy to remember and hard to guess); nothing was "
                 "changed");
    }
    return passphrase;
}

std::unique_ptr<LocalStore> open_store(const GlobalOptions& options) {
    const auto path = LocalStore::file_in(resolve_home(options));
    if (!std::filesystem::exists(path)) {
        fail(ErrorCode::not_found,
             "no store at " + path.string() + "; create one with 'dspt init'");
    }
    auto store = LocalStore::open(path, read_passphrase(options));
    if (!options.site.empty()) {
        const auto identity = load_identity(*store);
        if (!identity || identity->role != protocol::Role::headquarters) {
            fail(ErrorCode::failed_precondition,
                 "--site works on a headquarters device, which holds every site of its "
                 "organisation; this device keeps its own site's assessment only");
        }
        const auto sites = known_sites(*store);
        if (std::find(sites.begin(), sites.end(), options.site) == sites.end()) {
            fail(ErrorCode::not_found,
                 sites.empty() ? "this device does not know its organisation's sites yet: run "
                                 "'dspt sync' first"
                               : "site " + options.site + " is not one of " +
                                     identity->organisation_name + "'s sites");
        }
        store->use_scope(options.site);
    }
    return store;
}

std::string current_user(LocalStore& store) {
    const auto from_environment = [](const char* name) -> std::optional<std::string> {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
            return std::string(value);
        }
        return std::nullopt;
    };
    if (auto user = from_environment("DSPT_USER")) {
        return *user;
    }
    if (auto recorded = store.author_name()) {
        return *recorded;
    }
    for (const char* name : {"USER", "LOGNAME"}) {
        if (auto user = from_environment(name)) {
            return *user;
        }
    }
    return "unknown";
}

}  // namespace dspt::client
