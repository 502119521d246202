// Enrolment over a bad network: a connection refused or cut at any byte loses
// neither the code nor the organisation key.

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

std::string url_of(const FaultProxy& proxy) {
    return "http://127.0.0.1:" + std::to_string(proxy.port());
}

std::size_t device_count(const ServerProcess& server) {
    const auto listed = server.admin({"list-devices", "--json"});
    REQUIRE(listed.exit_code == 0);
    return nlohmann::json::parse(listed.out).size();
}

}  // namespace

TEST_CASE("an enrolment cut at any byte is retried with the same code and enrols once",
          "[integration][server_network]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    const auto code = server.code({"--org", "CD2", "--site", "VC001"});
    ClientHome home;
    REQUIRE(home.run({"init", "--name", "Cedar House"}).exit_code == 0);
    const std::vector<std::string> enrol{"enrol", "--server", url_of(proxy), "--code", code};

    // The request cut on its way: the server never sees a whole request (of
    // about 260 bytes: the headers, then the body from about 90 bytes on).
    for (const std::size_t bytes : {1, 40, 150, 220}) {
        proxy.cut_after(bytes, true);
        const auto cut = home.run(enrol);
        INFO("request cut after " << bytes << " bytes: " << cut.err);
        CHECK(cut.exit_code == 4);
    }
    CHECK(device_count(server) == 0);

    // The answer cut on its way back: the server enrolled the device, the
    // client never heard; the retry with the same code gets the same answer.
    for (const std::size_t bytes : {1, 17, 60, 120, 200}) {
        proxy.cut_after(bytes, false);
        const auto cut = home.run(enrol);
        INFO("answer cut after " << bytes << " bytes: " << cut.err);
        CHECK(cut.exit_code == 4);
        CHECK(home.run({"whoami"}).exit_code == 2);  // not enrolled yet
    }
    CHECK(device_count(server) == 1);

    proxy.forward();
    const auto done = home.run(enrol);
    INFO(done.err);
    REQUIRE(done.exit_code == 0);
    CHECK_THAT(done.out, Catch::Contains("recovery code"));
    CHECK(device_count(server) == 1);
    CHECK(home.json({"whoami"})["site"] == "VC001");

    // The code stays single use for anybody else.
    ClientHome other;
    REQUIRE(other.run({"init"}).exit_code == 0);
    const auto stolen = other.run({"enrol", "--server", server.url(), "--code", code});
    CHECK(stolen.exit_code == 2);
    CHECK_THAT(stolen.err, Catch::Contains("already used"));
}

TEST_CASE("the organisation key's recovery copy reaches the server after a lost connection",
          "[integration][server_network]") {
    ServerProcess server;
    server.register_demo();
    FaultProxy proxy(server.port());
    ClientHome first;
    REQUIRE(first.run({"init", "--name", "Cedar House"}).exit_code == 0);

    // The enrolment goes through; the upload of the recovery copy does not.
    proxy.refuse_after_requests(1);
    const auto enrolled = first.run({"enrol", "--server", url_of(proxy), "--code",
                                     server.code({"--org", "CD2", "--site", "VC001"})});
    INFO(enrolled.err);
    REQUIRE(enrolled.exit_code == 0);
    CHECK_THAT(enrolled.err, Catch::Contains("not on the server yet"));
    const auto recovery_code = recovery_code_from(enrolled.out);

    // Sharing the key waits for the recovery copy.
    const auto invite = first.run({"invite", "--site", "VC001"});
    CHECK(invite.exit_code == 4);

    // The next command that reaches the server sends it.
    proxy.forward();
    const auto whoami = first.run({"whoami"});
    INFO(whoami.err);
    REQUIRE(whoami.exit_code == 0);
    CHECK(whoami.err.empty());

    // A device enrolled without the key opens the copy with the recovery code.
    ClientHome second;
    REQUIRE(second.run({"init", "--name", "Cedar House office"}).exit_code == 0);
    REQUIRE(second
                .run({"enrol", "--server", server.url(), "--code",
                      server.code({"--org", "CD2", "--site", "VC001"})})
                .exit_code == 0);
    CHECK_FALSE(second.json({"whoami"})["organisation_key"].get<bool>());
    const auto recovered = second.run({"recover-key", "--recovery-code", recovery_code});
    INFO(recovered.err);
    REQUIRE(recovered.exit_code == 0);
    CHECK(second.json({"whoami"})["organisation_key"].get<bool>());
}
