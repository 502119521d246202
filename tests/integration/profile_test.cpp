// The organisation profile against the real server: the roles, NHSmail address
// and type the toolkit's profile asks for, and who may set it. A single-site
// provider enrolled without headquarters sets its own, Cyber Essentials Plus
// included; the branch of an organisation with more sites may not.

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

TEST_CASE("a single-site provider's device sets its profile and publishes at Standards Exceeded",
          "[integration][profile]") {
    ServerProcess server;
    server.register_demo();
    ClientHome home;
    ClientHome second;
    enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");

    const auto set =
        home.run({"profile", "--ce-plus-until", "2099-09-30", "--organisation-type", "care home",
                  "--nhsmail", "Cedar.House@nhs.net", "--caldicott-guardian", "Dr Ruth Okafor",
                  "--siro", "Sam Reid", "--dpo", "Priya Shah", "--security-lead", "Asha Patel"});
    INFO(set.err);
    REQUIRE(set.exit_code == 0);
    CHECK_THAT(set.out, Catch::Contains("Organisation type:"));
    CHECK_THAT(set.out, Catch::Contains("Care home"));
    CHECK_THAT(set.out, Catch::Contains("cedar.house@nhs.net"));
    const auto profile = home.json({"profile"});
    CHECK(profile["cyber_essentials_plus_expires"] == "2099-09-30");
    CHECK(profile["organisation_type"] == "care_home");
    CHECK(profile["caldicott_guardian"] == "Dr Ruth Okafor");
    CHECK(profile["senior_information_risk_owner"] == "Sam Reid");
    CHECK(profile["data_protection_officer"] == "Priya Shah");

    const auto bad = home.run({"profile", "--nhsmail", "cedar@gmail.com"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("ends @nhs.net"));

    // The server takes the profile from this device and publishes with it.
    answer_all(home, "met");
    const auto sync = home.json({"sync"});
    CHECK(sync["refused"].empty());
    const auto published = home.json({"publish", "--level", "exceeded"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["level"] == "exceeded");

    // A second device of the site receives it.
    enrol(second, server, home.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
          "Cedar House");
    second.json({"sync"});
    const auto received = second.json({"profile"});
    CHECK(received["nhsmail"] == "cedar.house@nhs.net");
    CHECK(received["cyber_essentials_plus_expires"] == "2099-09-30");
}

TEST_CASE("the branch of an organisation with more sites cannot set the profile",
          "[integration][profile]") {
    ServerProcess server;
    server.register_demo();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"create-org", "--ods", "EF3", "--name", "Elm Fields Care"},
             {"add-site", "--org", "EF3", "--ods", "VE001", "--cqc", "1-300000001", "--name",
              "Elm Fields North"},
             {"add-site", "--org", "EF3", "--ods", "VE002", "--cqc", "1-300000002", "--name",
              "Elm Fields South"}}) {
        REQUIRE(server.admin(args).exit_code == 0);
    }
    ClientHome north;
    enrol(north, server, server.code({"--org", "EF3", "--site", "VE001"}), "Elm Fields North");
    const auto refused = north.run({"profile", "--ce-plus-until", "2099-09-30"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("the organisation profile is set by headquarters"));
    CHECK_THAT(refused.err, Catch::Contains("EF3 has 2 sites"));
    CHECK(north.json({"profile"})["cyber_essentials_plus_expires"].is_null());
    CHECK(north.json({"outbox"})["waiting"] == 0);

    // A single-site provider's device that set its profile, whose organisation
    // has gained a second site since: the server refuses its next profile change.
    ClientHome cedar;
    enrol(cedar, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    REQUIRE(cedar.run({"profile", "--dpo", "Priya Shah"}).exit_code == 0);
    REQUIRE(cedar.json({"sync"})["refused"].empty());
    REQUIRE(server
                .admin({"add-site", "--org", "CD2", "--ods", "VC002", "--cqc", "1-200000002",
                        "--name", "Cedar Lodge"})
                .exit_code == 0);
    REQUIRE(cedar.run({"profile", "--dpo", "Someone Else"}).exit_code == 0);  // offline, as before
    const auto sync = cedar.run({"sync"});
    CHECK_THAT(sync.out + sync.err, Catch::Contains("CD2 has 2 sites"));
    ClientHome lodge;
    enrol(lodge, server, server.code({"--org", "CD2", "--site", "VC002"}), "Cedar Lodge");
    lodge.json({"sync"});
    CHECK(lodge.json({"profile"})["data_protection_officer"] == "Priya Shah");
}

TEST_CASE("what a single-site provider set in its profile before enrolling reaches the server",
          "[integration][profile]") {
    ServerProcess server;
    server.register_demo();
    ClientHome cedar;
    REQUIRE(cedar.run({"init", "--name", "Cedar House"}).exit_code == 0);
    REQUIRE(cedar.run({"profile", "--ce-plus-until", "2099-09-30"}).exit_code == 0);
    answer_all(cedar, "met");
    const auto code = server.code({"--org", "CD2", "--site", "VC001"});
    const auto enrolled = cedar.run({"enrol", "--server", server.url(), "--code", code});
    INFO(enrolled.err);
    REQUIRE(enrolled.exit_code == 0);
    CHECK(cedar.json({"sync"})["refused"].empty());
    const auto published = cedar.json({"publish", "--level", "exceeded"});
    CHECK(published["publication"]["level"] == "exceeded");
}
