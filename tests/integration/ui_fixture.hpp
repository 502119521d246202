#pragma once
// `dspt ui` as a person runs it, for the screen's integration tests: started
// on any free port, its one-time address read from what it prints, stopped
// with Ctrl-C (SIGINT) as a person stops it.

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/client_fixture.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/cdp_browser.hpp"

namespace dspt::test {

class LocalScreen {
  public:
    explicit LocalScreen(const ClientHome& home, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"ui", "--port", "0"};
        args.insert(args.end(), extra.begin(), extra.end());
        process_ = home.start(args);
        const bool up = process_->wait_for_output("Stop with Ctrl-C", std::chrono::seconds(30));
        INFO("dspt ui: " << process_->out() << process_->err());
        REQUIRE(up);
        const auto& out = process_->out();
        const auto at = out.find("http://127.0.0.1:");
        REQUIRE(at != std::string::npos);
        address_ = out.substr(at, out.find_first_of(" \n", at) - at);
        origin_ = address_.substr(0, address_.find("/?token="));
        REQUIRE(origin_.size() < address_.size());
    }

    ~LocalScreen() {
        if (running_) {
            process_->signal(SIGINT);
            process_->wait(std::chrono::seconds(15));
        }
    }

    LocalScreen(const LocalScreen&) = delete;
    LocalScreen& operator=(const LocalScreen&) = delete;

    // The printed address, with its one-time token.
    const std::string& address() const noexcept { return address_; }
    // http://127.0.0.1:PORT
    const std::string& origin() const noexcept { return origin_; }
    std::string page(const std::string& path) const { return origin_ + path; }

    // Ctrl-C; returns the exit code and what it printed.
    int stop() {
        running_ = false;
        process_->signal(SIGINT);
        return process_->wait(std::chrono::seconds(30));
    }
    const std::string& out() const { return process_->out(); }

  private:
    std::unique_ptr<BackgroundProcess> process_;
    std::string address_;
    std::string origin_;
    bool running_ = true;
};

// Cedar House (CD2, one site VC001) on a server of its own, with two devices
// of the site: the care manager's and the office's.
struct CedarHouseDevices {
    ServerProcess server;
    ClientHome home;
    ClientHome second;

    CedarHouseDevices() {
        server.register_demo();
        enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
        enrol(second, server, home.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
              "Cedar House office");
    }
};

// A CSS selector for an element id, which for items holds dots ("value-1.1.1").
inline std::string by_id(const std::string& id) {
    return "[id='" + id + "']";
}

// Keeps what the browser shows as DSPT_ARTIFACT_DIR/name, for people to look at.
inline void keep_screenshot(CdpBrowser& browser, const std::string& name) {
    std::filesystem::create_directories(DSPT_ARTIFACT_DIR);
    const auto path = std::filesystem::path(DSPT_ARTIFACT_DIR) / name;
    browser.screenshot(path);
    CHECK(std::filesystem::file_size(path) > 1000);
}

}  // namespace dspt::test
