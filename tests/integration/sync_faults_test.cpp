// Sync when processes die and nobody is watching: `kill -9` of the client in
// the middle of a sync and of the server in the middle of a push lose nothing
// that was acknowledged and leave both databases sound; `dspt sync --watch`
// keeps devices in step on its own timer until it is stopped.

#include <csignal>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

nlohmann::json value_json(const ClientHome& home, const std::string& item) {
    return home.json({"show", item})["answer"]["value"];
}

// Polls `done` every 250 ms, at most `tries` times.
template <class Fn>
bool eventually(Fn&& done, int tries = 80) {
    for (int i = 0; i < tries; ++i) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
}

}  // namespace

TEST_CASE("kill -9 of the client during a sync and of the server during a push lose nothing",
          "[integration][sync_faults]") {
    const auto seed = std::random_device{}();
    INFO("seed " << seed);
    std::printf("sync_faults kill -9: seed %u\n", seed);
    std::mt19937 random(seed);

    ServerProcess server;
    server.register_demo();
    ClientHome leeds;
    ClientHome leeds2;
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    enrol(leeds2, server, leeds.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
          "Acorn Leeds");
    FaultProxy proxy(server.port());
    proxy.throttle(4 * 1024 * 1024);  // a sync takes long enough to be caught in the middle
    proxy.delay(2);                   // and every segment waits, as on a distant link
    const auto slow = "http://127.0.0.1:" + std::to_string(proxy.port());

    constexpr int kRounds = 3;
    for (int round = 0; round < kRounds; ++round) {
        INFO("round " << round);
        REQUIRE(leeds.run({"answer", "1.1.1", "ZA" + std::to_string(300000 + round)}).exit_code ==
                0);
        REQUIRE(leeds
                    .run({"evidence", "add", "1.1.2",
                          leeds
                              .make_file("minutes" + std::to_string(round), 2'500'000,
                                         "MINUTES" + std::to_string(round))
                              .string()})
                    .exit_code == 0);
        {
            auto syncing = leeds.start({"sync", "--server", slow, "--attempts", "1"});
            const auto after = std::chrono::milliseconds(50 + random() % 900);
            INFO("client killed after " << after.count() << " ms");
            std::this_thread::sleep_for(after);
            syncing->signal(SIGKILL);
            syncing->wait(std::chrono::seconds(10));
            CHECK(integrity_check(leeds.store_file()) == "ok");
        }
        REQUIRE(leeds.run({"answer", "2.1.1", round % 2 == 0 ? "yes" : "no"}).exit_code == 0);
        {
            auto pushing = leeds.start({"sync", "--attempts", "1"});
            const auto after = std::chrono::milliseconds(random() % 400);
            INFO("server killed after " << after.count() << " ms");
            std::this_thread::sleep_for(after);
            server.kill_and_restart();
            const auto code = pushing->wait(std::chrono::seconds(30));
            CHECK((code == 0 || code == 4));
            CHECK(integrity_check(server.database()) == "ok");
        }
    }

    const auto settled = leeds.run({"sync", "--retry-delay", "50"});
    INFO(settled.err);
    REQUIRE(settled.exit_code == 0);
    CHECK(leeds.json({"status"})["pending_changes"] == 0);
    leeds2.json({"sync"});
    CHECK(value_json(leeds2, "1.1.1") == "ZA" + std::to_string(300000 + kRounds - 1));
    CHECK(value_json(leeds2, "2.1.1") == ((kRounds - 1) % 2 == 0 ? "yes" : "no"));
    CHECK(leeds2.json({"status"})["conflicts"] == 0);
    const auto here = leeds.json({"evidence", "list"});
    const auto there = leeds2.json({"evidence", "list"});
    REQUIRE(here.size() == kRounds);
    REQUIRE(there.size() == kRounds);
    for (const auto& file : here) {
        const auto id = file["id"].get<std::string>();
        const auto copy = leeds2.home() / ("copy-" + file["name"].get<std::string>());
        const auto got = leeds2.run({"evidence", "get", id, copy.string()});
        INFO(got.err);
        REQUIRE(got.exit_code == 0);
        CHECK(same_content(copy, leeds.home() / file["name"].get<std::string>()));
    }
    CHECK(integrity_check(leeds.store_file()) == "ok");
    CHECK(integrity_check(leeds2.store_file()) == "ok");
}

TEST_CASE("dspt sync --watch keeps two devices in step on its own timer until stopped",
          "[integration][sync_faults]") {
    ServerProcess server;
    server.register_demo();
    ClientHome first;
    ClientHome second;
    enrol(first, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    enrol(second, server, first.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
          "Cedar House");

    auto watching = first.start({"sync", "--watch", "--interval", "0.3"});
    REQUIRE(second.run({"answer", "1.1.1", "ZA424242"}).exit_code == 0);
    second.json({"sync"});
    CHECK(eventually([&] { return value_json(first, "1.1.1") == "ZA424242"; }));

    // Written while it watches, without asking it to sync.
    REQUIRE(first.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    CHECK(eventually([&] {
        second.json({"sync"});
        return value_json(second, "2.1.1") == "yes";
    }));

    watching->signal(SIGTERM);
    CHECK(watching->wait(std::chrono::seconds(10)) == 0);
    CHECK_THAT(watching->out(), Catch::Contains("Stopped."));
    CHECK(first.json({"status"})["last_sync"].is_string());
}
