// The progress service over a real store: organisation-wide answers reach the
// sites that did not answer, who sees which sites, partners only while their
// grant is live, and sync health reported by a device.

#include "server/progress/progress_service.hpp"

#include <catch2/catch.hpp>

#include "common/standards/bundled.hpp"
#include "tests/unit/server_store/sync_fixture.hpp"

using namespace dspt;
using namespace dspt::server;
using namespace dspt::server::store;
using namespace dspt::server::store::test;

namespace {

constexpr const char* kYear = "2025-26";

// The first confirm item mandatory for Approaching Standards.
const standards::Item& confirm_item() {
    for (const auto& item : standards::bundled_pack(kYear).items) {
        if (item.mandatory_approaching && item.type == standards::AnswerType::confirm) {
            return item;
        }
    }
    FAIL("the pack has no confirm item");
    throw std::logic_error("unreachable");
}

class ProgressFixture : public SyncFixture {
  public:
    ProgressFixture() : policy(repo()), service(repo(), policy) {
        auto hq_token = branch_token("hq-token");
        hq_token.role = DeviceRole::headquarters;
        hq_token.site_ods.clear();
        hq = enrol(hq_token, "Head office");
        partner = repo().create_partner("County Care Association", kT0);
        auto partner_token = branch_token("partner-token");
        partner_token.role = DeviceRole::partner;
        partner_token.organisation_ods.clear();
        partner_token.site_ods.clear();
        partner_token.partner_id = partner.id;
        partner_token.organisation_key_envelope.clear();
        partner_device = enrol(partner_token, "Partner laptop");
    }

    // Answers the item in `scope` ("" organisation-wide) as `device`'s replica.
    void answer(const Device& device, std::int64_t seq, const std::string& scope,
                const std::string& value) {
        std::string key = kYear;
        key += "/answer/";
        key += confirm_item().id;
        std::string replica = "replica-";
        replica += device.id;
        repo().apply_changes("AB12", device.id, {change(replica, seq, key, 0, value, 0, scope)});
    }

    const protocol::SiteProgress& site(const protocol::ProgressReport& report,
                                       const std::string& code) {
        REQUIRE(report.organisations.size() == 1);
        for (const auto& s : report.organisations[0].sites) {
            if (s.site_code == code) {
                return s;
            }
        }
        FAIL("no site " << code);
        throw std::logic_error("unreachable");
    }

    static bool missing(const protocol::SiteProgress& site, const std::string& id) {
        for (const auto& item : site.missing_approaching) {
            if (item.id == id) {
                return true;
            }
        }
        return false;
    }

    auth::AccessPolicy policy;
    progress::ProgressService service;
    Device hq;
    Partner partner;
    Device partner_device;
};

}  // namespace

TEST_CASE("an organisation-wide answer satisfies the item at sites that did not answer it",
          "[unit][server_progress]") {
    ProgressFixture fx;
    const auto id = confirm_item().id;
    fx.answer(fx.hq, 1, "", "yes");
    fx.answer(fx.branch, 1, "VA1B2", "no");

    const auto report = fx.service.organisation(fx.hq, "AB12", kYear, kT0 + 5000);
    CHECK(report.generated_at_ms == kT0 + 5000);
    REQUIRE(report.organisations.size() == 1);
    CHECK(report.organisations[0].organisation_name == "Rose Care Group");
    CHECK(report.organisations[0].year == kYear);
    REQUIRE(report.organisations[0].sites.size() == 2);
    CHECK(report.organisations[0].sites[0].site_code == "VA1B2");
    CHECK(report.organisations[0].sites[1].site_code == "VA1B3");
    CHECK(ProgressFixture::missing(fx.site(report, "VA1B2"), id));
    CHECK_FALSE(ProgressFixture::missing(fx.site(report, "VA1B3"), id));
    CHECK(fx.site(report, "VA1B3").approaching_satisfied ==
          fx.site(report, "VA1B2").approaching_satisfied + 1);
}

TEST_CASE("a branch sees its own site, a headquarters every site, nobody another organisation",
          "[unit][server_progress]") {
    ProgressFixture fx;
    const auto own = fx.service.visible(fx.branch, kYear, kT0);
    REQUIRE(own.organisations.size() == 1);
    REQUIRE(own.organisations[0].sites.size() == 1);
    CHECK(own.organisations[0].sites[0].site_code == "VA1B2");
    CHECK(fx.service.visible(fx.hq, kYear, kT0).organisations[0].sites.size() == 2);

    require_error(ErrorCode::forbidden,
                  [&] { fx.service.organisation(fx.hq, "VC9D8", kYear, kT0); });
    require_error(ErrorCode::forbidden,
                  [&] { fx.service.organisation(fx.branch, "VC9D8", kYear, kT0); });
    require_error(ErrorCode::forbidden,
                  [&] { fx.service.organisation(fx.hq, "ZZ99", kYear, kT0); });
    require_error(ErrorCode::invalid_argument,
                  [&] { fx.service.organisation(fx.hq, "AB12", "1999-00", kT0); });
    require_error(ErrorCode::invalid_argument,
                  [&] { fx.service.visible(fx.hq, "next year", kT0); });
}

TEST_CASE("a partner sees an organisation's progress only while its grant is live",
          "[unit][server_progress]") {
    ProgressFixture fx;
    CHECK(fx.service.visible(fx.partner_device, kYear, kT0).organisations.empty());
    require_error(ErrorCode::forbidden,
                  [&] { fx.service.organisation(fx.partner_device, "AB12", kYear, kT0); });

    fx.repo().give_grant("AB12", fx.partner.id, fx.hq.id, kT0 + 1);
    const auto granted = fx.service.visible(fx.partner_device, kYear, kT0 + 2);
    REQUIRE(granted.organisations.size() == 1);
    CHECK(granted.organisations[0].organisation_ods == "AB12");
    CHECK(granted.organisations[0].sites.size() == 2);
    CHECK(fx.service.organisation(fx.partner_device, "AB12", kYear, kT0 + 2) == granted);
    require_error(ErrorCode::forbidden,
                  [&] { fx.service.organisation(fx.partner_device, "VC9D8", kYear, kT0 + 2); });

    fx.repo().revoke_grant("AB12", fx.partner.id, fx.hq.id, kT0 + 3);
    CHECK(fx.service.visible(fx.partner_device, kYear, kT0 + 4).organisations.empty());
    require_error(ErrorCode::forbidden,
                  [&] { fx.service.organisation(fx.partner_device, "AB12", kYear, kT0 + 4); });
}

TEST_CASE("a device's reported sync health shows on its site", "[unit][server_progress]") {
    ProgressFixture fx;
    const std::int64_t day = 86'400'000;
    fx.service.record_health(fx.branch, {0, 0, 0, true}, kT0);
    fx.service.record_health(fx.branch, {6, 600, 3 * day, false}, kT0 + 10 * day);
    // The headquarters device's own backlog belongs to no site.
    fx.service.record_health(fx.hq, {9, 900, 9 * day, false}, kT0 + 10 * day);

    const auto report = fx.service.organisation(fx.hq, "AB12", kYear, kT0 + 10 * day);
    const auto& lodge = fx.site(report, "VA1B2");
    CHECK(lodge.last_sync_at_ms == kT0);
    CHECK(lodge.pending_changes == 6);
    CHECK(lodge.pending_bytes == 600);
    CHECK(lodge.oldest_pending_at_ms == kT0 + 7 * day);
    const auto& court = fx.site(report, "VA1B3");
    CHECK(court.last_sync_at_ms == 0);
    CHECK(court.pending_changes == 0);
}
