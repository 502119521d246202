// registry::GrantService on a real repository: giving, revoking and listing grants, and
// what it refuses.

#include "server/registry/grant_service.hpp"

#include <chrono>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "common/date.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

protocol::GrantRequest grant_request_for(std::string partner_name, std::string until = "") {
    protocol::GrantRequest request;
    request.partner_name = std::move(partner_name);
    request.until = std::move(until);
    return request;
}

}  // namespace

TEST_CASE_METHOD(AuthFixture, "GrantService gives a grant to a partner found by name",
                 "[unit][server_api]") {
    const auto hq = enrol_headquarters();
    // Partner names are found without regard to ASCII case.
    const auto given =
        context.grants.give(hq.device, "AB12", grant_request_for("care support ltd"), now);
    CHECK(given.organisation_ods == "AB12");
    CHECK(given.partner_name == "Care Support Ltd");
    CHECK(given.given_at_ms == now);
    CHECK(given.revoked_at_ms == 0);
    CHECK(given.expires_at_ms == 0);  // until revoked

    const auto stored = repo().live_grant("AB12", partner_id, now);
    REQUIRE(stored.has_value());
    CHECK(stored->given_by_device == hq.device.id);
}

TEST_CASE_METHOD(AuthFixture, "GrantService refuses an unknown partner and a bad end",
                 "[unit][server_api]") {
    const auto hq = enrol_headquarters();
    CHECK(require_error(ErrorCode::not_found, [&] {
              context.grants.give(hq.device, "AB12", grant_request_for("Nobody"), now);
          }) == "there is no partner named \"Nobody\"");
    CHECK(require_error(ErrorCode::not_found, [&] {
              context.grants.revoke(hq.device, "AB12", "Nobody", now);
          }) == "there is no partner named \"Nobody\"");

    for (const std::string until : {"31/12/2099", "2099-02-30", "tomorrow"}) {
        INFO("until: " << until);
        CHECK(require_error(ErrorCode::invalid_argument, [&] {
                  context.grants.give(hq.device, "AB12",
                                      grant_request_for("Care Support Ltd", until), now);
              }) == "the grant's end is not a date (YYYY-MM-DD): " + until);
    }
    CHECK_FALSE(repo().live_grant("AB12", partner_id, now).has_value());
}

TEST_CASE_METHOD(AuthFixture, "a grant with an end is in force to the end of that day, UTC",
                 "[unit][server_api]") {
    const auto hq = enrol_headquarters();
    const auto partner = enrol_partner();
    const auto end = Date::from_days(Date::from_unix_ms(now).days() + std::chrono::days(10));
    const auto given = context.grants.give(
        hq.device, "AB12", grant_request_for("Care Support Ltd", end.to_string()), now);
    CHECK(given.expires_at_ms == end.end_unix_ms());

    REQUIRE(context.grants.to_partner(partner.device, end.end_unix_ms()).grants.size() == 1);
    CHECK(context.grants.to_partner(partner.device, end.end_unix_ms() + 1).grants.empty());
    // The organisation still lists it, expired or not.
    const auto listed = context.grants.of_organisation("AB12");
    REQUIRE(listed.grants.size() == 1);
    CHECK(listed.grants[0].expires_at_ms == end.end_unix_ms());
}

TEST_CASE_METHOD(AuthFixture, "GrantService revokes and lists grants", "[unit][server_api]") {
    const auto hq = enrol_headquarters();
    const auto partner = enrol_partner();
    context.grants.give(hq.device, "AB12", grant_request_for("Care Support Ltd"), now);
    REQUIRE(context.grants.to_partner(partner.device, now).grants.size() == 1);

    now += 1000;
    const auto revoked = context.grants.revoke(hq.device, "AB12", "Care Support Ltd", now);
    CHECK(revoked.revoked_at_ms == now);
    CHECK(context.grants.to_partner(partner.device, now).grants.empty());
    const auto listed = context.grants.of_organisation("AB12");
    REQUIRE(listed.grants.size() == 1);
    CHECK(listed.grants[0].revoked_at_ms == now);

    // Nothing live is left to revoke.
    CHECK(require_error(ErrorCode::not_found, [&] {
              context.grants.revoke(hq.device, "AB12", "Care Support Ltd", now);
          }) != "");
}

TEST_CASE_METHOD(AuthFixture, "only a partner device lists the grants given to it",
                 "[unit][server_api]") {
    const auto hq = enrol_headquarters();
    const auto branch = enrol_branch();
    for (const auto* device : {&hq.device, &branch.device}) {
        CHECK(require_error(ErrorCode::forbidden, [&] {
                  context.grants.to_partner(*device, now);
              }) == "only a partner device has grants given to it");
    }
}

}  // namespace dspt::server::auth::test
