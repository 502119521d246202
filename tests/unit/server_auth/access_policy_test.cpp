// AccessPolicy: what each role may read and change (docs/security.md, "The parties").

#include "server/auth/access_policy.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/random.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

store::Device device(store::DeviceRole role, std::string organisation_ods, std::string site_ods,
                     std::optional<std::int64_t> partner_id = std::nullopt) {
    store::Device device;
    device.id = crypto::random_uuid();
    device.role = role;
    device.organisation_ods = std::move(organisation_ods);
    device.site_ods = std::move(site_ods);
    device.partner_id = partner_id;
    return device;
}

const char* name(Access access) {
    switch (access) {
        case Access::read_progress:
            return "read_progress";
        case Access::read:
            return "read";
        case Access::write:
            return "write";
    }
    return "?";
}

}  // namespace

class PolicyFixture : public AuthFixture {
  public:
    const AccessPolicy& policy() const { return context.policy; }

    store::Site site(const std::string& ods) {
        const auto found = repo().find_site(ods);
        REQUIRE(found.has_value());
        return *found;
    }

    std::string site_refusal(const store::Device& who, const std::string& ods, Access access) {
        const auto target = site(ods);
        return require_error(ErrorCode::forbidden,
                             [&] { policy().require_site(who, target, access); });
    }

    std::string organisation_refusal(const store::Device& who, const std::string& ods,
                                     Access access) {
        return require_error(ErrorCode::forbidden,
                             [&] { policy().require_organisation(who, ods, access); });
    }
};

TEST_CASE_METHOD(PolicyFixture, "a branch device reads and writes its own site only",
                 "[unit][server_auth]") {
    const auto branch = device(store::DeviceRole::branch, "AB12", "VA1B2");
    const auto access = GENERATE(Access::read_progress, Access::read, Access::write);
    INFO("access " << name(access));

    CHECK_NOTHROW(policy().require_site(branch, site("VA1B2"), access));

    const auto sibling = site_refusal(branch, "VA1B3", access);
    CHECK_THAT(sibling, Catch::StartsWith("the branch device of site VA1B2 may not "));
    CHECK_THAT(sibling, Catch::EndsWith("site VA1B3"));
    CHECK_THAT(site_refusal(branch, "VX9Y8", access), Catch::EndsWith("site VX9Y8"));
}

TEST_CASE_METHOD(PolicyFixture, "a refusal says whether the device tried to read or to change",
                 "[unit][server_auth]") {
    const auto branch = device(store::DeviceRole::branch, "AB12", "VA1B2");
    CHECK(site_refusal(branch, "VA1B3", Access::write) ==
          "the branch device of site VA1B2 may not change site VA1B3");
    CHECK(site_refusal(branch, "VA1B3", Access::read) ==
          "the branch device of site VA1B2 may not read site VA1B3");
    CHECK(organisation_refusal(branch, "AB12", Access::write) ==
          "the branch device of site VA1B2 may not change organisation AB12");
    CHECK(organisation_refusal(branch, "AB12", Access::read_progress) ==
          "the branch device of site VA1B2 may not read organisation AB12");
}

TEST_CASE_METHOD(PolicyFixture,
                 "a branch device manages its organisation only when it is a single-site provider",
                 "[unit][server_auth]") {
    const auto access = GENERATE(Access::read_progress, Access::read, Access::write);
    INFO("access " << name(access));

    // A site of a headquarters organisation: its organisation is the headquarters'.
    const auto group_branch = device(store::DeviceRole::branch, "AB12", "VA1B2");
    CHECK_THAT(organisation_refusal(group_branch, "AB12", access),
               Catch::EndsWith("organisation AB12"));

    // A single-site provider's one device manages the provider.
    const auto single = device(store::DeviceRole::branch, "VC9D8", "VC9D8");
    CHECK_NOTHROW(policy().require_organisation(single, "VC9D8", access));
    CHECK_NOTHROW(policy().require_site(single, site("VC9D8"), access));

    // ... and nothing else.
    CHECK_THAT(organisation_refusal(single, "AB12", access), Catch::EndsWith("organisation AB12"));
    CHECK_THAT(organisation_refusal(single, "XY34", access), Catch::EndsWith("organisation XY34"));
    CHECK_THAT(site_refusal(single, "VA1B2", access), Catch::EndsWith("site VA1B2"));
}

TEST_CASE_METHOD(PolicyFixture, "a headquarters device reaches every site of its organisation",
                 "[unit][server_auth]") {
    const auto hq = device(store::DeviceRole::headquarters, "AB12", "");
    const auto access = GENERATE(Access::read_progress, Access::read, Access::write);
    INFO("access " << name(access));

    CHECK_NOTHROW(policy().require_site(hq, site("VA1B2"), access));
    CHECK_NOTHROW(policy().require_site(hq, site("VA1B3"), access));
    CHECK_NOTHROW(policy().require_organisation(hq, "AB12", access));

    const auto other_site = site_refusal(hq, "VX9Y8", access);
    CHECK_THAT(other_site, Catch::StartsWith("the headquarters device of AB12 may not "));
    CHECK_THAT(other_site, Catch::EndsWith("site VX9Y8"));
    CHECK_THAT(site_refusal(hq, "VC9D8", access), Catch::EndsWith("site VC9D8"));
    CHECK_THAT(organisation_refusal(hq, "XY34", access), Catch::EndsWith("organisation XY34"));
    CHECK_THAT(organisation_refusal(hq, "VC9D8", access), Catch::EndsWith("organisation VC9D8"));
}

TEST_CASE_METHOD(PolicyFixture, "a partner without a grant reaches nothing",
                 "[unit][server_auth]") {
    const auto partner = device(store::DeviceRole::partner, "", "", partner_id);
    const auto access = GENERATE(Access::read_progress, Access::read, Access::write);
    INFO("access " << name(access));

    const auto message = organisation_refusal(partner, "AB12", access);
    CHECK_THAT(message, Catch::StartsWith("a partner device may not "));
    CHECK_THAT(message, Catch::EndsWith("organisation AB12"));
    CHECK_THAT(site_refusal(partner, "VA1B2", access), Catch::EndsWith("site VA1B2"));
}

TEST_CASE_METHOD(PolicyFixture, "a partner with a live grant reads only progress, only there",
                 "[unit][server_auth]") {
    const auto partner = device(store::DeviceRole::partner, "", "", partner_id);
    repo().give_grant("AB12", partner_id, "admin", now, std::nullopt);

    CHECK_NOTHROW(policy().require_organisation(partner, "AB12", Access::read_progress));
    CHECK_NOTHROW(policy().require_site(partner, site("VA1B2"), Access::read_progress));
    CHECK_NOTHROW(policy().require_site(partner, site("VA1B3"), Access::read_progress));

    // Never answers or evidence, never writing.
    CHECK(organisation_refusal(partner, "AB12", Access::read) ==
          "a partner device may not read organisation AB12");
    CHECK(organisation_refusal(partner, "AB12", Access::write) ==
          "a partner device may not change organisation AB12");
    CHECK(site_refusal(partner, "VA1B2", Access::read) ==
          "a partner device may not read site VA1B2");
    CHECK(site_refusal(partner, "VA1B2", Access::write) ==
          "a partner device may not change site VA1B2");

    // Not the organisations that gave no grant.
    CHECK_THAT(organisation_refusal(partner, "XY34", Access::read_progress),
               Catch::EndsWith("organisation XY34"));
    CHECK_THAT(site_refusal(partner, "VX9Y8", Access::read_progress),
               Catch::EndsWith("site VX9Y8"));

    // The grant is to this partner, not to partners in general.
    const auto other = device(store::DeviceRole::partner, "", "", other_partner_id);
    CHECK_THAT(organisation_refusal(other, "AB12", Access::read_progress),
               Catch::StartsWith("a partner device may not read"));
}

TEST_CASE_METHOD(PolicyFixture, "a revoked grant ends the partner's access at once",
                 "[unit][server_auth]") {
    const auto partner = device(store::DeviceRole::partner, "", "", partner_id);
    repo().give_grant("AB12", partner_id, "admin", now, std::nullopt);
    REQUIRE_NOTHROW(policy().require_organisation(partner, "AB12", Access::read_progress));

    repo().revoke_grant("AB12", partner_id, "admin", now + 1);
    CHECK_THAT(organisation_refusal(partner, "AB12", Access::read_progress),
               Catch::EndsWith("organisation AB12"));
    CHECK_THAT(site_refusal(partner, "VA1B2", Access::read_progress),
               Catch::EndsWith("site VA1B2"));

    // A new grant gives it back.
    repo().give_grant("AB12", partner_id, "admin", now + 2, std::nullopt);
    CHECK_NOTHROW(policy().require_site(partner, site("VA1B2"), Access::read_progress));
}

TEST_CASE_METHOD(PolicyFixture, "a grant covers what the device that gave it sees",
                 "[unit][server_auth]") {
    const auto partner = device(store::DeviceRole::partner, "", "", partner_id);
    const auto lodge = enrol_branch("VA1B2").device;
    const auto court = enrol_branch("VA1B3").device;
    const auto grant = repo().give_grant("AB12", partner_id, lodge.id, now, std::nullopt);

    CHECK(policy().grant_covers(grant, "VA1B2"));
    CHECK_FALSE(policy().grant_covers(grant, "VA1B3"));
    CHECK_NOTHROW(policy().require_site(partner, site("VA1B2"), Access::read_progress));
    CHECK(site_refusal(partner, "VA1B3", Access::read_progress) ==
          "a partner device may not read site VA1B3");

    // The sister site neither takes it over nor ends it; the site that gave it may.
    CHECK_THAT(
        require_error(ErrorCode::forbidden, [&] { policy().require_grant_change(court, grant); }),
        Catch::Contains("given from another site or from headquarters"));
    CHECK_NOTHROW(policy().require_grant_change(lodge, grant));

    // Headquarters' grant covers every site, and no branch changes it.
    const auto headquarters = enrol_headquarters().device;
    repo().revoke_grant("AB12", partner_id, lodge.id, now + 1);
    const auto wide = repo().give_grant("AB12", partner_id, headquarters.id, now + 2, std::nullopt);
    CHECK(policy().grant_covers(wide, "VA1B2"));
    CHECK(policy().grant_covers(wide, "VA1B3"));
    CHECK_NOTHROW(policy().require_site(partner, site("VA1B3"), Access::read_progress));
    CHECK_THROWS_AS(policy().require_grant_change(lodge, wide), Error);
    CHECK_NOTHROW(policy().require_grant_change(headquarters, wide));
}

TEST_CASE_METHOD(PolicyFixture, "a partner device without a partner id reaches nothing",
                 "[unit][server_auth]") {
    auto partner = device(store::DeviceRole::partner, "", "", std::nullopt);
    repo().give_grant("AB12", partner_id, "admin", now, std::nullopt);
    CHECK_THAT(organisation_refusal(partner, "AB12", Access::read_progress),
               Catch::StartsWith("a partner device may not read"));
}

}  // namespace dspt::server::auth::test
