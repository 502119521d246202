#pragma once
// A temporary home for the real `dspt` binary, and helpers to run it there.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/support/process.hpp"

namespace dspt::test {

class ClientHome {
  public:
    static constexpr const char* kPassphrase = "correct horse battery staple";

    ClientHome() = default;

    const std::filesystem::path& home() const noexcept { return dir_.path(); }
    std::filesystem::path store_file() const { return dir_.path() / "store.db"; }

    // Runs dspt with --home set to this home and DSPT_PASSPHRASE = passphrase.
    ProcessResult run(const std::vector<std::string>& args,
                      const std::string& passphrase = kPassphrase) const {
        return run_at(dir_.path(), args, passphrase);
    }

    // Runs dspt as run() does on another home: another store of the same
    // person, such as a finished year kept aside.
    static ProcessResult run_at(const std::filesystem::path& home,
                                const std::vector<std::string>& args,
                                const std::string& passphrase = kPassphrase) {
        std::vector<std::string> full{"--home", home.string()};
        full.insert(full.end(), args.begin(), args.end());
        return run_process(DSPT_CLIENT_BIN, full, one_shot(options(passphrase)));
    }

    // Runs dspt as run() does, under a pseudo-terminal (util-linux `script`):
    // what it writes to the terminal, both streams together, comes back in
    // `out`. `input` is what the person types.
    ProcessResult run_in_terminal(const std::vector<std::string>& args,
                                  const std::string& input = {}) const {
        std::string command =
            "'" + std::string(DSPT_CLIENT_BIN) + "' --home '" + dir_.path().string() + "'";
        for (const auto& arg : args) {
            command += " '" + arg + "'";  // the tests' arguments hold no quote
        }
        auto with_input = one_shot(options(kPassphrase));
        with_input.input = input;
        return run_process("/usr/bin/script", {"-qec", command, "/dev/null"}, with_input);
    }

    // Starts dspt as run() does, in the background.
    std::unique_ptr<BackgroundProcess> start(const std::vector<std::string>& args) const {
        std::vector<std::string> full{"--home", dir_.path().string()};
        full.insert(full.end(), args.begin(), args.end());
        return std::make_unique<BackgroundProcess>(DSPT_CLIENT_BIN, full, options(kPassphrase));
    }

    // Runs a read command with --json and parses its output; fails the test
    // when the command fails.
    nlohmann::json json(std::vector<std::string> args) const {
        return json_at(dir_.path(), std::move(args));
    }

    // As json(), on another home (run_at).
    static nlohmann::json json_at(const std::filesystem::path& home,
                                  std::vector<std::string> args) {
        args.push_back("--json");
        const auto result = run_at(home, args);
        INFO("dspt stderr: " << result.err);
        REQUIRE(result.exit_code == 0);
        return nlohmann::json::parse(result.out);
    }

    void init(const std::string& year = "2025-26") const {
        const auto result = run({"init", "--year", year, "--name", "Rosewood Care Home"});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
    }

    // A file in the temporary directory with `size` bytes of a repeating pattern
    // that starts with `marker`.
    std::filesystem::path make_file(const std::string& name, std::uint64_t size,
                                    const std::string& marker = "EVIDENCE-CONTENT") const {
        const auto path = dir_.path() / name;
        std::ofstream out(path, std::ios::binary);
        std::string block = marker;
        for (unsigned i = 0; block.size() < 65536; ++i) {
            block += static_cast<char>('a' + (i * 7919u) % 26);
        }
        std::uint64_t left = size;
        while (left > 0) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
            out.write(block.data(), static_cast<std::streamsize>(n));
            left -= n;
        }
        return path;
    }

    // A file in the temporary directory holding exactly `content`.
    std::filesystem::path write_file(const std::string& name, const std::string& content) const {
        const auto path = dir_.path() / name;
        std::ofstream out(path, std::ios::binary);
        out << content;
        return path;
    }

  private:
    // `options` for a one-shot command (run(), run_at(), run_in_terminal()). In the
    // sanitizer build its leak check at exit is off: the suites run thousands of
    // them, the check costs more than most commands (about 50 ms of CPU each, a
    // third of the sanitizer build's test time), and a one-shot command gives back
    // everything by ending. The processes that live keep the check: the server,
    // every dspt started in the background (start(): `dspt ui`, `sync --watch`),
    // and the test programs, which run the client library in-process; so do the
    // cli suite's commands, which run through run_process() directly.
    static ProcessOptions one_shot(ProcessOptions options) {
        if (const char* asan = std::getenv("ASAN_OPTIONS")) {
            options.env["ASAN_OPTIONS"] = std::string(asan) + ":detect_leaks=0";
        }
        return options;
    }

    static ProcessOptions options(const std::string& passphrase) {
        ProcessOptions options;
        options.env["DSPT_PASSPHRASE"] = passphrase;
        options.env["DSPT_USER"] = "test manager";
        // The tests open their stores thousands of times; the passphrase check's
        // cost is a product setting, not what they test (the cli tests keep it).
        options.env["DSPT_KDF"] = "minimal";
        options.unset_env = {"DSPT_HOME"};
        return options;
    }

    TempDir dir_;
};

// What SQLite's PRAGMA integrity_check says of a database file: "ok" when sound.
inline std::string integrity_check(const std::filesystem::path& file) {
    sqlite::Database db(file);
    sqlite::Statement check(db, "PRAGMA integrity_check");
    REQUIRE(check.step());
    return check.column_text(0);
}

// Whether two files hold the same bytes; sizes are compared first so a failure
// reports something short.
inline bool same_content(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    const auto size_a = std::filesystem::file_size(a, ec);
    const auto size_b = std::filesystem::file_size(b, ec);
    UNSCOPED_INFO(a.filename().string() << ": " << size_a << " bytes, " << b.filename().string()
                                        << ": " << size_b << " bytes");
    if (ec || size_a != size_b) {
        return false;
    }
    std::ifstream in_a(a, std::ios::binary);
    std::ifstream in_b(b, std::ios::binary);
    return std::equal(std::istreambuf_iterator<char>(in_a), std::istreambuf_iterator<char>(),
                      std::istreambuf_iterator<char>(in_b));
}

// The bytes of a file.
inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace dspt::test
