// SyncExchange (POST /v1/sync): one request pushes, pulls a page, says which
// chunks the server holds, sends the publications and sites only when they
// changed, and records the device's sync health, with the authorisation of the
// separate endpoints.

#include "server/sync/sync_exchange.hpp"

#include <catch2/catch.hpp>

#include "protocol/codec.hpp"
#include "protocol/sync_own_changes.hpp"
#include "server/api/router.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"
#include "tests/unit/server_publish/publish_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

protocol::ChangeEntry change(const std::string& replica, std::int64_t seq, const std::string& scope,
                             const std::string& item, const std::string& value) {
    return {replica,
            seq,
            static_cast<std::uint64_t>(seq),
            scope,
            "2025-26/answer/" + item,
            {},
            R"({"value":")" + value + "\"}",
            "Registered manager"};
}

// The sync health the server keeps for `device_id`.
store::DeviceSyncHealth health_of(const store::Repository& repo, const std::string& organisation,
                                  const std::string& device_id) {
    for (const auto& health : repo.sync_health_of(organisation)) {
        if (health.device_id == device_id) {
            return health;
        }
    }
    FAIL("no sync health for " << device_id);
    return {};
}

}  // namespace

TEST_CASE_METHOD(AuthFixture,
                 "one exchange pushes, then pages the changes with the device's own among them",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    const auto other = enrol_branch("VA1B2");
    (void)context.sync.push(other.device, {{change("r2", 1, "VA1B2", "2.1.1", "theirs")}});

    protocol::SyncRequest request;
    request.entries = {change("r1", 1, "VA1B2", "1.1.1", "ours"),
                       change("r1", 2, "VA1B2", "1.1.2", "ours too")};
    request.health = {2, 40, 5'000, false};
    const auto answer = context.exchange.exchange(branch.device, request, now);
    REQUIRE(answer.push.results.size() == 2);
    CHECK(answer.push.results[0].outcome == protocol::PushOutcome::accepted);
    CHECK(answer.push.results[1].seq == 2);
    // The page is read after the push: both devices' changes are in it.
    REQUIRE(answer.page.registers.size() == 3);
    CHECK_FALSE(answer.page.more);
    CHECK(answer.page.next_cursor == answer.push.results[1].version);
    // Nothing left to push, no page left: finished.
    CHECK(answer.finished);
    const auto health = health_of(repo(), "AB12", branch.device.id);
    CHECK(health.pending_changes == 0);
    CHECK(health.pending_bytes == 0);
    CHECK(health.oldest_pending_age_ms == 0);
    CHECK(health.last_sync_at_ms == now);

    // Sent again (a lost answer), the batch is recognised: duplicates, nothing
    // new after the cursor.
    request.since = answer.page.next_cursor;
    const auto again = context.exchange.exchange(branch.device, request, now);
    CHECK(again.push.results.at(0).outcome == protocol::PushOutcome::duplicate);
    CHECK(again.page.registers.empty());
    CHECK(again.page.next_cursor == answer.page.next_cursor);
}

TEST_CASE_METHOD(AuthFixture, "an exchange that leaves changes behind is recorded unfinished",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    now += 60'000;
    protocol::SyncRequest request;
    request.entries = {change("r1", 1, "VA1B2", "1.1.1", "ours")};
    request.health = {3, 1'000, 7'000, false};  // two more wait on the device
    const auto answer = context.exchange.exchange(branch.device, request, now);
    CHECK_FALSE(answer.finished);
    const auto health = health_of(repo(), "AB12", branch.device.id);
    CHECK(health.pending_changes == 2);
    CHECK(health.pending_bytes == 1'000 - request.entries[0].payload.size());
    CHECK(health.oldest_pending_age_ms == 7'000);
    CHECK(health.last_sync_at_ms == 0);  // never finished

    // A page that is not the last leaves the sync unfinished too, with nothing
    // left to push.
    protocol::PushRequest many;
    for (std::int64_t seq = 1; seq <= 501; ++seq) {
        many.entries.push_back(change("r2", seq, "VA1B2", "1.2." + std::to_string(seq), "x"));
    }
    (void)context.sync.push(branch.device, many);
    const auto paged = context.exchange.exchange(branch.device, {}, now);
    CHECK(paged.page.more);
    CHECK_FALSE(paged.finished);
    CHECK(health_of(repo(), "AB12", branch.device.id).pending_changes == 0);
    CHECK(health_of(repo(), "AB12", branch.device.id).last_sync_at_ms == 0);
}

TEST_CASE_METHOD(AuthFixture, "an exchange says which chunks the server holds of each file named",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    const auto sister = enrol_branch("VA1B3");
    const std::string file = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const std::string unknown = "1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const crypto::Bytes chunk(100, 7);
    context.blobs.put(branch.device, file, 0, "VA1B2", chunk, now);
    context.blobs.put(branch.device, file, 2, "VA1B2", chunk, now);

    protocol::SyncRequest request;
    request.evidence = {file, unknown};
    const auto answer = context.exchange.exchange(branch.device, request, now);
    REQUIRE(answer.evidence.size() == 2);
    CHECK(answer.evidence[0].evidence_id == file);
    CHECK(answer.evidence[0].held == std::vector<std::uint32_t>{0, 2});
    CHECK(answer.evidence[1].held.empty());
    CHECK(answer.push.results.empty());  // no entries: no push
    // A sister site is answered as for a file no chunk has reached.
    CHECK(context.exchange.exchange(sister.device, request, now).evidence.at(0).held.empty());
}

TEST_CASE_METHOD(AuthFixture, "publications and sites travel only when they changed",
                 "[unit][server_sync]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch("VA1B2");
    protocol::SyncRequest request;
    auto first = context.exchange.exchange(hq.device, request, now);
    CHECK(first.publications_changed);
    CHECK(first.publications.publications.empty());
    REQUIRE(first.sites_changed);
    REQUIRE(first.sites.size() == 2);
    CHECK(first.sites[0].ods == "VA1B2");
    CHECK(first.sites[1].ods == "VA1B3");

    request.publications_digest = first.publications_digest;
    request.sites_digest = first.sites_digest;
    auto same = context.exchange.exchange(hq.device, request, now);
    CHECK_FALSE(same.publications_changed);
    CHECK_FALSE(same.sites_changed);
    CHECK(same.sites.empty());
    CHECK(same.publications_digest.empty());  // the device has it

    // A publication and a new site change the digests, and the lists come again.
    (void)repo().record_publication(publish::test::publication(
        "AB12", {"VA1B2", "VA1B3"}, "2025-26", standards::Level::met, now));
    repo().add_site(store::Site{"VA1B4", "AB12", "1-222222222", "Rose Hall"});
    auto changed = context.exchange.exchange(hq.device, request, now);
    REQUIRE(changed.publications_changed);
    CHECK(changed.publications.publications.size() == 1);
    REQUIRE(changed.sites_changed);
    CHECK(changed.sites.size() == 3);

    // A branch device is never sent the site list.
    const auto from_branch = context.exchange.exchange(branch.device, {}, now);
    CHECK_FALSE(from_branch.sites_changed);
    CHECK(from_branch.sites_digest.empty());
    CHECK(from_branch.publications.publications.size() == 1);
}

TEST_CASE_METHOD(AuthFixture,
                 "an exchange that pushes is recorded finished only when its page is the last "
                 "and it answers",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    const auto other = enrol_branch("VA1B2");
    // A finished sync first, so that a record that says finished would show.
    protocol::SyncRequest first;
    first.entries = {change("r1", 1, "VA1B2", "1.1.1", "ours")};
    first.health = {1, 20, 0, false};
    const auto done = context.exchange.exchange(branch.device, first, now);
    REQUIRE(done.finished);
    REQUIRE(health_of(repo(), "AB12", branch.device.id).last_sync_at_ms == now);

    // Another device's 501 changes: the page after the next push is not the last.
    protocol::PushRequest many;
    for (std::int64_t seq = 1; seq <= 501; ++seq) {
        many.entries.push_back(change("r2", seq, "VA1B2", "1.2." + std::to_string(seq), "x"));
    }
    (void)context.sync.push(other.device, many);
    now += 60'000;
    protocol::SyncRequest next;
    next.since = done.page.next_cursor;
    next.entries = {change("r1", 2, "VA1B2", "1.1.1", "ours again")};
    next.entries[0].seen = {done.push.results[0].version};
    next.health = {1, 30, 0, false};
    const auto paged = context.exchange.exchange(branch.device, next, now);
    CHECK(paged.push.results.at(0).outcome == protocol::PushOutcome::accepted);
    CHECK(paged.page.more);
    CHECK_FALSE(paged.finished);
    auto health = health_of(repo(), "AB12", branch.device.id);
    CHECK(health.reported_at_ms == now);
    CHECK(health.pending_changes == 0);
    CHECK(health.last_sync_at_ms == now - 60'000);  // this one did not finish

    // A push that goes in, then an evidence id the exchange refuses: the push stays
    // applied, and no finished sync is recorded.
    now += 60'000;
    protocol::SyncRequest failing;
    failing.since = paged.page.next_cursor;
    failing.entries = {change("r1", 3, "VA1B2", "1.1.3", "more")};
    failing.health = {1, 30, 0, false};
    failing.evidence = {"not an evidence id"};
    CHECK(require_error(ErrorCode::invalid_argument, [&] {
              (void)context.exchange.exchange(branch.device, failing, now);
          }).size() > 0);
    bool applied = false;
    std::int64_t cursor = 0;
    for (int pages = 0; pages < 10; ++pages) {
        const auto page = context.sync.pull(branch.device, cursor);
        for (const auto& state : page.registers) {
            applied = applied || state.register_key == "2025-26/answer/1.1.3";
        }
        cursor = page.next_cursor;
        if (!page.more) {
            break;
        }
    }
    CHECK(applied);
    CHECK(health_of(repo(), "AB12", branch.device.id).last_sync_at_ms == now - 120'000);
}

TEST_CASE_METHOD(AuthFixture, "an exchange is authorised as the separate endpoints are",
                 "[unit][server_sync]") {
    const auto partner = enrol_partner();
    CHECK_THAT(require_error(ErrorCode::forbidden,
                             [&] { (void)context.exchange.exchange(partner.device, {}, now); }),
               Catch::Contains("partner"));

    // A change to a sister site refuses the whole exchange, and applies nothing,
    // but what waits on the device is still recorded.
    const auto branch = enrol_branch("VA1B2");
    protocol::SyncRequest request;
    request.entries = {change("r1", 1, "VA1B3", "1.1.1", "not ours")};
    request.health = {1, 30, 9'000, false};
    CHECK_THAT(require_error(ErrorCode::forbidden,
                             [&] { (void)context.exchange.exchange(branch.device, request, now); }),
               Catch::Contains("VA1B3"));
    CHECK(context.sync.pull(branch.device, 0).registers.empty());
    const auto health = health_of(repo(), "AB12", branch.device.id);
    CHECK(health.pending_changes == 1);
    CHECK(health.oldest_pending_age_ms == 9'000);

    // A negative cursor is refused as a pull's is.
    request.entries.clear();
    request.since = -1;
    CHECK(require_error(ErrorCode::invalid_argument, [&] {
              (void)context.exchange.exchange(branch.device, request, now);
          }).size() > 0);
}

TEST_CASE_METHOD(AuthFixture, "POST /v1/sync answers a signed SyncRequest with a SyncResponse",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    api::Router router(context);
    protocol::SyncRequest request;
    request.entries = {change("r1", 1, "VA1B2", "1.1.1", "ours")};
    request.health = {1, 20, 0, false};
    const auto response =
        router.handle(sign(branch, "POST", "/v1/sync", protocol::encode(request)));
    REQUIRE(response.status == 200);
    const auto answer = protocol::decode<protocol::SyncResponse>(response.body);
    CHECK(answer.push.results.at(0).outcome == protocol::PushOutcome::accepted);
    CHECK(answer.page.registers.size() == 1);
    CHECK(answer.finished);
    CHECK(response.route == "POST /v1/sync");

    // Unsigned: refused before anything is applied.
    auto unsigned_request = sign(branch, "POST", "/v1/sync", protocol::encode(request));
    unsigned_request.headers.erase(std::string(protocol::kSignatureHeader));
    CHECK(router.handle(unsigned_request).status == 401);
}

TEST_CASE_METHOD(AuthFixture,
                 "POST /v1/sync?own=seq refers to the device's own changes, and no other register",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    const auto other = enrol_branch("VA1B2");
    api::Router router(context);
    (void)context.sync.push(other.device, {{change("r2", 1, "VA1B2", "2.1.1", "theirs")}});

    protocol::SyncRequest request;
    request.entries = {change("r1", 1, "VA1B2", "1.1.1", "ours"),
                       change("r1", 2, "VA1B2", "1.1.1", "ours again"),
                       change("r1", 3, "VA1B2", "1.1.2", "ours too")};
    request.health = {3, 60, 0, false};
    const auto answered = router.handle(sign(
        branch, "POST", std::string(protocol::kSyncTargetOwnBySeq), protocol::encode(request)));
    REQUIRE(answered.status == 200);
    CHECK(answered.route == "POST /v1/sync");
    auto answer = protocol::decode<protocol::SyncResponse>(answered.body);
    REQUIRE(answer.push.results.size() == 3);
    REQUIRE(answer.page.registers.size() == 3);
    // The other device's change in full; each of ours by the seq of the entry that
    // left it as it is (the second of 1.1.1, which replaced the first).
    CHECK(answer.page.registers[0].register_key == "2025-26/answer/2.1.1");
    CHECK(protocol::is_own_change_reference(answer.page.registers[1]));
    CHECK(answer.page.registers[1].shown.seq == 2);
    CHECK(answer.page.registers[1].version == answer.push.results[1].version);
    CHECK(answer.page.registers[1].shown.payload.empty());
    CHECK(protocol::is_own_change_reference(answer.page.registers[2]));
    CHECK(answer.page.registers[2].shown.seq == 3);

    // Put back, the page is the one a pull gives.
    protocol::restore_own_changes(request, answer);
    CHECK(answer.page == context.sync.pull(branch.device, 0));
}

TEST_CASE_METHOD(AuthFixture,
                 "POST /v1/sync without own=seq repeats the device's own changes in full",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    api::Router router(context);
    protocol::SyncRequest request;
    request.entries = {change("r1", 1, "VA1B2", "1.1.1", "ours")};
    request.health = {1, 20, 0, false};
    // A client before references: its request has no parameter, or another one.
    for (const std::string target : {"/v1/sync", "/v1/sync?own=all"}) {
        INFO(target);
        request.since = context.sync.pull(branch.device, 0).next_cursor;
        request.entries[0].seq += target == "/v1/sync" ? 0 : 1;
        request.entries[0].payload = R"({"value":")" + target + "\"}";
        const auto answered =
            router.handle(sign(branch, "POST", target, protocol::encode(request)));
        REQUIRE(answered.status == 200);
        const auto answer = protocol::decode<protocol::SyncResponse>(answered.body);
        REQUIRE(answer.page.registers.size() == 1);
        CHECK_FALSE(protocol::is_own_change_reference(answer.page.registers[0]));
        CHECK(answer.page.registers[0].shown.payload == request.entries[0].payload);
    }
}

}  // namespace dspt::server::auth::test
