// `dspt init --user NAME`, the author name on answers, and `dspt log [ITEM]`,
// an item's history on this device.

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/client_fixture.hpp"

using namespace dspt::test;

namespace {

// dspt on `home` as someone who has not set DSPT_USER.
ProcessResult run_without_dspt_user(const ClientHome& home, std::vector<std::string> args) {
    std::vector<std::string> full{"--home", home.home().string()};
    full.insert(full.end(), args.begin(), args.end());
    ProcessOptions options;
    options.env["DSPT_PASSPHRASE"] = ClientHome::kPassphrase;
    options.env["DSPT_KDF"] = "minimal";
    options.env["USER"] = "login-name";
    options.unset_env = {"DSPT_HOME", "DSPT_USER"};
    return run_process(DSPT_CLIENT_BIN, full, options);
}

}  // namespace

TEST_CASE("init --user records the name shown on answers; DSPT_USER still overrides it",
          "[integration][client]") {
    ClientHome home;
    const auto init = run_without_dspt_user(
        home, {"init", "--year", "2025-26", "--name", "Rosewood", "--user", "  Sam Patel "});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK_THAT(init.out, Catch::Contains("show the name Sam Patel"));
    // The name is sealed in the store like every other author.
    CHECK(slurp(home.store_file()).find("Sam Patel") == std::string::npos);

    REQUIRE(run_without_dspt_user(home, {"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    auto log = nlohmann::json::parse(run_without_dspt_user(home, {"log", "1.1.1", "--json"}).out);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["by"] == "Sam Patel");

    // DSPT_USER, set for one run, names that run's author.
    REQUIRE(home.run({"answer", "1.1.1", "ZA999999"}).exit_code == 0);
    log = home.json({"log", "1.1.1"});
    REQUIRE(log.size() == 2);
    CHECK(log[0]["by"] == "test manager");
    CHECK(log[1]["by"] == "Sam Patel");

    // A store made without --user uses the login name, as before.
    ClientHome other;
    REQUIRE(run_without_dspt_user(other, {"init", "--year", "2025-26"}).exit_code == 0);
    REQUIRE(run_without_dspt_user(other, {"answer", "1.1.1", "ZA1"}).exit_code == 0);
    log = nlohmann::json::parse(run_without_dspt_user(other, {"log", "--json"}).out);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["by"] == "login-name");

    // An empty name is refused, saying what to give.
    ClientHome empty;
    const auto refused = run_without_dspt_user(empty, {"init", "--user", " "});
    CHECK(refused.exit_code != 0);
    CHECK_THAT(refused.err, Catch::Contains("--user"));
    CHECK(!std::filesystem::exists(empty.store_file()));
}

TEST_CASE("dspt user names whoever answers next on a shared computer", "[integration][client]") {
    ClientHome home;
    REQUIRE(run_without_dspt_user(home, {"init", "--year", "2025-26"}).exit_code == 0);
    const auto none = run_without_dspt_user(home, {"user"});
    REQUIRE(none.exit_code == 0);
    CHECK_THAT(none.out, Catch::Contains("login name login-name"));
    CHECK_THAT(none.out, Catch::Contains("dspt user \"Your Name\""));

    REQUIRE(run_without_dspt_user(home, {"answer", "1.1.1", "ZA111111"}).exit_code == 0);
    const auto set = run_without_dspt_user(home, {"user", " Ann Lee "});
    INFO(set.err);
    REQUIRE(set.exit_code == 0);
    CHECK_THAT(set.out, Catch::Contains("from now on show the name Ann Lee"));
    REQUIRE(run_without_dspt_user(home, {"answer", "1.1.1", "ZA222222"}).exit_code == 0);
    const auto log =
        nlohmann::json::parse(run_without_dspt_user(home, {"log", "1.1.1", "--json"}).out);
    REQUIRE(log.size() == 2);
    CHECK(log[0]["by"] == "Ann Lee");
    CHECK(log[1]["by"] == "login-name");  // changes made before keep their name
    CHECK(slurp(home.store_file()).find("Ann Lee") == std::string::npos);  // sealed

    // DSPT_USER, when set, still names the author, and the command says so.
    const auto overridden = home.run({"user"});
    CHECK_THAT(overridden.out, Catch::Contains("show the name Ann Lee"));
    CHECK_THAT(overridden.out, Catch::Contains("DSPT_USER is set to test manager"));

    const auto blank = run_without_dspt_user(home, {"user", "  "});
    CHECK(blank.exit_code == 2);
    CHECK_THAT(blank.err, Catch::Contains("empty"));
    CHECK(nlohmann::json::parse(run_without_dspt_user(home, {"user", "--json"}).out)["recorded"] ==
          "Ann Lee");
}

TEST_CASE("log lists an item's values on this device, newest first, and the latest across items",
          "[integration][client]") {
    ClientHome home;
    home.init();
    auto empty = home.run({"log", "1.1.1"});
    REQUIRE(empty.exit_code == 0);
    CHECK_THAT(empty.out, Catch::Contains("no answer"));

    REQUIRE(home.run({"answer", "1.1.1", "ZA111111"}).exit_code == 0);
    REQUIRE(home.run({"answer", "1.1.1", "ZA222222", "--comment", "renewed"}).exit_code == 0);
    REQUIRE(home.run({"plan", "set", "1.1.1", "--action", "Check the register", "--owner", "RM",
                      "--due", "2027-03-31"})
                .exit_code == 0);
    REQUIRE(home.run({"answer", "1.1.2", "--location", "Office cabinet"}).exit_code == 0);

    const auto text = home.run({"log", "1.1.1"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("History of item 1.1.1"));
    CHECK_THAT(text.out, Catch::Contains("by test manager on this device"));
    CHECK_THAT(text.out, Catch::Contains("\"ZA222222\", comment \"renewed\""));
    CHECK_THAT(text.out, Catch::Contains("31 March 2027"));  // the plan's date, UK style
    CHECK(text.out.find("1.1.2") == std::string::npos);
    // Newest first.
    CHECK(text.out.find("Check the register") < text.out.find("ZA222222"));
    CHECK(text.out.find("ZA222222") < text.out.find("ZA111111"));

    const auto item = home.json({"log", "1.1.1"});
    REQUIRE(item.size() == 3);
    CHECK(item[0]["change"] == "plan");
    CHECK(item[2]["value"] == "\"ZA111111\"");
    CHECK(item[2]["device"] == "this device");

    const auto latest = home.json({"log", "--limit", "2"});
    REQUIRE(latest.size() == 2);
    CHECK(latest[0]["item"] == "1.1.2");
    CHECK_THAT(latest[0]["value"].get<std::string>(), Catch::Contains("Office cabinet"));

    const auto unknown = home.run({"log", "99.9.9"});
    CHECK(unknown.exit_code != 0);
    CHECK_THAT(unknown.err, Catch::Contains("99.9.9"));
}
