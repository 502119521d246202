// SyncService: who may push and pull what, the checks on every change, and
// push and pull through the router as a device would call them.

#include "server/sync/sync_service.hpp"

#include <map>

#include <catch2/catch.hpp>

#include "protocol/codec.hpp"
#include "server/api/router.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

protocol::ChangeEntry entry(const std::string& replica, std::int64_t seq, const std::string& scope,
                            const std::string& key, const std::string& value,
                            std::int64_t base = 0) {
    return {replica,
            seq,
            static_cast<std::uint64_t>(seq),
            scope,
            key,
            base == 0 ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{base},
            R"({"value":")" + value + "\"}",
            "Registered manager"};
}

std::string refusal(ErrorCode code, const std::function<void()>& fn) {
    return require_error(code, fn);
}

}  // namespace

TEST_CASE_METHOD(AuthFixture, "a branch device pushes and pulls its own site only",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    auto& sync = context.sync;
    const auto pushed =
        sync.push(branch.device, {{entry("r1", 1, "VA1B2", "2025-26/answer/1.1.1", "ZA1")}});
    REQUIRE(pushed.results.size() == 1);
    CHECK(pushed.results[0].outcome == protocol::PushOutcome::accepted);

    CHECK_THAT(refusal(ErrorCode::forbidden,
                       [&] {
                           (void)sync.push(
                               branch.device,
                               {{entry("r1", 2, "VA1B3", "2025-26/answer/1.1.1", "x")}});
                       }),
               Catch::Contains("VA1B3"));
    CHECK_THAT(refusal(ErrorCode::forbidden,
                       [&] {
                           (void)sync.push(branch.device,
                                           {{entry("r1", 2, "", "2025-26/answer/1.1.1", "x")}});
                       }),
               Catch::Contains("headquarters"));
    CHECK(refusal(ErrorCode::forbidden, [&] {
              (void)sync.push(branch.device,
                              {{entry("r1", 2, "VX9Y8", "2025-26/answer/1.1.1", "x")}});
          }).size() > 0);

    // The sister site's work and another organisation's never reach it.
    const auto sister = enrol_branch("VA1B3");
    (void)sync.push(sister.device, {{entry("r2", 1, "VA1B3", "2025-26/answer/2.1.1", "secret")}});
    const auto pulled = sync.pull(branch.device, 0);
    REQUIRE(pulled.registers.size() == 1);
    CHECK(pulled.registers[0].scope == "VA1B2");
    CHECK(pulled.registers[0].shown.payload == R"({"value":"ZA1"})");
}

TEST_CASE_METHOD(AuthFixture, "each value of a pulled conflict names the device that wrote it",
                 "[unit][server_sync]") {
    const auto reception = enrol_admin("AB12", "VA1B2", "", "Reception PC");
    const auto office = enrol_admin("AB12", "VA1B2", "", "Office PC");
    auto& sync = context.sync;
    (void)sync.push(reception.device, {{entry("r1", 1, "VA1B2", "2025-26/answer/1.1.1", "ZA1")}});
    (void)sync.push(office.device, {{entry("r2", 1, "VA1B2", "2025-26/answer/1.1.1", "ZA2"),
                                     entry("r2", 2, "VA1B2", "2025-26/answer/1.1.2", "x")}});
    const auto pulled = sync.pull(reception.device, 0);
    REQUIRE(pulled.registers.size() == 2);
    std::map<std::string, std::string> payloads;
    for (const auto& reg : pulled.registers) {
        if (reg.register_key.ends_with("1.1.1")) {
            REQUIRE(reg.siblings.size() == 2);
            for (const auto& sibling : reg.siblings) {
                payloads[sibling.replica_id] = sibling.payload;
            }
            // The shown value is sent as stored.
            CHECK(reg.shown.payload.find("device") == std::string::npos);
        } else {
            CHECK(reg.siblings.empty());
            CHECK(reg.shown.payload == R"({"value":"x"})");
        }
    }
    CHECK(payloads["r1"] == R"({"device":"Reception PC","value":"ZA1"})");
    CHECK(payloads["r2"] == R"({"device":"Office PC","value":"ZA2"})");
}

TEST_CASE_METHOD(AuthFixture, "organisation-wide answers from headquarters reach every branch",
                 "[unit][server_sync]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch("VA1B2");
    auto& sync = context.sync;
    (void)sync.push(hq.device, {{entry("hq", 1, "", "2025-26/answer/1.1.1", "ZA-ORG"),
                                 entry("hq", 2, "VA1B3", "2025-26/answer/2.1.1", "for York")}});
    const auto pulled = sync.pull(branch.device, 0);
    REQUIRE(pulled.registers.size() == 1);
    CHECK(pulled.registers[0].scope.empty());
    // Headquarters reads every scope of its organisation.
    CHECK(sync.pull(hq.device, 0).registers.size() == 2);
}

TEST_CASE_METHOD(AuthFixture, "each standards year's registers are kept apart",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    auto& sync = context.sync;
    (void)sync.push(branch.device, {{entry("r1", 1, "VA1B2", "2024-25/answer/1.1.1", "ZA-OLD")}});
    const auto pushed =
        sync.push(branch.device, {{entry("r2", 1, "VA1B2", "2025-26/answer/1.1.1", "ZA-NEW")}});
    // A new register, not a conflict with last year's.
    CHECK(pushed.results.at(0).outcome == protocol::PushOutcome::accepted);
    const auto pulled = sync.pull(branch.device, 0);
    REQUIRE(pulled.registers.size() == 2);
    CHECK(pulled.registers[0].register_key == "2024-25/answer/1.1.1");
    CHECK(pulled.registers[0].shown.payload == R"({"value":"ZA-OLD"})");
    CHECK(pulled.registers[1].register_key == "2025-26/answer/1.1.1");
}

TEST_CASE_METHOD(AuthFixture, "the organisation profile is written by headquarters only",
                 "[unit][server_sync]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch("VA1B2");
    auto& sync = context.sync;
    auto lead = entry("hq", 1, "", "profile/security_lead", "x");
    lead.payload = R"({"name":"Asha Patel"})";
    CHECK(sync.push(hq.device, {{lead}}).results.at(0).outcome == protocol::PushOutcome::accepted);
    // Every branch reads it, whatever year it works on.
    const auto pulled = sync.pull(branch.device, 0);
    REQUIRE(pulled.registers.size() == 1);
    CHECK(pulled.registers[0].register_key == "profile/security_lead");
    CHECK(pulled.registers[0].scope.empty());

    // A branch's profile change is refused alone, for good.
    lead.replica_id = "r1";
    auto refused = sync.push(branch.device, {{lead}}).results.at(0);
    CHECK(refused.outcome == protocol::PushOutcome::refused);
    CHECK_THAT(refused.reason, Catch::Contains("the organisation profile is set by headquarters"));
    lead.seq = 2;
    lead.scope = "VA1B2";
    refused = sync.push(branch.device, {{lead}}).results.at(0);
    CHECK(refused.outcome == protocol::PushOutcome::refused);
    CHECK_THAT(refused.reason, Catch::Contains("organisation-wide"));
}

TEST_CASE_METHOD(AuthFixture,
                 "a single-site provider's device writes its profile while it has that one site",
                 "[unit][server_sync]") {
    const auto oak = enrol_branch("VC9D8", "VC9D8");  // no headquarters, one site
    auto& sync = context.sync;
    auto expiry = entry("oak", 1, "", "profile/cyber_essentials_plus", "x");
    expiry.payload = R"({"expires":"2027-03-31"})";
    CHECK(sync.push(oak.device, {{expiry}}).results.at(0).outcome ==
          protocol::PushOutcome::accepted);
    // The profile only: the organisation-wide answers stay headquarters'.
    auto answer = entry("oak", 2, "", "2025-26/answer/1.1.1", "x");
    CHECK_THAT(refusal(ErrorCode::forbidden, [&] { (void)sync.push(oak.device, {{answer}}); }),
               Catch::Contains("only a headquarters device writes organisation-wide answers"));

    // With a second site, the profile is no longer the branch's to write.
    repo().add_site(store::Site{"VC9D9", "VC9D8", "1-555555556", "Oak Homecare North"});
    expiry.seq = 2;
    const auto refused = sync.push(oak.device, {{expiry}}).results.at(0);
    CHECK(refused.outcome == protocol::PushOutcome::refused);
    CHECK_THAT(refused.reason, Catch::Contains("VC9D8 has 2 sites"));
}

TEST_CASE_METHOD(AuthFixture, "a partner device does not sync", "[unit][server_sync]") {
    const auto partner = enrol_partner();
    CHECK(refusal(ErrorCode::forbidden, [&] {
              (void)context.sync.pull(partner.device, 0);
          }).find("partner") != std::string::npos);
    CHECK(refusal(ErrorCode::forbidden, [&] {
              (void)context.sync.push(partner.device,
                                      {{entry("p", 1, "VA1B2", "2025-26/answer/1.1.1", "x")}});
          }).size() > 0);
}

TEST_CASE_METHOD(AuthFixture, "a malformed change is refused alone and the push's others applied",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    auto push_with = [&](const protocol::ChangeEntry& bad) {
        return context.sync.push(branch.device,
                                 {{entry("r1", 1, "VA1B2", "2025-26/answer/1.1.1", "fine"), bad,
                                   entry("r1", 3, "VA1B2", "2025-26/answer/1.1.3", "after")}});
    };
    // Returns the refusal's reason, having checked what a device relies on.
    auto refused_reason = [&](const protocol::ChangeEntry& bad) {
        const auto response = push_with(bad);
        REQUIRE(response.results.size() == 3);
        CHECK(response.results[0].outcome == protocol::PushOutcome::accepted);
        CHECK(response.results[1].outcome == protocol::PushOutcome::refused);
        CHECK(response.results[1].version == 0);
        CHECK(response.results[2].outcome == protocol::PushOutcome::accepted);
        // The others are on the server, and the refused one's seq is taken:
        // the change after it was applied in order.
        const auto pulled = context.sync.pull(branch.device, 0);
        CHECK(pulled.registers.size() == 2);
        // Sent again, say after a lost answer: refused again, for the same reason.
        const auto again = push_with(bad);
        CHECK(again.results[0].outcome == protocol::PushOutcome::duplicate);
        CHECK(again.results[1].outcome == protocol::PushOutcome::refused);
        CHECK(again.results[1].reason == response.results[1].reason);
        CHECK(again.results[2].outcome == protocol::PushOutcome::duplicate);
        // And the replica's next change follows.
        const auto next = context.sync.push(
            branch.device, {{entry("r1", 4, "VA1B2", "2025-26/answer/1.1.4", "next")}});
        CHECK(next.results.at(0).outcome == protocol::PushOutcome::accepted);
        return response.results[1].reason;
    };
    auto bad = entry("r1", 2, "VA1B2", "2025-26/answer/1.1.2", "x");
    SECTION("an unknown kind of register") {
        bad.register_key = "secret/1";
        CHECK_THAT(refused_reason(bad), Catch::Contains("register key"));
    }
    SECTION("an assessment's register without its standards year") {
        bad.register_key = "answer/1.1.2";
        CHECK_THAT(refused_reason(bad), Catch::Contains("<year>/answer|plan|evidence/<name>"));
    }
    SECTION("a year that is not one") {
        bad.register_key = "2025-27/answer/1.1.2";
        CHECK_THAT(refused_reason(bad), Catch::Contains("not a standards year"));
    }
    SECTION("a profile register in a site's scope") {
        bad.register_key = "profile/security_lead";
        CHECK_THAT(refused_reason(bad), Catch::Contains("organisation-wide"));
    }
    SECTION("a value that is not a JSON object") {
        bad.payload = "yes";
        CHECK_THAT(refused_reason(bad), Catch::Contains("JSON object"));
    }
    SECTION("a value over the limit") {
        bad.payload = R"({"value":")" + std::string(sync::kMaxPayloadBytes, 'x') + "\"}";
        CHECK_THAT(refused_reason(bad), Catch::Contains("change 2 of replica r1: the value is " +
                                                        std::to_string(bad.payload.size()) +
                                                        " bytes; the limit is 65536 bytes"));
    }
    SECTION("a version seen below 1") {
        bad.seen = {3, 0};
        CHECK_THAT(refused_reason(bad), Catch::Contains("version seen"));
    }
    SECTION("more values seen than a register can hold") {
        bad.seen.assign(sync::kMaxSeenVersions + 1, 1);
        CHECK_THAT(refused_reason(bad), Catch::Contains("values seen"));
    }
}

TEST_CASE_METHOD(AuthFixture, "a server set to a lower value limit refuses the change over it",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    sync::SyncService small(*context.repository, context.policy, 1024);
    const auto big = entry("r1", 1, "VA1B2", "2025-26/answer/1.1.1", std::string(2000, 'x'));
    const auto results =
        small.push(branch.device, {{big, entry("r1", 2, "VA1B2", "2025-26/answer/1.1.2", "small")}})
            .results;
    REQUIRE(results.size() == 2);
    CHECK(results[0].outcome == protocol::PushOutcome::refused);
    CHECK_THAT(results[0].reason, Catch::EndsWith("the limit is 1024 bytes"));
    CHECK(results[1].outcome == protocol::PushOutcome::accepted);
}

TEST_CASE_METHOD(AuthFixture, "a push malformed as a whole is refused before anything is applied",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    auto push_one = [&](protocol::ChangeEntry bad) {
        (void)context.sync.push(branch.device,
                                {{entry("r1", 1, "VA1B2", "2025-26/answer/1.1.1", "fine"), bad}});
    };
    auto bad = entry("r1", 2, "VA1B2", "2025-26/answer/1.1.2", "x");
    SECTION("a seq below 1") {
        bad.seq = 0;
        CHECK(refusal(ErrorCode::invalid_argument, [&] { push_one(bad); }).size() > 0);
    }
    SECTION("a gap in the replica's seqs") {
        bad.seq = 5;
        CHECK_THAT(refusal(ErrorCode::invalid_argument, [&] { push_one(bad); }),
                   Catch::Contains("must arrive in order"));
    }
    SECTION("a replica id that is not one") {
        bad.replica_id = "two words";
        CHECK(refusal(ErrorCode::invalid_argument, [&] { push_one(bad); }).size() > 0);
    }
    SECTION("a scope the device may not write") {
        bad.scope = "VA9Z9";
        CHECK(refusal(ErrorCode::forbidden, [&] { push_one(bad); }).size() > 0);
    }
    SECTION("an empty push") {
        CHECK(refusal(ErrorCode::invalid_argument, [&] {
                  (void)context.sync.push(branch.device, {});
              }).size() > 0);
    }
    CHECK(context.sync.pull(branch.device, 0).registers.empty());
}

TEST_CASE_METHOD(AuthFixture, "push and pull through the router, signed", "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    const api::Router router(context);
    const protocol::PushRequest push{{entry("r1", 1, "VA1B2", "2025-26/answer/1.1.1", "ZA1")}};
    const auto pushed =
        router.handle(sign(branch, "POST", "/v1/sync/push", protocol::encode(push)));
    REQUIRE(pushed.status == 200);
    CHECK(protocol::decode<protocol::PushResponse>(pushed.body).results.at(0).version == 1);
    // The same batch again, say after a lost answer: the same version.
    const auto retried =
        router.handle(sign(branch, "POST", "/v1/sync/push", protocol::encode(push)));
    CHECK(protocol::decode<protocol::PushResponse>(retried.body).results.at(0).outcome ==
          protocol::PushOutcome::duplicate);

    const auto pulled = router.handle(sign(branch, "GET", "/v1/sync/pull?since=0"));
    REQUIRE(pulled.status == 200);
    const auto page = protocol::decode<protocol::PullResponse>(pulled.body);
    CHECK(page.registers.size() == 1);
    CHECK(page.next_cursor == 1);
    CHECK(router.handle(sign(branch, "GET", "/v1/sync/pull?since=abc")).status == 400);
    CHECK(router.handle(sign(branch, "GET", "/v1/sync/pull?since=1")).status == 200);
}

}  // namespace dspt::server::auth::test
