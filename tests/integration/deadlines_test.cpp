// Deadlines that hold. A server that accepts the connection and never answers,
// or answers the header and stops in the middle of the body, costs each
// command that talks to it its --timeout and no more: it exits with 4 and says
// what it waited for. A sync stopped that way completes on the next run; a
// large body that keeps moving on a slow line is not cut; `dspt sync --watch`
// carries on after a stall; Ctrl-C stops `dspt sync --watch` and `dspt ui`
// while a request waits, and the screen's Sync now answers.

#include <chrono>
#include <csignal>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"
#include "tests/integration/ui_fixture.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/loopback_http.hpp"

using namespace dspt;
using namespace dspt::test;
using namespace std::chrono_literals;

namespace {

std::string address_of(const FaultProxy& proxy) {
    return "http://127.0.0.1:" + std::to_string(proxy.port());
}

// A new store enrolled through `proxy`, so that every later command of the
// device goes through it too.
void enrol_through(const ClientHome& home, const FaultProxy& proxy, const std::string& code,
                   const std::string& name) {
    const auto init = home.run({"init", "--name", name});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    const auto enrolled = home.run({"enrol", "--server", address_of(proxy), "--code", code});
    INFO(enrolled.err);
    REQUIRE(enrolled.exit_code == 0);
}

std::string waited_for_header(const FaultProxy& proxy, const std::string& seconds) {
    return "no answer from the server at " + address_of(proxy) + " within " + seconds +
           " s while waiting for the response header";
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

// Waits (at most `tries` x 50 ms) until the proxy has accepted more than
// `before` connections: a request is then waiting on a held one.
bool connected_after(const FaultProxy& proxy, std::size_t before, int tries = 400) {
    for (int i = 0; i < tries && proxy.connections() <= before; ++i) {
        std::this_thread::sleep_for(50ms);
    }
    return proxy.connections() > before;
}

// The screen of `dspt ui`, signed in as its browser would be, spoken to in
// plain HTTP.
class ScreenSession {
  public:
    explicit ScreenSession(const LocalScreen& screen) {
        const auto& origin = screen.origin();
        port_ = static_cast<std::uint16_t>(std::stoi(origin.substr(origin.rfind(':') + 1)));
        const auto signed_in =
            http_exchange(port_, "GET", screen.address().substr(origin.size()), {});
        REQUIRE(signed_in.status == 303);
        const auto cookie = signed_in.header("Set-Cookie");
        cookie_ = cookie.substr(0, cookie.find(';'));
        REQUIRE_FALSE(cookie_.empty());
        const auto page = overview();
        const std::string marker = "name=\"csrf\" value=\"";
        const auto at = page.find(marker);
        REQUIRE(at != std::string::npos);
        const auto start = at + marker.size();
        csrf_ = page.substr(start, page.find('"', start) - start);
    }

    std::string overview() const {
        const auto page = http_exchange(port_, "GET", "/", {{"Cookie", cookie_}});
        REQUIRE(page.status == 200);
        return page.body;
    }

    // Presses Sync now; the answer is left unread on `connection`.
    void press_sync_now(LoopbackConnection& connection) const {
        connection.send(
            "POST", "/sync",
            {{"Cookie", cookie_}, {"Content-Type", "application/x-www-form-urlencoded"}},
            "csrf=" + csrf_);
    }

    std::uint16_t port() const noexcept { return port_; }

  private:
    std::uint16_t port_ = 0;
    std::string cookie_;
    std::string csrf_;
};

}  // namespace

TEST_CASE("every command that talks to a server that never answers ends after its deadline",
          "[integration][deadlines]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome hq;
    ClientHome partner;
    ClientHome newcomer;
    enrol_through(hq, proxy, server.code({"--org", "AB1"}), "Acorn Homecare");
    enrol_through(partner, proxy, server.code({"--partner", "County Care Association"}),
                  "County Care Association");
    REQUIRE(hq.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    newcomer.init();
    const auto newcomer_code = server.code({"--org", "CD2", "--site", "VC001"});

    proxy.stall();  // from now on every connection is accepted and never answered
    struct Case {
        const ClientHome* home;
        std::vector<std::string> args;
    };
    const std::vector<Case> cases{
        {&newcomer, {"enrol", "--server", address_of(proxy), "--code", newcomer_code}},
        {&hq, {"sync", "--attempts", "1"}},
        {&hq, {"publish", "--level", "met", "--attempts", "1"}},
        {&hq, {"sites"}},
        {&hq, {"grants"}},
        {&partner, {"partner", "progress"}},
        {&hq, {"web-login"}},
    };
    for (const auto& [home, command] : cases) {
        auto args = command;
        args.insert(args.end(), {"--timeout", "1"});
        const auto before = proxy.connections();
        const auto result = home->run(args);
        INFO("dspt " << command.front() << ": " << result.err);
        CHECK_FALSE(result.timed_out);
        CHECK(result.exit_code == 4);
        CHECK(proxy.connections() > before);  // it reached the listener, which said nothing
        CHECK_THAT(result.err, Catch::Contains(waited_for_header(proxy, "1")));
    }

    // A sync tries `attempts` times, each bounded, and says what is kept.
    const auto sync =
        hq.run({"sync", "--timeout", "0.5", "--attempts", "3", "--retry-delay", "50"});
    INFO(sync.err);
    CHECK_FALSE(sync.timed_out);
    CHECK(sync.exit_code == 4);
    CHECK(count_of(sync.err, waited_for_header(proxy, "0.5")) == 3);  // two retries, then the end
    CHECK_THAT(sync.err, Catch::Contains("still to send: "));
    CHECK_THAT(sync.err, Catch::Contains("nothing is lost"));

    // Nothing was lost: with the server answering again, the change goes.
    proxy.forward();
    const auto healed = hq.run({"sync", "--timeout", "5"});
    INFO(healed.err);
    CHECK(healed.exit_code == 0);
    CHECK(hq.json({"status"})["pending_changes"] == 0);
}

TEST_CASE("a --timeout that is not a number of seconds is refused", "[integration][deadlines]") {
    ClientHome home;
    home.init();
    for (const std::string bad : {"0", "-1", "3601"}) {
        const auto result = home.run({"sync", "--timeout", bad});
        INFO(bad << ": " << result.err);
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.err, Catch::Contains("--timeout is more than 0 and at most 3600"));
    }
}

TEST_CASE("a sync stalled in the middle of a download ends, and the next run completes it",
          "[integration][deadlines]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome leeds;
    ClientHome leeds2;
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    enrol_through(leeds2, proxy,
                  leeds.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
                  "Acorn Leeds");
    const auto policy = leeds.make_file("policy.pdf", 1'500'000, "POLICY");
    REQUIRE(leeds.run({"evidence", "add", "1.1.2", policy.string()}).exit_code == 0);
    REQUIRE(leeds.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    REQUIRE(leeds.run({"sync"}).exit_code == 0);

    // Every answer longer than 64 KiB stops there, its header long delivered:
    // only an evidence chunk is that long.
    proxy.stall_after(64 * 1024, false);
    const auto stalled = leeds2.run({"sync", "--timeout", "2", "--attempts", "1"});
    INFO(stalled.err);
    CHECK_FALSE(stalled.timed_out);
    CHECK(stalled.exit_code == 4);
    CHECK_THAT(stalled.err, Catch::Contains("the connection to the server at " + address_of(proxy) +
                                            " stalled: nothing moved for 2 s while reading the "
                                            "response body"));
    CHECK(integrity_check(leeds2.store_file()) == "ok");

    proxy.forward();
    const auto resumed = leeds2.run({"sync", "--timeout", "5", "--attempts", "1"});
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK(leeds2.json({"show", "2.1.1"})["answer"]["value"] == "yes");
    const auto files = leeds2.json({"evidence", "list"});
    REQUIRE(files.size() == 1);
    const auto copy = leeds2.home() / "copy.pdf";
    REQUIRE(leeds2.run({"evidence", "get", files[0]["id"].get<std::string>(), copy.string()})
                .exit_code == 0);
    CHECK(same_content(copy, policy));
}

TEST_CASE("an evidence chunk that keeps moving on a slow line is not cut by the deadline",
          "[integration][deadlines]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome leeds;
    ClientHome leeds2;
    enrol_through(leeds, proxy, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    enrol_through(leeds2, proxy,
                  leeds.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
                  "Acorn Leeds");
    const auto minutes = leeds.make_file("minutes.pdf", 1'000'000, "MINUTES");
    REQUIRE(leeds.run({"evidence", "add", "1.1.2", minutes.string()}).exit_code == 0);

    // About 4 s for the chunk each way, twice the deadline: it is the time
    // without a byte moving that the deadline bounds.
    proxy.throttle(256 * 1024);
    const auto up = leeds.run({"sync", "--timeout", "2", "--attempts", "1"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK_THAT(up.out, Catch::Contains("Uploaded 1 evidence file"));
    const auto down = leeds2.run({"sync", "--timeout", "2", "--attempts", "1"});
    INFO(down.err);
    REQUIRE(down.exit_code == 0);
    CHECK_THAT(down.out, Catch::Contains("Downloaded 1 evidence file"));
    CHECK(proxy.bytes_to_client() > 1'000'000);  // the chunk came through the slow line

    const auto files = leeds2.json({"evidence", "list"});
    REQUIRE(files.size() == 1);
    const auto copy = leeds2.home() / "copy.pdf";
    REQUIRE(leeds2.run({"evidence", "get", files[0]["id"].get<std::string>(), copy.string()})
                .exit_code == 0);
    CHECK(same_content(copy, minutes));
}

TEST_CASE("dspt sync --watch carries on after a stall, and a stop ends a request in flight",
          "[integration][deadlines]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome home;
    enrol_through(home, proxy, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    REQUIRE(home.run({"answer", "2.1.1", "yes"}).exit_code == 0);

    proxy.stall();
    {
        auto watching = home.start(
            {"sync", "--watch", "--interval", "0.2", "--timeout", "1", "--attempts", "1"});
        for (int i = 0; i < 200 && watching->err().find("sync failed") == std::string::npos; ++i) {
            watching->wait_for_output("Sent", 100ms);
        }
        INFO(watching->err());
        CHECK_THAT(watching->err(),
                   Catch::Contains("sync failed (" + waited_for_header(proxy, "1")));
        proxy.forward();
        CHECK(watching->wait_for_output("Sent ", 30s));
        watching->signal(SIGTERM);
        CHECK(watching->wait(10s) == 0);
        CHECK_THAT(watching->out(), Catch::Contains("Stopped."));
    }

    // A stop while a request waits ends it, long before its deadline.
    proxy.stall();
    const auto before = proxy.connections();
    auto watching = home.start({"sync", "--watch", "--timeout", "600"});
    REQUIRE(connected_after(proxy, before));
    watching->signal(SIGTERM);
    CHECK(watching->wait(20s) == 0);
    CHECK_THAT(watching->out(), Catch::Contains("Stopped."));
}

TEST_CASE("the screen's Sync now answers when the server does not, and Ctrl-C stops it meanwhile",
          "[integration][deadlines]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome home;
    enrol_through(home, proxy, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    REQUIRE(home.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    proxy.stall();

    SECTION("Sync now says what it waited for and that nothing is lost") {
        LocalScreen screen(home, {"--timeout", "0.5"});
        const ScreenSession session(screen);
        LoopbackConnection connection(session.port());
        session.press_sync_now(connection);
        const auto answer = connection.read(60s);
        CHECK(answer.status == 303);
        const auto page = session.overview();
        CHECK_THAT(page, Catch::Contains(waited_for_header(proxy, "0.5")));
        CHECK_THAT(page, Catch::Contains("Nothing is lost: "));
        CHECK(screen.stop() == 0);
    }
    SECTION("Ctrl-C stops the screen while Sync now waits for the server") {
        LocalScreen screen(home, {"--timeout", "600"});
        const ScreenSession session(screen);
        LoopbackConnection connection(session.port());
        const auto before = proxy.connections();
        session.press_sync_now(connection);
        REQUIRE(connected_after(proxy, before));
        CHECK(screen.stop() == 0);
        CHECK_THAT(screen.out(), Catch::Contains("Stopped. Every change is saved."));
    }
    CHECK(home.json({"status"})["pending_changes"] > 0);  // kept for the next sync
}
