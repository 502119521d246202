#pragma once
// What a browser and a script get from the real server: curl for one exchange
// with its status line and headers as sent, and a headless Chromium
// (/usr/bin/chromium) for a page's DOM after it loaded, a screenshot or a PDF
// print of it. Every run is bounded in time; a missing tool fails the test
// rather than skipping it.

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace dspt::test {

inline std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

struct Fetched {
    int status = 0;
    std::string head;  // the status line and header fields, as sent
    std::string body;

    // A header's value; `name` in lower case, as header names compare without case.
    std::string header(const std::string& name) const {
        std::string lower = head;
        for (auto& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const auto key = "\n" + name + ":";
        const auto at = lower.find(key);
        if (at == std::string::npos) {
            return {};
        }
        const auto start = head.find_first_not_of(' ', at + key.size());
        return head.substr(start, head.find_first_of("\r\n", start) - start);
    }
};

// One request with curl (bounded, redirects not followed), keeping the body's bytes
// as they came. `headers` are added as "Name: value".
inline Fetched fetch(const std::string& url, const std::string& method = "GET",
                     const std::map<std::string, std::string>& headers = {}) {
    const TempDir dir;
    const auto head = dir.file("head");
    const auto body = dir.file("body");
    std::vector<std::string> args{"-sS", "--max-time",  "30", "-X",         method,
                                  "-D",  head.string(), "-o", body.string()};
    for (const auto& [name, value] : headers) {
        args.push_back("-H");
        args.push_back(name + ": " + value);
    }
    args.push_back(url);
    const auto result = run_process("/usr/bin/curl", args);
    INFO("curl " << method << " " << url << ": " << result.err);
    REQUIRE(result.exit_code == 0);
    Fetched fetched;
    fetched.head = read_all(head);
    fetched.body = read_all(body);
    REQUIRE(fetched.head.starts_with("HTTP/1.1 "));
    fetched.status = std::stoi(fetched.head.substr(9, 3));
    return fetched;
}

// Runs a headless Chromium with a fresh profile on `url` with `what` (--dump-dom,
// --screenshot=..., --print-to-pdf=...); returns its standard output.
inline std::string run_chromium(const std::vector<std::string>& what, const std::string& url) {
    const std::filesystem::path chromium = "/usr/bin/chromium";
    if (!std::filesystem::exists(chromium)) {
        FAIL("chromium is not installed: run deploy/install-deps.sh");
    }
    const TempDir profile;
    std::string user_data_dir = "--user-data-dir=";
    user_data_dir += (profile.path() / "profile").string();
    ProcessOptions options;
    options.env = {{"HOME", profile.path().string()},
                   {"XDG_CONFIG_HOME", (profile.path() / "config").string()},
                   {"XDG_CACHE_HOME", (profile.path() / "cache").string()}};
    options.timeout = std::chrono::seconds(120);
    // timeout(1) ends the whole process group (Chromium's helpers too) if it hangs.
    std::vector<std::string> args{"--kill-after=5",    "90",
                                  chromium.string(),   "--headless=new",
                                  "--no-sandbox",      "--disable-gpu",
                                  "--no-first-run",    "--disable-extensions",
                                  "--hide-scrollbars", user_data_dir};
    args.insert(args.end(), what.begin(), what.end());
    args.push_back(url);
    const auto result = run_process("/usr/bin/timeout", args, options);
    INFO("chromium stderr: " << result.err.substr(0, 2000));
    REQUIRE(result.exit_code == 0);
    return result.out;
}

// The page's DOM after a headless Chromium loaded it (following redirects).
inline std::string chromium_dom(const std::string& url) {
    return run_chromium({"--dump-dom"}, url);
}

// A PNG of the page as a window of `width` x `height` CSS pixels shows it.
inline void chromium_screenshot(const std::string& url, const std::filesystem::path& png, int width,
                                int height) {
    std::string size = "--window-size=";
    size += std::to_string(width);
    size += ',';
    size += std::to_string(height);
    std::string output = "--screenshot=";
    output += png.string();
    run_chromium({output, size}, url);
    REQUIRE(std::filesystem::exists(png));
}

// The page printed to PDF.
inline void chromium_pdf(const std::string& url, const std::filesystem::path& pdf) {
    std::string output = "--print-to-pdf=";
    output += pdf.string();
    run_chromium({output, "--no-pdf-header-footer"}, url);
    REQUIRE(std::filesystem::exists(pdf));
}

// What a poppler tool prints for a file; fails the test when it fails.
inline std::string poppler(const std::string& tool, const std::filesystem::path& file,
                           std::vector<std::string> options = {}) {
    options.push_back(file.string());
    options.push_back("-");
    if (tool == "pdfinfo") {
        options.pop_back();
    }
    const auto result = run_process("/usr/bin/" + tool, options);
    INFO(tool << " failed (it comes with poppler-utils: run deploy/install-deps.sh): "
              << result.err);
    REQUIRE(result.exit_code == 0);
    return result.out;
}

}  // namespace dspt::test
