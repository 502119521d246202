// The repository's sync state: push results (accepted, duplicate, unchanged,
// conflict), versions from the organisation's sequence, and pull pages.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "server/store/register_merge.hpp"
#include "tests/unit/server_store/sync_fixture.hpp"

namespace dspt::server::store::test {

TEST_CASE_METHOD(SyncFixture, "changes take versions from the organisation's sequence",
                 "[unit][server_store]") {
    const auto results = push(branch, {change("r1", 1, "answer/1.1.1", 0, "ZA1"),
                                       change("r1", 2, "answer/2.1.1", 0, "yes")});
    REQUIRE(results.size() == 2);
    CHECK(results[0] == ChangeResult{1, ChangeOutcome::accepted, 1});
    CHECK(results[1] == ChangeResult{2, ChangeOutcome::accepted, 2});

    // Another organisation has a sequence of its own.
    const auto oak = enrol([] {
        auto token = branch_token("00112233aabbccdd");
        token.organisation_ods = "VC9D8";
        token.site_ods = "VC9D8";
        return token;
    }());
    const auto theirs = repo().apply_changes(
        "VC9D8", oak.id, {change("r9", 1, "answer/1.1.1", 0, "ZB2", 0, "VC9D8")});
    CHECK(theirs[0].version == 1);
}

TEST_CASE_METHOD(SyncFixture, "a retried batch gets its first results again and changes nothing",
                 "[unit][server_store]") {
    const std::vector<Change> batch{change("r1", 1, "answer/1.1.1", 0, "ZA1"),
                                    change("r1", 2, "answer/2.1.1", 0, "yes")};
    const auto first = push(branch, batch);
    const auto again = push(branch, batch);
    REQUIRE(again.size() == 2);
    CHECK(again[0] == ChangeResult{1, ChangeOutcome::duplicate, first[0].version});
    CHECK(again[1] == ChangeResult{2, ChangeOutcome::duplicate, first[1].version});
    // A retry that overlaps new entries applies only the new ones.
    const auto overlap = push(branch, {batch[1], change("r1", 3, "answer/1.1.1", 1, "ZA2")});
    CHECK(overlap[0].outcome == ChangeOutcome::duplicate);
    CHECK(overlap[1] == ChangeResult{3, ChangeOutcome::accepted, 3});
    CHECK(repo().registers_since("AB12", {"VA1B2"}, 0, 10).registers.size() == 2);
}

TEST_CASE_METHOD(SyncFixture, "a refused change takes its seq and changes nothing else",
                 "[unit][server_store]") {
    auto refused = change("r1", 2, "answer/2.1.1", 0, "too large");
    refused.refused = true;
    const std::vector<Change> batch{change("r1", 1, "answer/1.1.1", 0, "ZA1"), refused,
                                    change("r1", 3, "answer/1.1.3", 0, "after")};
    const auto results = push(branch, batch);
    REQUIRE(results.size() == 3);
    CHECK(results[0] == ChangeResult{1, ChangeOutcome::accepted, 1});
    CHECK(results[1] == ChangeResult{2, ChangeOutcome::refused, 0});
    CHECK(results[2] == ChangeResult{3, ChangeOutcome::accepted, 2});  // no version taken
    const auto page = repo().registers_since("AB12", {"VA1B2"}, 0, 10);
    REQUIRE(page.registers.size() == 2);
    CHECK(page.registers[0].register_key == "answer/1.1.1");
    CHECK(page.registers[1].register_key == "answer/1.1.3");

    // Sent again, even as a change the service now lets through, it is still
    // the refusal it was: the first answer stands.
    refused.refused = false;
    const auto again = push(branch, {refused, change("r1", 4, "answer/1.1.4", 0, "next")});
    CHECK(again[0] == ChangeResult{2, ChangeOutcome::refused, 0});
    CHECK(again[1] == ChangeResult{4, ChangeOutcome::accepted, 3});
    CHECK(repo().registers_since("AB12", {"VA1B2"}, 0, 10).registers.size() == 3);
}

TEST_CASE_METHOD(SyncFixture, "a replica's changes must arrive in order and from one device",
                 "[unit][server_store]") {
    REQUIRE(push(branch, {change("r1", 1, "answer/1.1.1", 0, "ZA1")}).size() == 1);
    CHECK_THAT(
        require_error(ErrorCode::invalid_argument,
                      [&] { (void)push(branch, {change("r1", 3, "answer/1.1.1", 1, "x")}); }),
        Catch::Contains("expected 2, got 3"));
    CHECK_THAT(require_error(ErrorCode::forbidden,
                             [&] { (void)push(other, {change("r1", 2, "answer/1.1.1", 1, "x")}); }),
               Catch::Contains("another device"));
    // All or nothing: a batch that fails half-way leaves no trace.
    CHECK(require_error(ErrorCode::invalid_argument, [&] {
              (void)push(branch, {change("r1", 2, "answer/2.1.1", 0, "a"),
                                  change("r1", 4, "answer/2.1.2", 0, "b")});
          }).size() > 0);
    CHECK(repo().registers_since("AB12", {"VA1B2"}, 0, 10).registers.size() == 1);
    CHECK(push(branch, {change("r1", 2, "answer/2.1.1", 0, "a")})[0].version == 2);
}

TEST_CASE_METHOD(SyncFixture, "how far a replica got is told only to the device it is bound to",
                 "[unit][server_store]") {
    REQUIRE(push(branch, {change("r1", 1, "answer/1.1.1", 0, "ZA1"),
                          change("r1", 2, "answer/2.1.1", 0, "yes")})
                .size() == 2);
    CHECK(repo().replica_high_water("r1", branch.id) == 2);
    CHECK_FALSE(repo().replica_high_water("r1", other.id).has_value());
    CHECK_FALSE(repo().replica_high_water("r2", branch.id).has_value());
    CHECK_FALSE(repo().replica_high_water("", branch.id).has_value());
}

TEST_CASE_METHOD(SyncFixture,
                 "a conflict's writers are named by their devices, in their organisation only",
                 "[unit][server_store]") {
    REQUIRE(push(branch, {change("r1", 1, "answer/1.1.1", 0, "ZA1")}).size() == 1);
    REQUIRE(push(other, {change("r2", 1, "answer/1.1.1", 0, "ZA2")}).size() == 1);
    const auto names = repo().replica_device_names("AB12", {"r1", "r2", "never-seen"});
    CHECK(names == std::map<std::string, std::string>{{"r1", "Reception PC"}, {"r2", "Office PC"}});
    CHECK(repo().replica_device_names("ZZ99", {"r1", "r2"}).empty());
    CHECK(repo().replica_device_names("AB12", {}).empty());
}

TEST_CASE_METHOD(SyncFixture,
                 "concurrent edits are all kept, and one that had seen every sibling resolves",
                 "[unit][server_store]") {
    push(branch, {change("r1", 1, "answer/1.1.1", 0, "base", 10)});
    // Both replicas edit version 1 without seeing each other.
    CHECK(push(branch, {change("r1", 2, "answer/1.1.1", 1, "mine", 20)})[0] ==
          ChangeResult{2, ChangeOutcome::accepted, 2});
    CHECK(push(other, {change("r2", 1, "answer/1.1.1", 1, "theirs", 15)})[0] ==
          ChangeResult{1, ChangeOutcome::conflict, 3});

    auto reg = only_register();
    CHECK(reg.conflicted());
    CHECK(reg.version == 3);
    REQUIRE(reg.values.size() == 2);
    CHECK(reg.shown().payload == R"({"value":"mine"})");  // the greatest (hlc, replica)

    // Seeing the latest version alone does not resolve it: "mine" was not seen.
    auto partial = change("r3", 1, "answer/1.1.1", 3, "third", 25);
    CHECK(push(other, {partial})[0].outcome == ChangeOutcome::conflict);
    CHECK(only_register().values.size() == 2);  // "theirs" replaced, "mine" kept
    // A resolve: having seen both siblings, it replaces every one.
    auto resolve = change("r2", 2, "answer/1.1.1", 0, "agreed", 40);
    resolve.seen = {2, 4};
    CHECK(push(other, {resolve})[0] == ChangeResult{2, ChangeOutcome::accepted, 5});
    reg = only_register();
    CHECK_FALSE(reg.conflicted());
    CHECK(reg.shown().payload == R"({"value":"agreed"})");

    // The settled value written again changes nothing.
    CHECK(push(branch, {change("r1", 3, "answer/1.1.1", 2, "agreed", 50)})[0] ==
          ChangeResult{3, ChangeOutcome::unchanged, 5});
}

TEST_CASE_METHOD(SyncFixture, "writing the value of a sibling one had not seen settles on it",
                 "[unit][server_store]") {
    push(branch, {change("r1", 1, "answer/1.1.1", 0, "a", 10)});
    push(other, {change("r2", 1, "answer/1.1.1", 0, "b", 20)});
    REQUIRE(only_register().values.size() == 2);
    // r2 comes round to r1's value: the two agree, one value remains.
    CHECK(push(other, {change("r2", 2, "answer/1.1.1", 0, "a", 30)})[0].outcome ==
          ChangeOutcome::accepted);
    const auto reg = only_register();
    REQUIRE(reg.values.size() == 1);
    CHECK(reg.values[0].payload == R"({"value":"a"})");
}

TEST_CASE_METHOD(SyncFixture, "a replica's later value in a conflict replaces its own earlier one",
                 "[unit][server_store]") {
    push(branch, {change("r1", 1, "answer/1.1.1", 0, "a1", 10)});
    push(other, {change("r2", 1, "answer/1.1.1", 0, "b1", 20)});
    REQUIRE(only_register().values.size() == 2);
    // r1 edits again without having seen r2's value: still a conflict, but with
    // r1's latest value only.
    CHECK(push(branch, {change("r1", 2, "answer/1.1.1", 0, "a2", 30)})[0].outcome ==
          ChangeOutcome::conflict);
    const auto reg = only_register();
    REQUIRE(reg.values.size() == 2);
    std::set<std::string> payloads;
    for (const auto& value : reg.values) {
        payloads.insert(value.payload);
    }
    CHECK(payloads == std::set<std::string>{R"({"value":"a2"})", R"({"value":"b1"})"});
}

TEST_CASE_METHOD(SyncFixture, "a replica's own later edits from the same base are not a conflict",
                 "[unit][server_store]") {
    // Three edits made offline, all on the version the replica last saw (0).
    const auto results = push(
        branch, {change("r1", 1, "answer/1.1.1", 0, "a"), change("r1", 2, "answer/1.1.1", 0, "b"),
                 change("r1", 3, "answer/1.1.1", 0, "c")});
    for (const auto& result : results) {
        CHECK(result.outcome == ChangeOutcome::accepted);
    }
    CHECK_FALSE(only_register().conflicted());
    // Another replica that also started from nothing does conflict.
    CHECK(push(other, {change("r2", 1, "answer/1.1.1", 0, "z")})[0].outcome ==
          ChangeOutcome::conflict);
}

TEST_CASE_METHOD(SyncFixture, "pull pages registers by version within the scopes asked for",
                 "[unit][server_store]") {
    std::vector<Change> batch;
    for (int i = 1; i <= 5; ++i) {
        batch.push_back(change("r1", i, "answer/1.1." + std::to_string(i), 0, "v"));
    }
    batch.push_back(change("r1", 6, "answer/9.9.9", 0, "elsewhere", 0, "VA1B3"));
    push(branch, batch);

    auto page = repo().registers_since("AB12", {"VA1B2"}, 0, 2);
    REQUIRE(page.registers.size() == 2);
    CHECK(page.more);
    CHECK(page.next_cursor == 2);
    page = repo().registers_since("AB12", {"VA1B2"}, page.next_cursor, 2);
    CHECK(page.registers.size() == 2);
    page = repo().registers_since("AB12", {"VA1B2"}, page.next_cursor, 2);
    CHECK(page.registers.size() == 1);
    CHECK_FALSE(page.more);
    CHECK(page.next_cursor == 5);
    // The sister site's register is in its own scope only.
    CHECK(repo().registers_since("AB12", {"VA1B3"}, 0, 10).registers.size() == 1);
    CHECK(repo().registers_since("AB12", {}, 0, 10).registers.empty());
    // A register changed again moves to its new version.
    push(branch, {change("r1", 7, "answer/1.1.1", 1, "later")});
    page = repo().registers_since("AB12", {"VA1B2"}, 5, 10);
    REQUIRE(page.registers.size() == 1);
    CHECK(page.registers[0].register_key == "answer/1.1.1");
}

TEST_CASE_METHOD(SyncFixture,
                 "a pull over several scopes pages them together in version order, whichever "
                 "way the store reads them",
                 "[unit][server_store]") {
    // Ten scopes, the organisation-wide one among them, and one no pull below asks
    // for; each change a register of its own, so each register has its change's version.
    const std::vector<std::string> scopes{"",      "VA1B2", "VA1B3", "VA1B4", "VA1B5",
                                          "VA1B6", "VA1B7", "VA1B8", "VA1B9", "VA1C1"};
    std::map<std::int64_t, std::string> scope_of;  // version -> scope
    std::vector<Change> batch;
    for (int i = 1; i <= 60; ++i) {
        const auto scope = i % 7 == 0 ? std::string("ZZ999") : scopes[(i * 3) % scopes.size()];
        batch.push_back(change("r1", i, "answer/" + std::to_string(i), 0, "v", 0, scope));
    }
    const auto results = push(branch, batch);
    REQUIRE(results.size() == batch.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
        REQUIRE(results[i].outcome == ChangeOutcome::accepted);
        scope_of[results[i].version] = batch[i].scope;
    }

    // Pages of `limit` from `since` to the end: the versions read, in order, and each
    // page's cursor and `more` as a client follows them.
    const auto read_all = [&](const std::vector<std::string>& asked, std::int64_t since,
                              std::size_t limit) {
        std::vector<std::int64_t> versions;
        for (int pages = 0; pages < 100; ++pages) {
            const auto page = repo().registers_since("AB12", asked, since, limit);
            CHECK(page.registers.size() <= limit);
            for (const auto& reg : page.registers) {
                CHECK(reg.values.size() == 1);
                CHECK(reg.version > since);
                versions.push_back(reg.version);
            }
            if (!page.registers.empty()) {
                CHECK(page.next_cursor == page.registers.back().version);
            }
            if (!page.more) {
                break;
            }
            CHECK(page.registers.size() == limit);
            since = page.next_cursor;
        }
        return versions;
    };
    const auto expected = [&](const std::vector<std::string>& asked, std::int64_t since) {
        std::vector<std::int64_t> versions;
        for (const auto& [version, scope] : scope_of) {
            if (version > since && std::find(asked.begin(), asked.end(), scope) != asked.end()) {
                versions.push_back(version);
            }
        }
        return versions;
    };

    // A site's device: its site and the organisation's scope, read one by one.
    const std::vector<std::string> site{"VA1B2", ""};
    for (const std::size_t limit : {1, 3, 100}) {
        CHECK(read_all(site, 0, limit) == expected(site, 0));
    }
    CHECK(read_all(site, 20, 4) == expected(site, 20));
    // A scope named twice is read once.
    CHECK(read_all({"VA1B2", "", "VA1B2"}, 0, 5) == expected(site, 0));
    // As many scopes as are read one by one, and one more, read in one walk.
    const std::vector<std::string> eight(scopes.begin(), scopes.begin() + 8);
    const std::vector<std::string> nine(scopes.begin(), scopes.begin() + 9);
    CHECK(read_all(eight, 0, 7) == expected(eight, 0));
    CHECK(read_all(nine, 0, 7) == expected(nine, 0));
    CHECK(read_all(scopes, 10, 6) == expected(scopes, 10));
    CHECK(read_all({"ZZ999"}, 0, 100).size() == 8);
}

TEST_CASE("the merge rule replaces exactly the values the writer had seen",
          "[unit][server_store]") {
    const auto value = [](std::int64_t version, std::string replica, std::int64_t seq,
                          std::string text) {
        return RegisterValue{
            version, std::move(replica), seq, 100, 0, R"({"value":")" + text + "\"}", "someone"};
    };
    const auto write = [](std::string replica, std::int64_t seq, std::vector<std::int64_t> seen,
                          std::string text) {
        return Change{std::move(replica),
                      seq,
                      200,
                      "VA1B2",
                      "answer/1.1.1",
                      std::move(seen),
                      R"({"value":")" + text + "\"}",
                      "someone"};
    };
    Register reg{"VA1B2", "answer/1.1.1", 5, {value(5, "r1", 3, "a")}};

    // A new register, and a register whose only value was seen: accepted.
    CHECK(decide_merge(std::nullopt, write("r2", 1, {}, "b")).decision == MergeDecision::replace);
    auto plan = decide_merge(reg, write("r2", 1, {5}, "b"));
    CHECK(plan.decision == MergeDecision::replace);
    CHECK(plan.replaced == std::vector<std::int64_t>{5});
    // A value the writer never saw stays: a conflict.
    plan = decide_merge(reg, write("r2", 1, {4}, "b"));
    CHECK(plan.decision == MergeDecision::add_sibling);
    CHECK(plan.replaced.empty());
    plan = decide_merge(reg, write("r2", 1, {}, "b"));
    CHECK(plan.decision == MergeDecision::add_sibling);
    // The same value written without seeing it: nothing to write.
    CHECK(decide_merge(reg, write("r2", 1, {}, "a")).decision == MergeDecision::unchanged);
    // The writer's own earlier value counts as seen, whatever else it had seen.
    plan = decide_merge(reg, write("r1", 4, {}, "c"));
    CHECK(plan.decision == MergeDecision::replace);
    CHECK(plan.replaced == std::vector<std::int64_t>{5});
    // ...but not another replica's value beside it.
    reg.values.push_back(value(6, "r2", 1, "d"));
    plan = decide_merge(reg, write("r1", 4, {}, "c"));
    CHECK(plan.decision == MergeDecision::add_sibling);
    CHECK(plan.replaced == std::vector<std::int64_t>{5});

    // A conflict {a, b} seen whole and resolved, while a third value h arrived
    // that the resolver never saw: a and b go, h stays beside the resolution.
    Register three{"VA1B2",
                   "answer/1.1.1",
                   7,
                   {value(5, "r1", 3, "a"), value(6, "r2", 1, "b"), value(7, "hq", 1, "h")}};
    plan = decide_merge(three, write("r1", 4, {5, 6}, "r"));
    CHECK(plan.decision == MergeDecision::add_sibling);
    CHECK(plan.replaced == std::vector<std::int64_t>{5, 6});
    // Seeing every sibling resolves the conflict.
    plan = decide_merge(three, write("r2", 2, {5, 7}, "r"));
    CHECK(plan.decision == MergeDecision::replace);
    CHECK(plan.replaced == std::vector<std::int64_t>{5, 6, 7});
    // Seeing the latest version alone does not: the writer held h only.
    CHECK(decide_merge(three, write("r3", 1, {7}, "x")).decision == MergeDecision::add_sibling);
}

TEST_CASE_METHOD(SyncFixture, "a resolution keeps the value its writer had not seen",
                 "[unit][server_store]") {
    // r1 and r2 write at once: a conflict {a, b}.
    REQUIRE(push(branch, {change("r1", 1, "answer/1.1.1", 0, "a")})[0].outcome ==
            ChangeOutcome::accepted);
    const auto b = push(other, {change("r2", 1, "answer/1.1.1", 0, "b")});
    REQUIRE(b[0].outcome == ChangeOutcome::conflict);
    // r3, offline, wrote h without seeing either.
    const auto h = push(other, {change("r3", 1, "answer/1.1.1", 0, "h")});
    REQUIRE(h[0].outcome == ChangeOutcome::conflict);
    // r1 resolves to r having seen a (version 1) and b (version 2) only.
    auto resolve = change("r1", 2, "answer/1.1.1", 0, "r");
    resolve.seen = {1, b[0].version};
    CHECK(push(branch, {resolve})[0].outcome == ChangeOutcome::conflict);
    const auto page = repo().registers_since("AB12", {"VA1B2"}, 0, 10);
    REQUIRE(page.registers.size() == 1);
    std::multiset<std::string> left;
    for (const auto& value : page.registers[0].values) {
        left.insert(value.payload);
    }
    CHECK(left == std::multiset<std::string>{R"({"value":"h"})", R"({"value":"r"})"});
}

}  // namespace dspt::server::store::test
