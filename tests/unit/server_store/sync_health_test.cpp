// Sync health in the server store: each device's latest report, its last
// completed sync kept across reports that did not finish, and only the
// organisation's live devices listed.

#include <catch2/catch.hpp>

#include "tests/unit/server_store/store_fixture.hpp"

using namespace dspt::server::store;
using namespace dspt::server::store::test;
using dspt::ErrorCode;

namespace {

SyncHealthReport report(const Device& device, std::int64_t at_ms, std::uint64_t changes,
                        std::int64_t age_ms, bool finished) {
    SyncHealthReport r;
    r.device_id = device.id;
    r.reported_at_ms = at_ms;
    r.pending_changes = changes;
    r.pending_bytes = changes * 100;
    r.oldest_pending_age_ms = age_ms;
    r.finished = finished;
    return r;
}

}  // namespace

TEST_CASE("a device's latest sync health replaces the previous one and keeps its last sync",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    const auto device = fx.enrol(StoreFixture::branch_token());
    CHECK(fx.repo().sync_health_of("AB12").empty());

    fx.repo().record_sync_health(report(device, kT0 + 10'000, 3, 60'000, false));
    auto health = fx.repo().sync_health_of("AB12");
    REQUIRE(health.size() == 1);
    CHECK(health[0].device_id == device.id);
    CHECK(health[0].role == DeviceRole::branch);
    CHECK(health[0].site_ods == "VA1B2");
    CHECK(health[0].reported_at_ms == kT0 + 10'000);
    CHECK(health[0].pending_changes == 3);
    CHECK(health[0].pending_bytes == 300);
    CHECK(health[0].oldest_pending_age_ms == 60'000);
    CHECK(health[0].last_sync_at_ms == 0);  // never finished

    fx.repo().record_sync_health(report(device, kT0 + 20'000, 0, 0, true));
    health = fx.repo().sync_health_of("AB12");
    REQUIRE(health.size() == 1);
    CHECK(health[0].pending_changes == 0);
    CHECK(health[0].last_sync_at_ms == kT0 + 20'000);

    // A sync cut after its first report: the pending changes show, the last sync stays.
    fx.repo().record_sync_health(report(device, kT0 + 90'000, 7, 50'000, false));
    fx.reopen();
    health = fx.repo().sync_health_of("AB12");
    REQUIRE(health.size() == 1);
    CHECK(health[0].reported_at_ms == kT0 + 90'000);
    CHECK(health[0].pending_changes == 7);
    CHECK(health[0].oldest_pending_age_ms == 50'000);
    CHECK(health[0].last_sync_at_ms == kT0 + 20'000);
}

TEST_CASE("sync health lists the organisation's live devices only", "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    const auto first = fx.enrol(StoreFixture::branch_token("0123456789abcdef"));
    const auto second = fx.enrol(StoreFixture::branch_token("fedcba9876543210"));
    auto other_token = StoreFixture::branch_token("00112233445566aa");
    other_token.organisation_ods = "VC9D8";
    other_token.site_ods = "VC9D8";
    const auto other = fx.enrol(other_token);
    for (const auto* device : {&first, &second, &other}) {
        fx.repo().record_sync_health(report(*device, kT0 + 5000, 1, 1000, true));
    }
    CHECK(fx.repo().sync_health_of("AB12").size() == 2);
    CHECK(fx.repo().sync_health_of("VC9D8").size() == 1);
    CHECK(fx.repo().sync_health_of("ZZ99").empty());

    fx.repo().revoke_device(second.id, kT0 + 6000);
    const auto health = fx.repo().sync_health_of("AB12");
    REQUIRE(health.size() == 1);
    CHECK(health[0].device_id == first.id);
}

TEST_CASE("a sync health report names a known device and no negative age", "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    const auto device = fx.enrol(StoreFixture::branch_token());
    auto unknown = report(device, kT0, 0, 0, true);
    unknown.device_id = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    require_error(ErrorCode::not_found, [&] { fx.repo().record_sync_health(unknown); });
    require_error(ErrorCode::invalid_argument,
                  [&] { fx.repo().record_sync_health(report(device, kT0, 1, -5, false)); });
    auto huge = report(device, kT0, 0, 0, false);
    huge.pending_changes = UINT64_MAX;
    require_error(ErrorCode::invalid_argument, [&] { fx.repo().record_sync_health(huge); });
    CHECK(fx.repo().sync_health_of("AB12").empty());
}
