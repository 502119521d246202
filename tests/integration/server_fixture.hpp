#pragma once
// The real dspt-server on 127.0.0.1 with an ephemeral port and a store of its own: a
// temporary data directory, or, when the run tests PostgreSQL (DSPT_TEST_POSTGRES), a
// fresh schema in the test cluster; and the admin commands run against that store.

#include <cctype>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/date.hpp"
#include "common/standards/year.hpp"
#include "server/store/open_repository.hpp"
#include "tests/integration/client_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_store.hpp"

namespace dspt::test {

class ServerProcess {
  public:
    // Starts `dspt-server serve` with `extra` flags and waits (bounded) until it
    // says where it listens.
    explicit ServerProcess(std::vector<std::string> extra = {}) { start(std::move(extra)); }

    // A server on a store the test chooses, whatever the run's: the embedded store in a
    // directory of its own (location ""), or the PostgreSQL store at `location`.
    struct Store {
        std::string location;
    };
    explicit ServerProcess(Store chosen, std::vector<std::string> extra = {})
        : chosen_(std::move(chosen.location)) {
        start(std::move(extra));
    }

    // Another process on the store of `first` (its data directory or schema), as
    // several servers behind a load balancer share one; `first` must outlive it.
    ServerProcess(const ServerProcess& first, std::vector<std::string> extra)
        : shared_store_(first.store_args()) {
        start(std::move(extra));
    }

    const std::filesystem::path& data() const noexcept { return data_.path(); }
    const std::string& url() const noexcept { return url_; }
    std::uint16_t port() const noexcept { return port_; }
    BackgroundProcess& process() { return *process_; }

    // Whether the server runs on PostgreSQL (else on the embedded store in data()).
    bool postgresql() const noexcept { return !location().empty(); }
    const std::string& location() const noexcept { return chosen_ ? *chosen_ : store_.location(); }

    // The flags that name the server's store: `--data DIR` or `--store LOCATION`.
    std::vector<std::string> store_args() const {
        if (!shared_store_.empty()) {
            return shared_store_;
        }
        if (postgresql()) {
            return {"--store", location()};
        }
        return {"--data", data_.path().string()};
    }

    // The server's store, opened by the test (beside the running server).
    std::unique_ptr<server::store::Repository> open_store() const {
        if (postgresql()) {
            return server::store::open_repository({"", location()});
        }
        return server::store::open_repository({data_.path().string(), ""});
    }

    // Runs `dspt-server admin --data DIR args...` (or `--store LOCATION`).
    ProcessResult admin(const std::vector<std::string>& args) const {
        std::vector<std::string> full{"admin"};
        const auto where = store_args();
        full.insert(full.end(), where.begin(), where.end());
        full.insert(full.end(), args.begin(), args.end());
        return run_process(DSPT_SERVER_BIN, full);
    }

    // An enrolment code from the admin command; fails the test otherwise.
    std::string code(const std::vector<std::string>& args) const {
        std::vector<std::string> full{"enrol-code", "--json"};
        full.insert(full.end(), args.begin(), args.end());
        const auto result = admin(full);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return nlohmann::json::parse(result.out)["code"].get<std::string>();
    }

    // Two organisations: AB1, a headquarters with branches VA001 and VA002, and
    // CD2, a single-site provider with VC001; and a support partner.
    void register_demo() const {
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"create-org", "--ods", "AB1", "--name", "Acorn Homecare", "--hq"},
                 {"add-site", "--org", "AB1", "--ods", "VA001", "--cqc", "1-100000001", "--name",
                  "Acorn Leeds"},
                 {"add-site", "--org", "AB1", "--ods", "VA002", "--cqc", "1-100000002", "--name",
                  "Acorn York"},
                 {"create-org", "--ods", "CD2", "--name", "Cedar House"},
                 {"add-site", "--org", "CD2", "--ods", "VC001", "--cqc", "1-200000001", "--name",
                  "Cedar House"},
                 {"create-partner", "--name", "County Care Association"}}) {
            const auto result = admin(args);
            INFO(result.err);
            REQUIRE(result.exit_code == 0);
        }
    }

    // Kills the server with SIGKILL, whatever it is doing, and starts it again
    // on the same data and port.
    void kill_and_restart() {
        process_->signal(SIGKILL);
        process_->wait(std::chrono::seconds(10));
        start(extra_, port_);
    }

    // Stops the server as an operator would (SIGTERM), keeping its data and
    // port for restart(): while stopped, clients find no server there.
    void stop() {
        process_->signal(SIGTERM);
        REQUIRE(process_->wait(std::chrono::seconds(30)) == 0);
    }
    void restart() { start(extra_, port_); }

    std::filesystem::path database() const { return data_.path() / "server.db"; }

  private:
    void start(std::vector<std::string> extra, std::uint16_t port = 0) {
        extra_ = extra;
        std::vector<std::string> args{"serve"};
        const auto where = store_args();
        args.insert(args.end(), where.begin(), where.end());
        args.insert(args.end(), {"--listen", "127.0.0.1:" + std::to_string(port)});
        args.insert(args.end(), extra.begin(), extra.end());
        process_ = std::make_unique<BackgroundProcess>(DSPT_SERVER_BIN, args);
        const bool up = process_->wait_for_output("listening on", std::chrono::seconds(30));
        INFO("server stderr: " << process_->err());
        REQUIRE(up);
        // "dspt-server listening on http://127.0.0.1:PORT (data ...)"
        const std::string out = process_->out();
        const auto at = out.find("://127.0.0.1:");
        REQUIRE(at != std::string::npos);
        const auto scheme_start = out.rfind(' ', at) + 1;
        const auto digits_start = at + std::string_view("://127.0.0.1:").size();
        const auto digits_end = out.find_first_not_of("0123456789", digits_start);
        REQUIRE(digits_end > digits_start);
        port_ = static_cast<std::uint16_t>(
            std::stoi(out.substr(digits_start, digits_end - digits_start)));
        url_ = out.substr(scheme_start, digits_end - scheme_start);
        REQUIRE((url_.starts_with("http://") || url_.starts_with("https://")));
    }

    TempDir data_;
    TestStore store_;
    std::optional<std::string> chosen_;      // the store the test chose, if it did
    std::vector<std::string> shared_store_;  // the store flags of the first process, if shared
    std::vector<std::string> extra_;
    std::unique_ptr<BackgroundProcess> process_;
    std::string url_;
    std::uint16_t port_ = 0;
};

// A client home enrolled under `code` with the server at `url`.
inline void enrol(const ClientHome& home, const std::string& url, const std::string& code,
                  const std::string& name = "Rosewood Care Home") {
    const auto init = home.run({"init", "--name", name});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    const auto result = home.run({"enrol", "--server", url, "--code", code});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

// A client home enrolled with the server under `code`.
inline void enrol(const ClientHome& home, const ServerProcess& server, const std::string& code,
                  const std::string& name = "Rosewood Care Home") {
    enrol(home, server.url(), code, name);
}

// The recovery code printed by the organisation's first `dspt enrol`.
inline std::string recovery_code_from(const std::string& enrol_output) {
    // <16 lower-hex>-<22 base64url>, alone on its line.
    const auto is_code = [](std::string_view word) {
        if (word.size() != 39 || word[16] != '-') {
            return false;
        }
        for (std::size_t i = 0; i < word.size(); ++i) {
            const char c = word[i];
            const bool ok = i < 16
                                ? std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(c)
                                : i == 16 || std::isalnum(static_cast<unsigned char>(c)) ||
                                      c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    };
    std::istringstream words(enrol_output);
    std::string word;
    while (words >> word) {
        if (is_code(word)) {
            return word;
        }
    }
    FAIL("no recovery code in: " << enrol_output);
    return {};
}

// Acorn Homecare (AB1, a headquarters) with a third branch, VA003 named `third_site`,
// its headquarters device and the Leeds branch's (VA001) device.
struct AcornGroup {
    ServerProcess server;
    ClientHome hq;
    ClientHome leeds;

    explicit AcornGroup(const std::string& third_site = "Acorn Hull") {
        server.register_demo();
        const auto added = server.admin({"add-site", "--org", "AB1", "--ods", "VA003", "--cqc",
                                         "1-100000003", "--name", third_site});
        INFO(added.err);
        REQUIRE(added.exit_code == 0);
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    }
};

// Registers the demo organisations and records a Standards Met publication of
// AB1 made an hour ago in the current standards year straight into the
// server's store, covering `sites`; returns it.
inline server::store::Publication publish_acorn_met(const ServerProcess& server,
                                                    std::vector<std::string> sites,
                                                    const std::string& request_id) {
    server.register_demo();
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() -
                        3'600'000;
    server::store::Publication publication;
    publication.organisation_ods = "AB1";
    publication.sites = std::move(sites);
    publication.year = standards::year_on(Date::from_unix_ms(now_ms));
    publication.level = standards::Level::met;
    publication.published_at_ms = now_ms;
    publication.device_id = "admin";
    publication.request_id = request_id;
    const auto repository = server.open_store();
    REQUIRE_FALSE(repository->record_publication(publication).duplicate);
    return publication;
}

}  // namespace dspt::test
