// The repository's sync state: push results (accepted, duplicate, unchanged,
// conflict), versions from the organisation's sequence, and pull pages.

#include <set>

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

TEST_CASE_METHOD(SyncFixture, "concurrent edits are all kept, and one based on the latest resolves",
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

    // A change equal to the shown value changes nothing.
    CHECK(push(other, {change("r2", 2, "answer/1.1.1", 1, "mine", 30)})[0] ==
          ChangeResult{2, ChangeOutcome::unchanged, 3});
    // A resolve: based on the latest version, it replaces every sibling.
    CHECK(push(other, {change("r2", 3, "answer/1.1.1", 3, "agreed", 40)})[0] ==
          ChangeResult{3, ChangeOutcome::accepted, 4});
    reg = only_register();
    CHECK_FALSE(reg.conflicted());
    CHECK(reg.shown().payload == R"({"value":"agreed"})");
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

TEST_CASE("the merge rule decides each case of ARCHITECTURE.md section 4", "[unit][server_store]") {
    Register reg{"VA1B2", "answer/1.1.1", 5, {{5, "r1", 3, 100, 2, R"({"value":"a"})", "A"}}};
    Change next{"r2", 1, 200, "VA1B2", "answer/1.1.1", 5, R"({"value":"b"})", "B"};
    CHECK(decide_merge(std::nullopt, next) == MergeDecision::replace);
    CHECK(decide_merge(reg, next) == MergeDecision::replace);
    next.base_version = 4;
    CHECK(decide_merge(reg, next) == MergeDecision::add_sibling);
    next.payload = R"({"value":"a"})";
    CHECK(decide_merge(reg, next) == MergeDecision::unchanged);
    // The same replica, later, whatever base it had seen.
    Change own{"r1", 4, 300, "VA1B2", "answer/1.1.1", 2, R"({"value":"c"})", "A"};
    CHECK(decide_merge(reg, own) == MergeDecision::replace);
    own.base_version = 1;
    CHECK(decide_merge(reg, own) == MergeDecision::replace);
    // Not when another replica's value is there too.
    reg.values.push_back({6, "r2", 1, 150, 2, R"({"value":"d"})", "B"});
    CHECK(decide_merge(reg, own) == MergeDecision::add_sibling);
}

}  // namespace dspt::server::store::test
