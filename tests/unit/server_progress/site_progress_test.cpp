// One site's progress from plain values (server/progress/site_progress.hpp):
// the evaluator's numbers with item titles, conflicts, evidence, its devices'
// sync health and the last publication of the year that covers it.

#include "server/progress/site_progress.hpp"

#include <catch2/catch.hpp>

#include "common/assessment/evaluator.hpp"
#include "common/standards/bundled.hpp"

using namespace dspt;
using namespace dspt::server;

namespace {

const standards::Pack& progress_pack() {
    return standards::bundled_pack("2025-26");
}

const Date kToday = *Date::parse("2026-01-15");
const store::Site kSite{"VA1B2", "AB12", "1-123456789", "Rose Lodge"};

// Answers "yes" (or a text or date) to every Approaching Standards item.
assessment::Assessment approaching_ready() {
    assessment::Assessment result;
    for (const auto& item : progress_pack().items) {
        if (!item.mandatory_approaching) {
            continue;
        }
        std::string value = "Kept in the office handbook";
        if (item.type == standards::AnswerType::confirm) {
            value = "yes";
        } else if (item.type == standards::AnswerType::date) {
            value = "2026-09-01";
        }
        result.answers[item.id] = {value, "secret comment", 0, "manager"};
    }
    return result;
}

store::DeviceSyncHealth health(std::string device, std::string site, std::int64_t reported_at,
                               std::uint64_t changes, std::int64_t age, std::int64_t last_sync,
                               store::DeviceRole role = store::DeviceRole::branch) {
    store::DeviceSyncHealth h;
    h.device_id = std::move(device);
    h.role = role;
    h.site_ods = std::move(site);
    h.reported_at_ms = reported_at;
    h.pending_changes = changes;
    h.pending_bytes = changes * 10;
    h.oldest_pending_age_ms = age;
    h.last_sync_at_ms = last_sync;
    return h;
}

store::Publication publication(std::int64_t id, std::string year, std::vector<std::string> sites,
                               std::int64_t at_ms) {
    store::Publication p;
    p.id = id;
    p.organisation_ods = "AB12";
    p.sites = std::move(sites);
    p.year = std::move(year);
    p.level = standards::Level::met;
    p.published_at_ms = at_ms;
    p.device_id = "admin";
    p.request_id = std::to_string(id);  // (g++ 12 -O3 misreads a literal prefix here)
    return p;
}

}  // namespace

TEST_CASE("a site's level and counts are the evaluator's, with the missing items' titles",
          "[unit][server_progress]") {
    publish::SiteDraft draft{"VA1B2", approaching_ready(), {}};
    const auto expected = assessment::evaluate(progress_pack(), draft.effective, kToday);
    REQUIRE(expected.level == standards::Level::approaching);
    REQUIRE_FALSE(expected.met.missing.empty());

    const auto progress = progress::site_progress(progress_pack(), kSite, draft, {}, {}, kToday);
    CHECK(progress.site_code == "VA1B2");
    CHECK(progress.site_name == "Rose Lodge");
    CHECK(progress.level == "approaching");
    CHECK(progress.approaching_satisfied == expected.approaching.total);
    CHECK(progress.approaching_total == expected.approaching.total);
    CHECK(progress.met_satisfied == expected.met.satisfied);
    CHECK(progress.met_total == expected.met.total);
    CHECK(progress.missing_approaching.empty());
    REQUIRE(progress.missing_met.size() == expected.met.missing.size());
    for (std::size_t i = 0; i < progress.missing_met.size(); ++i) {
        CHECK(progress.missing_met[i].id == expected.met.missing[i]);
        CHECK(progress.missing_met[i].title == progress_pack().find(expected.met.missing[i])->title);
        CHECK_FALSE(progress.missing_met[i].title.empty());
    }
    CHECK(progress.last_sync_at_ms == 0);
    CHECK(progress.oldest_pending_at_ms == 0);
    CHECK_FALSE(progress.published);
}

TEST_CASE("a site counts the conflicts it reads and the evidence its answers count",
          "[unit][server_progress]") {
    auto effective = approaching_ready();
    effective.evidence.push_back({"e1", progress_pack().items.front().id, "policy.pdf", 100});
    effective.evidence.push_back({"e2", progress_pack().items.front().id, "training.pdf", 200});
    publish::SiteDraft draft{"VA1B2", effective, {"answer/1.1.1", "plan/1.2.1"}};
    const auto progress = progress::site_progress(progress_pack(), kSite, draft, {}, {}, kToday);
    CHECK(progress.conflicts == 2);
    CHECK(progress.evidence_files == 2);
}

TEST_CASE("a site's sync health comes from its own branch devices only",
          "[unit][server_progress]") {
    const std::int64_t now = 1'800'000'000'000;
    const std::int64_t day = 86'400'000;
    const std::vector<store::DeviceSyncHealth> devices{
        // Two devices of the site: one stuck with changes three days old.
        health("d1", "VA1B2", now - day, 4, 2 * day, now - 4 * day),
        health("d2", "VA1B2", now - 1000, 1, 5000, now - 1000),
        // Another site's device and a headquarters device: not this site's.
        health("d3", "VA1B3", now, 9, 30 * day, now),
        health("d4", "", now, 9, 40 * day, now + 1, store::DeviceRole::headquarters),
    };
    publish::SiteDraft draft{"VA1B2", {}, {}};
    const auto progress = progress::site_progress(progress_pack(), kSite, draft, devices, {}, kToday);
    CHECK(progress.last_sync_at_ms == now - 1000);
    CHECK(progress.pending_changes == 5);
    CHECK(progress.pending_bytes == 50);
    CHECK(progress.oldest_pending_at_ms == now - 3 * day);

    // Nothing pending: no oldest change, whatever age a device reported.
    const auto idle = progress::site_progress(progress_pack(), kSite, draft,
                                              {health("d1", "VA1B2", now, 0, 0, now)}, {}, kToday);
    CHECK(idle.pending_changes == 0);
    CHECK(idle.oldest_pending_at_ms == 0);
    CHECK(idle.last_sync_at_ms == now);
}

TEST_CASE("a site's last publication is the newest of the year that covers it",
          "[unit][server_progress]") {
    publish::SiteDraft draft{"VA1B2", {}, {}};
    const std::vector<store::Publication> newest_first{
        publication(4, "2025-26", {"VA1B3"}, 4000),           // another site
        publication(3, "2026-27", {"VA1B2"}, 3000),           // another year
        publication(2, "2025-26", {"VA1B2", "VA1B3"}, 2000),  // this one
        publication(1, "2025-26", {"VA1B2"}, 1000),
    };
    const auto progress = progress::site_progress(progress_pack(), kSite, draft, {}, newest_first, kToday);
    REQUIRE(progress.published);
    CHECK(progress.last_publication.id == 2);
    CHECK(progress.last_publication.published_at_ms == 2000);
    CHECK(progress.last_publication.level == "met");
}
