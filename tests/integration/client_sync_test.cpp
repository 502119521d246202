// `dspt sync` between real devices and the real server: answers and plans
// travel, concurrent edits are kept as conflicts, a sister site's work stays
// out of reach, and a lost connection loses nothing. [sync_merge]: an edit
// replaces exactly the values its device had seen, after a lost pull, during
// a slow one, and when resolving a conflict that grew meanwhile.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "client/sync/transport.hpp"
#include "tests/integration/answering.hpp"
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

// The counters of the server's /metrics whose lines start with `prefix` (a
// metric's name up to its first label's opening quote), by that label's value.
std::map<std::string, std::uint64_t> metric_counts(const ServerProcess& server,
                                                   std::string_view prefix) {
    const auto transport = client::make_http_transport(client::ServerUrl::parse(server.url()), {});
    const auto metrics = transport->send({"GET", "/metrics", {}, {}, {}});
    REQUIRE(metrics.status == 200);
    std::map<std::string, std::uint64_t> counts;
    std::istringstream lines(metrics.body);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(prefix)) {
            const auto label =
                line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size());
            counts[label] += std::stoull(line.substr(line.rfind(' ') + 1));
        }
    }
    return counts;
}

// The requests the server has answered under /v1/, by route, from its metrics.
std::map<std::string, std::uint64_t> api_requests(const ServerProcess& server) {
    auto counts = metric_counts(server, "dspt_http_requests_total{route=\"");
    std::erase_if(counts,
                  [](const auto& entry) { return entry.first.find(" /v1/") == std::string::npos; });
    return counts;
}

// How much each of the server's `counts` grew while `home` ran `args`.
template <class Counts>
std::map<std::string, std::uint64_t> growth(Counts counts, const ServerProcess& server,
                                            const ClientHome& home,
                                            const std::vector<std::string>& args) {
    const auto before = counts(server);
    const auto result = home.run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto after = counts(server);
    for (const auto& [name, count] : before) {
        after[name] -= count;
    }
    return after;
}

// The requests `home` made to the server running `args`: route and how many.
std::map<std::string, std::uint64_t> requests_of(const ServerProcess& server,
                                                 const ClientHome& home,
                                                 const std::vector<std::string>& args) {
    auto made = growth(api_requests, server, home, args);
    std::erase_if(made, [](const auto& entry) { return entry.second == 0; });
    return made;
}

using Requests = std::map<std::string, std::uint64_t>;
const Requests kOneExchange{{"POST /v1/sync", 1}};

// The requests the server authenticated, by "signature" and "session", from its
// metrics.
std::map<std::string, std::uint64_t> authentications(const ServerProcess& server) {
    auto counts = metric_counts(server, "dspt_http_authenticated_total{by=\"");
    counts.try_emplace("signature", 0);
    counts.try_emplace("session", 0);
    return counts;
}

// How `home` running `args` was authenticated: requests by signature and in a
// session.
std::map<std::string, std::uint64_t> authentication_of(const ServerProcess& server,
                                                       const ClientHome& home,
                                                       const std::vector<std::string>& args) {
    return growth(authentications, server, home, args);
}

using Authentications = std::map<std::string, std::uint64_t>;
const Authentications kOneInSession{{"signature", 0}, {"session", 1}};

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

TEST_CASE("dspt log shows the value that arrived from another device above this device's own",
          "[integration][client_sync]") {
    CedarHouse home;
    REQUIRE(home.second.run({"answer", "1.1.1", "ZA111111"}).exit_code == 0);
    sync(home.second);
    sync(home.first);
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA222222", "--comment", "Renewed"}).exit_code == 0);
    sync(home.first);
    sync(home.second);

    const auto log = home.second.json({"log", "1.1.1"});
    REQUIRE(log.size() == 2);
    CHECK(log[0]["device"] == "another device");
    CHECK(log[0]["value"] == "\"ZA222222\", comment \"Renewed\"");
    CHECK(log[0]["by"] == "test manager");
    CHECK(log[1]["device"] == "this device");
    CHECK(log[1]["value"] == "\"ZA111111\"");
    const auto text = home.second.run({"log"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("on another device: \"ZA222222\""));
    CHECK_THAT(text.out, Catch::Contains("only the value an item holds now is kept"));
    // On the device that made it, the same change is its own.
    CHECK(home.first.json({"log", "1.1.1"})[0]["device"] == "this device");
}

TEST_CASE("a sync lists what arrived from other devices: item, who and when",
          "[integration][client_sync]") {
    CedarHouse home;
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(home.first.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    const auto sent = home.first.run({"sync"});
    REQUIRE(sent.exit_code == 0);
    CHECK(sent.out.find("From other devices") == std::string::npos);  // its own come back unlisted

    const auto received = home.second.run({"sync"});
    INFO(received.out);
    REQUIRE(received.exit_code == 0);
    CHECK(received.out.find("From other devices:") != std::string::npos);
    CHECK(received.out.find("  1.1.1 ") != std::string::npos);
    CHECK(received.out.find("  2.1.1 ") != std::string::npos);
    CHECK(received.out.find(", by test manager, ") != std::string::npos);

    REQUIRE(home.second.run({"answer", "1.1.1", "ZA654321"}).exit_code == 0);
    sync(home.second);
    const auto back = sync(home.first);
    REQUIRE(back["arrived"].size() == 1);
    CHECK(back["arrived"][0]["item"] == "1.1.1");
    CHECK(back["arrived"][0]["register"] == "answer/1.1.1");
    CHECK(back["arrived"][0]["author"] == "test manager");
    CHECK(back["arrived"][0]["replica_id"].get<std::string>().size() > 8);
    CHECK(back["arrived"][0]["at"].is_string());
    CHECK_FALSE(back["arrived"][0]["title"].get<std::string>().empty());
    CHECK(sync(home.first)["arrived"].empty());
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

TEST_CASE("a conflict names each value's device and marks this one; items and show flag it",
          "[integration][client_sync]") {
    ServerProcess server;
    server.register_demo();
    ClientHome reception;
    ClientHome office;
    enrol(reception, server, server.code({"--org", "CD2", "--site", "VC001"}),
          "Cedar House reception");
    enrol(office, server, reception.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
          "Cedar House office");
    REQUIRE(reception.run({"answer", "1.1.1", "ZA111111"}).exit_code == 0);
    REQUIRE(office.run({"answer", "1.1.1", "ZA222222"}).exit_code == 0);
    sync(reception);
    REQUIRE(sync(office)["open_conflicts"] == 1);
    REQUIRE(sync(reception)["open_conflicts"] == 1);

    // Each device lists both values: its own as "this device", the other by the
    // name it was enrolled with, each with a time.
    for (const auto& [home, own, theirs, other_name] :
         {std::tuple{&reception, "ZA111111", "ZA222222", "Cedar House office"},
          std::tuple{&office, "ZA222222", "ZA111111", "Cedar House reception"}}) {
        const auto listed = home->json({"conflicts"});
        REQUIRE(listed.size() == 1);
        std::map<std::string, std::pair<std::string, bool>> devices;
        for (const auto& value : listed[0]["values"]) {
            devices[value["value"]["value"].get<std::string>()] = {
                value["device"].get<std::string>(), value["this_device"].get<bool>()};
            CHECK(value["at"].is_string());
        }
        CHECK(devices[own] == std::pair<std::string, bool>{"this device", true});
        CHECK(devices[theirs] == std::pair<std::string, bool>{other_name, false});

        const auto text = home->run({"conflicts"});
        INFO(text.out);
        CHECK_THAT(text.out, Catch::Contains("1.1.1 "));
        CHECK_THAT(text.out, Catch::Contains("on this device"));
        CHECK_THAT(text.out, Catch::Contains(std::string("on ") + other_name));
        CHECK(text.out.find("replica") == std::string::npos);

        // `dspt items` and `dspt show` say the item is in conflict.
        for (const auto& item : home->json({"items", "--standard", "1"})) {
            CHECK(item["conflict"].get<bool>() == (item["id"] == "1.1.1"));
        }
        CHECK_THAT(home->run({"items", "--standard", "1"}).out, Catch::Contains("in conflict"));
        const auto shown = home->json({"show", "1.1.1"});
        REQUIRE(shown["conflict"].is_object());
        CHECK(shown["conflict"]["values"].size() == 2);
        const auto show_text = home->run({"show", "1.1.1"}).out;
        CHECK_THAT(show_text, Catch::Contains("Conflict: changed on two devices at once"));
        CHECK_THAT(show_text, Catch::Contains(std::string("on ") + other_name));
        CHECK(home->json({"show", "1.1.2"})["conflict"].is_null());
    }

    // Resolved, nothing is flagged any more.
    REQUIRE(reception.run({"resolve", "1.1.1", "--value", "ZA333333"}).exit_code == 0);
    sync(reception);
    sync(office);
    for (const auto* home : {&reception, &office}) {
        CHECK(home->json({"show", "1.1.1"})["conflict"].is_null());
        CHECK(home->run({"items"}).out.find("in conflict") == std::string::npos);
    }
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

namespace {

// Acorn Homecare with headquarters and two devices of its Leeds branch, all
// enrolled and synced once, so headquarters knows its sites.
struct AcornLeeds {
    ServerProcess server;
    ClientHome hq;
    ClientHome leeds;
    ClientHome leeds2;

    AcornLeeds() {
        server.register_demo();
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(leeds, server, hq.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
              "Acorn Leeds");
        enrol(leeds2, server, leeds.json({"invite", "--site", "VA001"})["code"].get<std::string>(),
              "Acorn Leeds");
        sync(hq);
    }

    // Each device with the arguments that show Leeds' assessment on it.
    std::vector<std::pair<const ClientHome*, std::vector<std::string>>> views() const {
        return {{&leeds, {}}, {&leeds2, {}}, {&hq, {"--site", "VA001"}}};
    }
};

nlohmann::json json_of(const ClientHome& home, std::vector<std::string> args,
                       const std::vector<std::string>& extra) {
    args.insert(args.end(), extra.begin(), extra.end());
    return home.json(args);
}

}  // namespace

TEST_CASE(
    "two branch devices and headquarters edit the same items offline and converge in "
    "every order, the overlaps kept as conflicts until resolved",
    "[integration][client_sync]") {
    std::vector<int> order{0, 1, 2};
    int orders = 0;
    do {
        INFO("sync order " << order[0] << order[1] << order[2]);
        AcornLeeds acorn;
        const auto views = acorn.views();
        const auto write = [&](int who, std::vector<std::string> args) {
            args.insert(args.end(), views[who].second.begin(), views[who].second.end());
            const auto result = views[who].first->run(args);
            INFO(result.err);
            REQUIRE(result.exit_code == 0);
        };
        write(0, {"answer", "1.1.1", "ZA000001"});
        write(0, {"answer", "2.1.1", "yes"});
        write(1, {"answer", "1.1.1", "ZA000002"});
        write(1, {"plan", "set", "3.2.1", "--action", "Book training", "--owner", "Manager",
                  "--due", "2026-03-31"});
        write(2, {"answer", "1.1.1", "ZA000003"});
        write(2, {"answer", "2.1.1", "no"});
        write(2, {"answer", "1.1.6", "yes"});
        for (int round = 0; round < 2; ++round) {
            for (const int who : order) {
                const auto synced = views[who].first->run({"sync"});
                INFO(synced.err);
                REQUIRE(synced.exit_code == 0);
            }
        }

        const auto status_of = [&](int who) {
            auto status = json_of(*views[who].first, {"status"}, views[who].second);
            status.erase("last_sync");
            status.erase("site");
            return status;
        };
        const auto first_status = status_of(0);
        CHECK(first_status["conflicts"] == 2);
        CHECK(first_status["pending_changes"] == 0);
        for (int who = 0; who < 3; ++who) {
            INFO("device " << who);
            CHECK(status_of(who) == first_status);
            for (const auto* item : {"1.1.1", "2.1.1", "1.1.6"}) {
                CHECK(json_of(*views[who].first, {"show", item}, views[who].second)["answer"] ==
                      json_of(*views[0].first, {"show", item}, views[0].second)["answer"]);
            }
            CHECK(json_of(*views[who].first, {"show", "3.2.1"},
                          views[who].second)["plan"]["action"] == "Book training");
            const auto conflicts = json_of(*views[who].first, {"conflicts"}, views[who].second);
            REQUIRE(conflicts.size() == 2);
            CHECK(conflicts[0]["register"] == "answer/1.1.1");
            CHECK(conflicts[0]["values"].size() == 3);  // every concurrent value, none dropped
            CHECK(conflicts[1]["register"] == "answer/2.1.1");
            CHECK(conflicts[1]["values"].size() == 2);
        }

        // Headquarters settles one, a branch device the other.
        write(2, {"resolve", "1.1.1", "--value", "ZA999999"});
        write(1, {"resolve", "2.1.1", "--value", "yes"});
        for (int round = 0; round < 2; ++round) {
            for (const int who : order) {
                REQUIRE(views[who].first->run({"sync"}).exit_code == 0);
            }
        }
        for (int who = 0; who < 3; ++who) {
            INFO("device " << who);
            CHECK(json_of(*views[who].first, {"conflicts"}, views[who].second).empty());
            CHECK(json_of(*views[who].first, {"show", "1.1.1"},
                          views[who].second)["answer"]["value"] == "ZA999999");
            CHECK(json_of(*views[who].first, {"show", "2.1.1"},
                          views[who].second)["answer"]["value"] == "yes");
            CHECK(status_of(who)["conflicts"] == 0);
        }
        ++orders;
    } while (std::next_permutation(order.begin(), order.end()));
    CHECK(orders == 6);
}

TEST_CASE("organisation-wide answers from headquarters reach every branch that has not answered",
          "[integration][client_sync]") {
    AcornLeeds acorn;
    ClientHome york;
    enrol(york, acorn.server,
          acorn.hq.json({"invite", "--site", "VA002"})["code"].get<std::string>(), "Acorn York");
    REQUIRE(acorn.hq.run({"answer", "1.1.6", "yes"}).exit_code == 0);  // organisation-wide
    REQUIRE(acorn.hq.run({"answer", "1.1.1", "ZA111111"}).exit_code == 0);
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA222222"}).exit_code == 0);
    sync(acorn.hq);
    sync(acorn.leeds);
    sync(york);

    const auto inherited = york.json({"show", "1.1.6"})["answer"];
    CHECK(inherited["value"] == "yes");
    CHECK(inherited["organisation_wide"] == true);
    CHECK(york.json({"show", "1.1.1"})["answer"]["value"] == "ZA111111");
    // A branch's own answer wins over the organisation's.
    CHECK(acorn.leeds.json({"show", "1.1.1"})["answer"]["value"] == "ZA222222");
    CHECK(acorn.leeds.json({"show", "1.1.1"})["answer"]["organisation_wide"] == false);
    CHECK(acorn.leeds.json({"show", "1.1.6"})["answer"]["value"] == "yes");
    // Headquarters sees the same from the branch's side.
    sync(acorn.hq);
    CHECK(acorn.hq.json({"show", "1.1.1", "--site", "VA001"})["answer"]["value"] == "ZA222222");
    CHECK(acorn.hq.json({"show", "1.1.6", "--site", "VA002"})["answer"]["value"] == "yes");
    CHECK(acorn.hq.json({"show", "1.1.1"})["answer"]["value"] == "ZA111111");
    // Branches read the organisation-wide answers but do not write them.
    CHECK(york.run({"answer", "1.1.6", "no", "--site", "VA001"}).exit_code == 2);
    CHECK(acorn.hq.run({"show", "1.1.1", "--site", "VX999"}).exit_code != 0);
}

TEST_CASE("headquarters hears of the same item changed at two sites as two arrivals, each named",
          "[integration][client_sync]") {
    AcornLeeds acorn;
    ClientHome york;
    enrol(york, acorn.server,
          acorn.hq.json({"invite", "--site", "VA002"})["code"].get<std::string>(), "Acorn York");
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA222222"}).exit_code == 0);
    REQUIRE(york.run({"answer", "1.1.1", "ZA333333"}).exit_code == 0);
    sync(acorn.leeds);
    sync(york);

    const auto arrived = sync(acorn.hq)["arrived"];
    INFO(arrived.dump());
    REQUIRE(arrived.size() == 2);
    std::set<std::string> sites;
    for (const auto& change : arrived) {
        CHECK(change["item"] == "1.1.1");
        sites.insert(change["site"].get<std::string>());
    }
    CHECK(sites == std::set<std::string>{"VA001", "VA002"});

    // On a branch, its own site's changes need no site named.
    REQUIRE(acorn.leeds2.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    sync(acorn.leeds2);
    const auto text = acorn.leeds.run({"sync"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("  2.1.1 "));
    CHECK(text.out.find("site VA001") == std::string::npos);
}

TEST_CASE("a push whose answer is lost is tried again by the same sync and applied once",
          "[integration][client_sync]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome device;
    enrol(device, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    ClientHome other;
    enrol(other, server, device.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
          "Cedar House");
    REQUIRE(device.run({"answer", "1.1.1", "ZA314159"}).exit_code == 0);
    REQUIRE(device.run({"answer", "2.1.1", "yes"}).exit_code == 0);

    // The server handles the push; its answer is cut after the first byte.
    proxy.cut_after(1, false, 1);
    const auto synced = device.run({"sync", "--json", "--retry-delay", "10", "--server",
                                    "http://127.0.0.1:" + std::to_string(proxy.port())});
    INFO(synced.err);
    REQUIRE(synced.exit_code == 0);
    CHECK_THAT(synced.err, Catch::Contains("trying again"));
    CHECK(proxy.cuts() == 1);
    const auto report = nlohmann::json::parse(synced.out);
    CHECK(report["pushed"] == 2);
    CHECK(report["new_conflicts"] == 0);

    const auto received = sync(other);
    CHECK(received["pulled"] == 2);
    CHECK(received["open_conflicts"] == 0);
    CHECK(answer_of(other, "1.1.1")["value"] == "ZA314159");
    // Nothing doubled: a second sync on either side has nothing to move.
    CHECK(sync(device)["pulled"] == 0);
    CHECK(sync(other)["pulled"] == 0);
}

namespace {

// The values of an item every device lists: its conflict's siblings, or the
// one value shown when settled.
std::multiset<std::string> values_on(const ClientHome& home, const std::vector<std::string>& view,
                                     const std::string& item) {
    std::multiset<std::string> values;
    for (const auto& conflict : json_of(home, {"conflicts"}, view)) {
        if (conflict["register"] == "answer/" + item) {
            for (const auto& sibling : conflict["values"]) {
                values.insert(sibling["value"]["value"].get<std::string>());
            }
            return values;
        }
    }
    values.insert(json_of(home, {"show", item}, view)["answer"]["value"].get<std::string>());
    return values;
}

void ok(const ClientHome& home, const std::vector<std::string>& args) {
    const auto result = home.run(args);
    INFO("dspt " << args.front() << ": " << result.err);
    REQUIRE(result.exit_code == 0);
}

// Every device syncs twice, then each lists `expected` for 1.1.1.
void check_everywhere(const AcornLeeds& acorn, const std::multiset<std::string>& expected) {
    for (int round = 0; round < 2; ++round) {
        for (const auto& [device, view] : acorn.views()) {
            ok(*device, {"sync"});
        }
    }
    int who = 0;
    for (const auto& [device, view] : acorn.views()) {
        INFO("device " << who++);
        CHECK(values_on(*device, view, "1.1.1") == expected);
    }
}

}  // namespace

TEST_CASE("an edit after a lost pull keeps the value of the other device it never received",
          "[integration][sync_merge]") {
    AcornLeeds acorn;
    ok(acorn.leeds, {"answer", "1.1.1", "from-b1-first"});
    ok(acorn.leeds2, {"answer", "1.1.1", "from-b2"});
    ok(acorn.leeds2, {"sync"});

    // The push is applied as a conflict; the answer, which carries the pull's
    // page with from-b2, never arrives.
    FaultProxy proxy(acorn.server.port());
    proxy.cut_after(1, false, 1);  // the sync's exchange
    const auto cut =
        acorn.leeds.run({"sync", "--server", "http://127.0.0.1:" + std::to_string(proxy.port()),
                         "--attempts", "1"});
    INFO(cut.err);
    REQUIRE(cut.exit_code == 4);
    REQUIRE(proxy.cuts() == 1);

    // Leeds never learnt of the conflict, so the edit is taken; it replaces
    // only Leeds' own first value, and from-b2 stays beside it.
    ok(acorn.leeds, {"answer", "1.1.1", "from-b1-second"});
    check_everywhere(acorn, {"from-b1-second", "from-b2"});
}

TEST_CASE("an edit saved while a sync pulls keeps the other device's value beside it",
          "[integration][sync_merge]") {
    AcornLeeds acorn;
    ok(acorn.leeds, {"answer", "1.1.1", "from-b1-first"});
    ok(acorn.leeds2, {"answer", "1.1.1", "from-b2"});
    ok(acorn.leeds2, {"sync"});

    // A slow line: every segment waits 2 s. The sync's first connection is
    // its exchange: its push and its pull.
    FaultProxy proxy(acorn.server.port());
    proxy.delay(2000);
    auto syncing =
        acorn.leeds.start({"sync", "--server", "http://127.0.0.1:" + std::to_string(proxy.port()),
                           "--attempts", "1"});
    bool pulling = false;
    for (int i = 0; i < 400 && !pulling; ++i) {  // at most 20 s
        pulling = proxy.connections() >= 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(pulling);
    // The push will be answered "conflict" with the page: a save now.
    ok(acorn.leeds, {"answer", "1.1.1", "from-b1-during-sync"});
    REQUIRE(syncing->wait(std::chrono::seconds(60)) == 0);

    // The pull did not pass over the register with a change waiting: Leeds
    // shows the conflict with from-b2 at once.
    CHECK(values_on(acorn.leeds, {}, "1.1.1") ==
          std::multiset<std::string>{"from-b1-during-sync", "from-b2"});
    check_everywhere(acorn, {"from-b1-during-sync", "from-b2"});
}

TEST_CASE("a value a resolution replaced never comes back; one it never saw stays",
          "[integration][sync_merge]") {
    AcornLeeds acorn;
    ok(acorn.leeds, {"answer", "1.1.1", "a"});
    ok(acorn.leeds2, {"answer", "1.1.1", "b"});
    ok(acorn.hq, {"answer", "1.1.1", "h", "--site", "VA001"});  // offline for now
    ok(acorn.leeds, {"sync"});
    ok(acorn.leeds2, {"sync"});
    ok(acorn.leeds, {"sync"});
    REQUIRE(values_on(acorn.leeds, {}, "1.1.1") == std::multiset<std::string>{"a", "b"});
    ok(acorn.hq, {"sync"});
    REQUIRE(values_on(acorn.hq, {"--site", "VA001"}, "1.1.1") ==
            std::multiset<std::string>{"a", "b", "h"});

    // Leeds resolves the conflict it saw, {a, b}; h arrived after.
    ok(acorn.leeds, {"resolve", "1.1.1", "--value", "r"});
    check_everywhere(acorn, {"h", "r"});
}

TEST_CASE("an ordinary sync is one request, and publications learned once are kept",
          "[integration][client_sync]") {
    CedarHouse home;
    answer_all(home.first, "met");
    REQUIRE(home.first.json({"publish", "--level", "met"})["published"] == true);
    sync(home.first);
    sync(home.second);

    // One changed answer each way: one request per device.
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA654321"}).exit_code == 0);
    CHECK(requests_of(home.server, home.first, {"sync"}) == kOneExchange);
    CHECK(requests_of(home.server, home.second, {"sync"}) == kOneExchange);
    CHECK(answer_of(home.second, "1.1.1")["value"] == "ZA654321");
    // Nothing changed: still one request.
    CHECK(requests_of(home.server, home.second, {"sync"}) == kOneExchange);

    // The publication, sent once, is still known after syncs that did not resend it.
    const auto status = home.second.json({"status"});
    CHECK(status["publications_learned"] == true);
    CHECK(status["publishing"]["approaching"]["ready"] == false);
    CHECK(home.second.json({"publications"}).size() == 1);
}

TEST_CASE("a sync sends its one request in the session an earlier run kept, also after a restart",
          "[integration][client_sync]") {
    CedarHouse home;
    // The second device's first run opens a session in its one signed request.
    CHECK(authentication_of(home.server, home.second, {"sync"}) ==
          Authentications{{"signature", 1}, {"session", 0}});
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA654321"}).exit_code == 0);
    CHECK(requests_of(home.server, home.first, {"sync"}) == kOneExchange);
    // Later runs, each its own process: one request, MACed, none signed.
    CHECK(authentication_of(home.server, home.second, {"sync"}) == kOneInSession);
    CHECK(answer_of(home.second, "1.1.1")["value"] == "ZA654321");
    CHECK(authentication_of(home.server, home.second, {"sync"}) == kOneInSession);
    CHECK(authentication_of(home.server, home.second, {"whoami"}) == kOneInSession);

    // A restarted server holds no session: the sync is refused as one to open
    // again, sent again signed (opening another) and goes through.
    home.server.stop();
    home.server.restart();
    REQUIRE(home.first.run({"answer", "1.1.1", "ZA000002"}).exit_code == 0);
    REQUIRE(sync(home.first)["pushed"] == 1);
    const auto restarted = authentication_of(home.server, home.second, {"sync"});
    CHECK(restarted.at("signature") == 1);
    CHECK(answer_of(home.second, "1.1.1")["value"] == "ZA000002");
    CHECK(authentication_of(home.server, home.second, {"sync"}) == kOneInSession);
}

TEST_CASE("a device's first sync of answers and a file is two exchanges and a chunk, one signed",
          "[integration][client_sync]") {
    // What tests/bench/deadline_bench.cpp makes for each site: a new device of a
    // single site whose first sync sends its answers and a 100 KB evidence file.
    ServerProcess server;
    server.register_demo();
    ClientHome home;
    enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    const auto answered = answer_all(home, "approaching") + answer_all(home, "met");
    REQUIRE(answered >= 40);
    const auto file = home.make_file("policy.pdf", 100'000, "policy");
    REQUIRE(home.run({"evidence", "add", "1.1.3", file.string()}).exit_code == 0);

    const auto requests_before = api_requests(server);
    const auto authenticated_before = authentications(server);
    const auto report = sync(home);
    CHECK(report["pushed"] == answered + 1);
    auto requests = api_requests(server);
    for (const auto& [route, count] : requests_before) {
        requests[route] -= count;
    }
    std::erase_if(requests, [](const auto& entry) { return entry.second == 0; });
    auto authenticated = authentications(server);
    for (const auto& [by, count] : authenticated_before) {
        authenticated[by] -= count;
    }
    CHECK(requests == Requests{{"POST /v1/sync", 2}, {"PUT /v1/blobs/<evidence>/<index>", 1}});
    CHECK(authenticated == Authentications{{"signature", 1}, {"session", 2}});
}

TEST_CASE("a headquarters sync learns its sites, and a new one when it is added",
          "[integration][client_sync]") {
    ServerProcess server;
    server.register_demo();
    ClientHome hq;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    CHECK(hq.run({"answer", "1.1.1", "ZA1", "--site", "VA002"}).exit_code != 0);  // not known yet
    CHECK(requests_of(server, hq, {"sync"}) == kOneExchange);
    REQUIRE(hq.run({"answer", "1.1.1", "ZA1", "--site", "VA002"}).exit_code == 0);
    CHECK(requests_of(server, hq, {"sync"}) == kOneExchange);

    const auto added = server.admin({"add-site", "--org", "AB1", "--ods", "VA003", "--cqc",
                                     "1-100000003", "--name", "Acorn Hull"});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    CHECK(hq.run({"answer", "1.1.1", "ZA3", "--site", "VA003"}).exit_code != 0);
    CHECK(requests_of(server, hq, {"sync"}) == kOneExchange);
    REQUIRE(hq.run({"answer", "1.1.1", "ZA3", "--site", "VA003"}).exit_code == 0);
    // The sites it already knew are still known.
    CHECK(hq.json({"show", "1.1.1", "--site", "VA002"})["answer"]["value"] == "ZA1");
}
