// `dspt sync` between real devices and the real server: answers and plans
// travel, concurrent edits are kept as conflicts, a sister site's work stays
// out of reach, and a lost connection loses nothing.

#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// Two devices of Cedar House (CD2, one site VC001): the first enrolled with an
// admin code, the second invited by the first.
struct CedarHouse {
    ServerProcess server;
    ClientHome first;
    ClientHome second;

    CedarHouse() {
        server.register_demo();
        enrol(first, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
        const auto invite = first.json({"invite", "--site", "VC001"});
        enrol(second, server, invite["code"].get<std::string>(), "Cedar House");
    }
};

nlohmann::json sync(const ClientHome& home) {
    return home.json({"sync"});
}

nlohmann::json answer_of(const ClientHome& home, const std::string& item) {
    return home.json({"show", item})["answer"];
}

}  // namespace

TEST_CASE("two devices of a site exchange answers and plans through the server",
          "[integration][client_sync]") {
    CedarHouse home;
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA123456", "--comment", "Renewed"}).exit_code == 0);
    REQUIRE(home.first
                .run({"plan", "set", "3.2.1", "--action", "Book training", "--owner", "Manager",
                      "--due", "2026-03-31"})
                .exit_code == 0);
    CHECK(sync(home.first)["pushed"] == 2);
    CHECK(home.first.json({"status"})["pending_changes"] == 0);

    CHECK(sync(home.second)["pulled"] == 2);
    CHECK(answer_of(home.second, "1.1.1")["value"] == "ZA123456");
    CHECK(answer_of(home.second, "1.1.1")["comment"] == "Renewed");
    CHECK(home.second.json({"show", "3.2.1"})["plan"]["action"] == "Book training");
    CHECK(home.second.json({"status"})["pending_changes"] == 0);

    // And back the other way; a second sync has nothing more to do.
    REQUIRE(home.second.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    sync(home.second);
    CHECK(sync(home.first)["pulled"] == 1);
    CHECK(answer_of(home.first, "2.1.1")["value"] == "yes");
    const auto again = sync(home.first);
    CHECK(again["pushed"] == 0);
    CHECK(again["pulled"] == 0);
}

TEST_CASE("an item changed on two devices at once is kept as a conflict with both values",
          "[integration][client_sync]") {
    CedarHouse home;
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA000001"}).exit_code == 0);
    sync(home.first);
    sync(home.second);
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA111111"}).exit_code == 0);
    REQUIRE(home.second.run({"answer", "1.1.1", "ZA222222"}).exit_code == 0);
    CHECK(sync(home.first)["new_conflicts"] == 0);
    const auto second = sync(home.second);
    CHECK(second["new_conflicts"] == 1);
    CHECK(second["open_conflicts"] == 1);
    CHECK(sync(home.first)["open_conflicts"] == 1);

    // Both devices list both values, and show the same one meanwhile.
    for (const auto* device : {&home.first, &home.second}) {
        const auto conflicts = device->json({"conflicts"});
        REQUIRE(conflicts.size() == 1);
        CHECK(conflicts[0]["register"] == "answer/1.1.1");
        std::set<std::string> values;
        for (const auto& sibling : conflicts[0]["values"]) {
            values.insert(sibling["value"]["value"].get<std::string>());
        }
        CHECK(values == std::set<std::string>{"ZA111111", "ZA222222"});
        CHECK(device->json({"status"})["conflicts"] == 1);
    }
    CHECK(answer_of(home.first, "1.1.1")["value"] == answer_of(home.second, "1.1.1")["value"]);

    // A plain answer does not settle it silently.
    const auto plain = home.second.run({"answer", "1.1.1", "ZA333333"});
    CHECK(plain.exit_code == 2);
    CHECK_THAT(plain.err, Catch::Contains("dspt resolve"));

    // Keeping the first device's value settles it everywhere after a sync.
    std::string first_replica;
    const auto listed = home.second.json({"conflicts"});
    for (const auto& sibling : listed[0]["values"]) {
        if (sibling["value"]["value"] == "ZA111111") {
            first_replica = sibling["replica_id"].get<std::string>();
        }
    }
    REQUIRE_FALSE(first_replica.empty());
    const auto resolved =
        home.second.run({"resolve", "1.1.1", "--keep", first_replica.substr(0, 8)});
    INFO(resolved.err);
    REQUIRE(resolved.exit_code == 0);
    CHECK(sync(home.second)["open_conflicts"] == 0);
    CHECK(sync(home.first)["open_conflicts"] == 0);
    for (const auto* device : {&home.first, &home.second}) {
        CHECK(answer_of(*device, "1.1.1")["value"] == "ZA111111");
        CHECK(device->json({"conflicts"}).empty());
    }
    CHECK(home.first.run({"resolve", "1.1.1", "--value", "x"}).exit_code == 2);
}

TEST_CASE("a branch device receives nothing of its sister site, and a partner cannot sync",
          "[integration][client_sync]") {
    ServerProcess server;
    server.register_demo();
    ClientHome leeds;
    ClientHome york;
    enrol(leeds, server, server.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
    enrol(york, server, server.code({"--org", "AB1", "--site", "VA002"}), "Acorn York");
    REQUIRE(leeds.run({"answer", "1.1.1", "ZA999999"}).exit_code == 0);
    CHECK(sync(leeds)["pushed"] == 1);
    CHECK(sync(york)["pulled"] == 0);
    CHECK(answer_of(york, "1.1.1").is_null());

    ClientHome partner;
    enrol(partner, server, server.code({"--partner", "County Care Association"}), "Adviser");
    const auto refused = partner.run({"sync"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("partner"));
}

TEST_CASE("a sync cut at any point loses nothing and applies nothing twice",
          "[integration][client_sync]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome device;  // talks to the server through the proxy
    {
        const auto init = device.run({"init", "--name", "Cedar House"});
        REQUIRE(init.exit_code == 0);
        const auto enrolled =
            device.run({"enrol", "--server", "http://127.0.0.1:" + std::to_string(proxy.port()),
                        "--code", server.code({"--org", "CD2", "--site", "VC001"})});
        INFO(enrolled.err);
        REQUIRE(enrolled.exit_code == 0);
    }
    ClientHome other;  // talks to the server directly
    enrol(other, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");

    // Each round: two edited answers, then a sync cut after some
    // bytes of the request or of the answer; a sync may fail, nothing may be lost.
    const std::vector<std::pair<std::size_t, bool>> cuts{
        {1, true},   {60, true},   {400, true},  {900, true},   {1, false},
        {40, false}, {200, false}, {500, false}, {1200, false}, {3000, false}};
    int failed = 0;
    for (std::size_t round = 0; round < cuts.size(); ++round) {
        REQUIRE(device.run({"answer", "1.1.1", "ZA" + std::to_string(100000 + round)}).exit_code ==
                0);
        REQUIRE(device.run({"answer", "2.1.1", round % 2 == 0 ? "yes" : "no"}).exit_code == 0);
        proxy.cut_after(cuts[round].first, cuts[round].second);
        const auto cut = device.run({"sync", "--attempts", "1"});
        INFO("round " << round << ": " << cut.err);
        CHECK((cut.exit_code == 0 || cut.exit_code == 4));
        failed += cut.exit_code == 4 ? 1 : 0;
    }
    CHECK(failed >= 5);  // most cuts did cut

    proxy.forward();
    CHECK(sync(device)["open_conflicts"] == 0);
    CHECK(device.json({"status"})["pending_changes"] == 0);
    CHECK(device.json({"status"})["conflicts"] == 0);
    sync(other);
    // The last value written to each item, and no conflict from a replay.
    CHECK(answer_of(other, "1.1.1")["value"] == "ZA" + std::to_string(100000 + cuts.size() - 1));
    CHECK(answer_of(other, "2.1.1")["value"] == ((cuts.size() - 1) % 2 == 0 ? "yes" : "no"));
    CHECK(other.json({"status"})["conflicts"] == 0);
}
