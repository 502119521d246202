// A change the server refuses for good is set aside, never a wall: the rest of
// the outbox still reaches the other devices, the sync says which item and
// why, `dspt status` and `dspt outbox` show it, a new answer replaces it and
// `dspt outbox drop` discards it at the user's word. And the limits the server
// puts on a change are checked where the change is made.

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// The value limit the test server is set to, below the protocol's 65,536.
constexpr const char* kServerLimit = "4096";

// Acorn Homecare (AB1): headquarters, holding the organisation key, invites a
// Leeds (VA001) device, which invites a second Leeds device.
struct LeedsPair {
    ServerProcess server{{"--max-value-bytes", kServerLimit}};
    ClientHome hq;
    ClientHome leeds;
    ClientHome leeds2;

    LeedsPair() {
        server.register_demo();
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(leeds, server, invite(hq), "Acorn Leeds");
        enrol(leeds2, server, invite(leeds), "Acorn Leeds");
    }

    static std::string invite(const ClientHome& from) {
        return from.json({"invite", "--site", "VA001"})["code"].get<std::string>();
    }
};

ProcessResult must_run(const ClientHome& home, const std::vector<std::string>& args) {
    auto result = home.run(args);
    INFO("dspt " << args.front() << ": " << result.err);
    REQUIRE(result.exit_code == 0);
    return result;
}

}  // namespace

TEST_CASE("the limits of a change are checked where it is made, naming the limit and the size",
          "[integration][set_aside]") {
    ClientHome home;
    home.init();
    const std::string comment(122'880, 'c');

    const auto answered = home.run({"answer", "1.1.1", "ZA123456", "--comment", comment});
    CHECK(answered.exit_code == 2);
    CHECK_THAT(answered.err,
               Catch::Contains("the comment is 122,880 bytes; the limit is 65,536 bytes"));
    CHECK(home.json({"show", "1.1.1"})["answer"].is_null());
    CHECK(home.json({"status"})["pending_changes"] == 0);

    const auto planned = home.run({"plan", "set", "1.1.1", "--action", comment, "--owner",
                                   "Registered manager", "--due", "2026-03-31"});
    CHECK(planned.exit_code == 2);
    CHECK_THAT(planned.err,
               Catch::Contains("the action is 122,880 bytes; the limit is 65,536 bytes"));
    CHECK(home.json({"plan", "list"}).empty());

    // Within the limit, the same commands go through.
    must_run(home, {"answer", "1.1.1", "ZA123456", "--comment", std::string(60'000, 'c')});
    CHECK(home.json({"status"})["pending_changes"] == 1);
}

TEST_CASE("a change the server refuses is set aside while the rest reach the other device",
          "[integration][set_aside]") {
    LeedsPair acorn;
    // Over the server's 4096 bytes, within the protocol's 65,536: taken here.
    const std::string long_comment(6'000, 'L');
    must_run(acorn.leeds, {"answer", "1.1.1", "ZA111111", "--comment", long_comment});
    must_run(acorn.leeds, {"plan", "set", "1.1.6", "--action", std::string(5'000, 'A'), "--owner",
                           "Registered manager", "--due", "2026-03-31"});
    must_run(acorn.leeds, {"answer", "2.1.1", "yes"});
    const auto file = acorn.leeds.make_file("fire-policy.pdf", 300'000, "FIRE");
    must_run(acorn.leeds, {"evidence", "add", "1.1.2", file.string()});

    // The sync sends what it can, then ends with exit 2 naming each refused
    // item and the server's reason.
    const auto synced = acorn.leeds.run({"sync"});
    INFO(synced.err);
    CHECK(synced.exit_code == 2);
    CHECK_THAT(synced.err, Catch::Contains("2 changes were refused by the server and set aside"));
    CHECK_THAT(synced.err, Catch::Contains("1.1.1 (answer): "));
    CHECK_THAT(synced.err, Catch::Contains("1.1.6 (plan): "));
    CHECK_THAT(synced.err, Catch::Contains("the limit is 4096 bytes"));
    CHECK_THAT(synced.out, Catch::Contains("Uploaded 1 evidence file"));

    // The next answer and the evidence file reach the second device.
    must_run(acorn.leeds2, {"sync"});
    CHECK(acorn.leeds2.json({"show", "2.1.1"})["answer"]["value"] == "yes");
    CHECK(acorn.leeds2.json({"show", "1.1.1"})["answer"].is_null());
    const auto files = acorn.leeds2.json({"evidence", "list"});
    REQUIRE(files.size() == 1);
    const auto fetched = acorn.leeds2.home() / "fetched.pdf";
    must_run(acorn.leeds2,
             {"evidence", "get", files[0]["id"].get<std::string>(), fetched.string()});
    CHECK(same_content(fetched, file));

    // Status and outbox show what is set aside, and why; nothing waits.
    const auto status = acorn.leeds.json({"status"});
    CHECK(status["pending_changes"] == 0);
    REQUIRE(status["set_aside"].size() == 2);
    CHECK(status["set_aside"][0]["item"] == "1.1.1");
    CHECK_THAT(status["set_aside"][0]["reason"].get<std::string>(),
               Catch::Contains("the limit is 4096 bytes"));
    CHECK(status["set_aside"][1]["item"] == "1.1.6");
    CHECK_THAT(acorn.leeds.run({"status"}).out, Catch::Contains("Changes set aside:       2"));
    const auto outbox = acorn.leeds.json({"outbox"});
    CHECK(outbox["waiting"] == 0);
    CHECK(outbox["set_aside"].size() == 2);
    // The refused answer stays shown here, where it can be shortened.
    CHECK(acorn.leeds.json({"show", "1.1.1"})["answer"]["comment"] == long_comment);

    // A sync while they are set aside still says so, and sends later changes.
    must_run(acorn.leeds, {"answer", "2.1.1", "no"});
    CHECK(acorn.leeds.run({"sync"}).exit_code == 2);
    must_run(acorn.leeds2, {"sync"});
    CHECK(acorn.leeds2.json({"show", "2.1.1"})["answer"]["value"] == "no");

    // Answering the item again replaces its change set aside.
    must_run(acorn.leeds, {"answer", "1.1.1", "ZA111111", "--comment", "Renewed in May"});
    CHECK(acorn.leeds.json({"status"})["set_aside"].size() == 1);

    // Dropping asks first: without a terminal or --yes nothing goes.
    const auto unasked = acorn.leeds.run({"outbox", "drop", "1.1.6"});
    CHECK(unasked.exit_code == 2);
    CHECK_THAT(unasked.err, Catch::Contains("--yes"));
    CHECK(acorn.leeds.json({"status"})["set_aside"].size() == 1);
    CHECK(acorn.leeds.run({"outbox", "drop", "9.9.9", "--yes"}).exit_code == 2);
    const auto dropped = must_run(acorn.leeds, {"outbox", "drop", "1.1.6", "--yes"});
    CHECK_THAT(dropped.out, Catch::Contains("Discarded plan/1.1.6"));
    CHECK(acorn.leeds.json({"status"})["set_aside"].empty());
    CHECK(acorn.leeds.json({"plan", "list"}).empty());

    // Nothing is left in the way: the next sync ends well.
    const auto clean = acorn.leeds.run({"sync", "--json"});
    INFO(clean.err);
    CHECK(clean.exit_code == 0);
    CHECK(nlohmann::json::parse(clean.out)["set_aside"].empty());
    must_run(acorn.leeds2, {"sync"});
    CHECK(acorn.leeds2.json({"show", "1.1.1"})["answer"]["comment"] == "Renewed in May");
}

TEST_CASE("a resolve over the limit is refused where it is made", "[integration][set_aside]") {
    LeedsPair acorn;
    must_run(acorn.leeds, {"answer", "1.1.1", "ZA111111"});
    must_run(acorn.leeds2, {"answer", "1.1.1", "ZA222222"});
    must_run(acorn.leeds, {"sync"});
    must_run(acorn.leeds2, {"sync"});
    REQUIRE(acorn.leeds2.json({"conflicts"}).size() == 1);

    const auto resolved =
        acorn.leeds2.run({"resolve", "1.1.1", "--value", std::string(70'000, 'v')});
    CHECK(resolved.exit_code == 2);
    CHECK_THAT(resolved.err,
               Catch::Contains("the value is 70,000 bytes; the limit is 65,536 bytes"));
    CHECK(acorn.leeds2.json({"conflicts"}).size() == 1);
    CHECK(acorn.leeds2.json({"status"})["pending_changes"] == 0);
}

TEST_CASE("a revoked device keeps its work and sends it once enrolled again",
          "[integration][set_aside]") {
    LeedsPair acorn;
    must_run(acorn.leeds2, {"answer", "1.1.1", "ZA555555"});
    must_run(acorn.leeds2, {"sync"});
    must_run(acorn.leeds2, {"answer", "2.1.1", "yes"});
    const auto file = acorn.leeds2.make_file("minutes.docx", 200'000, "MINUTES");
    must_run(acorn.leeds2, {"evidence", "add", "1.1.2", file.string()});
    const auto old_device = acorn.leeds2.json({"whoami"})["device_id"].get<std::string>();
    REQUIRE(acorn.server.admin({"revoke-device", old_device}).exit_code == 0);

    // Refused as a device, not as changes: nothing is set aside, and the
    // message says what to do next.
    const auto refused = acorn.leeds2.run({"sync"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("Ask the organisation for a new enrolment code"));
    CHECK_THAT(refused.err, Catch::Contains("dspt enrol --again --code CODE"));
    CHECK_THAT(refused.err, Catch::Contains("still holds the organisation key"));
    const auto status = acorn.leeds2.json({"status"});
    CHECK(status["pending_changes"] == 2);
    CHECK(status["set_aside"].empty());

    // A plain enrol is refused on an enrolled store; --again with a code of
    // another site changes nothing here.
    const auto plain = acorn.leeds2.run({"enrol", "--code", LeedsPair::invite(acorn.hq)});
    CHECK(plain.exit_code == 2);
    CHECK_THAT(plain.err, Catch::Contains("--again"));
    const auto york = acorn.hq.json({"invite", "--site", "VA002"})["code"].get<std::string>();
    const auto wrong = acorn.leeds2.run({"enrol", "--again", "--code", york});
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("nothing changed here"));
    CHECK_THAT(acorn.leeds2.run({"sync"}).err, Catch::Contains("revoked"));  // still the old one
    CHECK(acorn.leeds2.json({"status"})["pending_changes"] == 2);

    const auto again =
        must_run(acorn.leeds2, {"enrol", "--again", "--code", LeedsPair::invite(acorn.hq)});
    CHECK_THAT(again.out, Catch::Contains("2 unsent change(s) are kept"));
    CHECK(acorn.leeds2.json({"whoami"})["device_id"] != old_device);
    CHECK(acorn.leeds2.json({"status"})["pending_changes"] == 2);

    // Its work reaches the site's other device under the new identity.
    must_run(acorn.leeds2, {"sync"});
    CHECK(acorn.leeds2.json({"status"})["pending_changes"] == 0);
    must_run(acorn.leeds, {"sync"});
    CHECK(acorn.leeds.json({"show", "1.1.1"})["answer"]["value"] == "ZA555555");
    CHECK(acorn.leeds.json({"show", "2.1.1"})["answer"]["value"] == "yes");
    const auto files = acorn.leeds.json({"evidence", "list"});
    REQUIRE(files.size() == 1);
    const auto fetched = acorn.leeds.home() / "fetched.docx";
    must_run(acorn.leeds, {"evidence", "get", files[0]["id"].get<std::string>(), fetched.string()});
    CHECK(same_content(fetched, file));
    // And later changes follow.
    must_run(acorn.leeds2, {"answer", "2.1.1", "no"});
    must_run(acorn.leeds2, {"sync"});
    must_run(acorn.leeds, {"sync"});
    CHECK(acorn.leeds.json({"show", "2.1.1"})["answer"]["value"] == "no");
}
