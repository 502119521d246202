// api::Router with the real Context: what a client sees for routing,
// authentication and authorisation, end to end without a socket.

#include "server/api/router.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "protocol/codec.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

// The JSON error body's "error" and "message".
std::pair<std::string, std::string> error_of(const http::Response& response) {
    INFO("body: " << response.body);
    REQUIRE(response.content_type == "application/json");
    const auto body = nlohmann::json::parse(response.body);
    return {body.at("error").get<std::string>(), body.at("message").get<std::string>()};
}

}  // namespace

class RouterFixture : public AuthFixture {
  public:
    http::Response handle(const http::Request& request) { return router.handle(request); }

    api::Router router{context};
};

TEST_CASE_METHOD(RouterFixture, "a path the API does not have is 404 in JSON",
                 "[unit][server_auth]") {
    const auto target = GENERATE(as<std::string>{}, "/nope", "/v2/whoami", "/v1/unknown",
                                 "/v1/whoami/extra", "/v1/org/keys");
    INFO("GET " << target);
    const auto response = handle(plain_request("GET", target));
    CHECK(response.status == 404);
    const auto [error, message] = error_of(response);
    CHECK(error == "not_found");
    CHECK(message == "no such endpoint: GET " + std::string(target));
    CHECK(response.route == "GET (unrouted)");
    CHECK(response.device.empty());
}

TEST_CASE_METHOD(RouterFixture, "a known path with the wrong method is 404",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto response = handle(sign(hq, "DELETE", "/v1/whoami"));
    CHECK(response.status == 404);
    CHECK(error_of(response).first == "not_found");
    CHECK(response.route == "DELETE (unrouted)");
}

TEST_CASE_METHOD(RouterFixture, "whoami without a signature is 401", "[unit][server_auth]") {
    const auto response = handle(plain_request("GET", "/v1/whoami"));
    CHECK(response.status == 401);
    const auto [error, message] = error_of(response);
    CHECK(error == "unauthenticated");
    CHECK_THAT(message, Catch::Contains("not signed"));
    CHECK(response.route == "GET /v1/whoami");
    CHECK(response.device.empty());
}

TEST_CASE_METHOD(RouterFixture, "a signed whoami answers the device's identity",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch("VA1B3");
    const auto response = handle(sign(branch, "GET", "/v1/whoami"));
    INFO("body: " << response.body);
    REQUIRE(response.status == 200);
    CHECK(response.content_type == "application/x-dspt");
    const auto identity = protocol::decode<protocol::Identity>(response.body);
    CHECK(identity ==
          protocol::Identity{branch.device.id, protocol::Role::branch, "AB12", "VA1B3", ""});
    CHECK(response.route == "GET /v1/whoami");
    CHECK(response.device == branch.device.id);
}

TEST_CASE_METHOD(RouterFixture, "a replayed or stale whoami is 401 with the reason",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch();
    const auto request = sign(branch, "GET", "/v1/whoami");
    REQUIRE(handle(request).status == 200);

    const auto replay = handle(request);
    CHECK(replay.status == 401);
    CHECK_THAT(error_of(replay).second, Catch::StartsWith("replayed request"));

    now += kWindowMs + 1;
    const auto fresh = handle(sign(branch, "GET", "/v1/whoami"));
    CHECK(fresh.status == 200);
    const auto old = handle(signed_request(branch.signing, branch.device.id, "GET", "/v1/whoami",
                                           "", now - kWindowMs - 1));
    CHECK(old.status == 401);
    CHECK_THAT(error_of(old).second, Catch::StartsWith("stale timestamp"));
}

TEST_CASE_METHOD(RouterFixture, "enrolling over the API is 201 with the EnrolResponse",
                 "[unit][server_auth]") {
    const auto admin = context.enrolment.create_admin_code("AB12", "VA1B2", "");
    const auto code = protocol::EnrolmentCode::parse(admin.code);
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    const auto body = protocol::encode(enrol_request(code, signing, box));

    const auto response = handle(plain_request("POST", "/v1/enrol", body));
    INFO("body: " << response.body);
    REQUIRE(response.status == 201);
    const auto enrolled = protocol::decode<protocol::EnrolResponse>(response.body);
    CHECK(enrolled.site_ods == "VA1B2");
    CHECK(response.route == "POST /v1/enrol");
    CHECK(response.device == enrolled.device_id);

    // The new device's first signed request works.
    const auto whoami =
        handle(signed_request(signing, enrolled.device_id, "GET", "/v1/whoami", "", now));
    CHECK(whoami.status == 200);

    // The same request again (its answer was lost): the same answer.
    const auto retry = handle(plain_request("POST", "/v1/enrol", body));
    REQUIRE(retry.status == 201);
    CHECK(protocol::decode<protocol::EnrolResponse>(retry.body) == enrolled);

    // The same code with another device's keys: 409, failed_precondition.
    const auto other_signing = crypto::SigningKeyPair::generate();
    const auto other_box = crypto::BoxKeyPair::generate();
    const auto again = handle(plain_request(
        "POST", "/v1/enrol", protocol::encode(enrol_request(code, other_signing, other_box))));
    CHECK(again.status == 409);
    const auto [error, message] = error_of(again);
    CHECK(error == "failed_precondition");
    CHECK_THAT(message, Catch::Contains("used"));
    CHECK(repo().list_devices().size() == 1);
}

TEST_CASE_METHOD(RouterFixture, "a wrong enrolment code is 401 and a garbled body is 400",
                 "[unit][server_auth]") {
    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    const auto wrong = handle(plain_request(
        "POST", "/v1/enrol",
        protocol::encode(enrol_request(protocol::EnrolmentCode::generate(), signing, box))));
    CHECK(wrong.status == 401);
    CHECK(error_of(wrong) == std::pair<std::string, std::string>{
                                 "unauthenticated", "the enrolment code is not valid"});

    const auto garbled = handle(plain_request("POST", "/v1/enrol", "not a message"));
    CHECK(garbled.status == 400);
    CHECK(error_of(garbled).first == "protocol");
}

TEST_CASE_METHOD(RouterFixture, "a device reaching outside its role is 403",
                 "[unit][server_auth]") {
    const auto branch = enrol_branch("VA1B2");

    const auto own = handle(sign(branch, "GET", "/v1/sites/VA1B2"));
    REQUIRE(own.status == 200);
    CHECK(protocol::decode<protocol::SiteInfo>(own.body).name == "Rose Lodge");

    const auto sibling = handle(sign(branch, "GET", "/v1/sites/VA1B3"));
    CHECK(sibling.status == 403);
    CHECK(error_of(sibling) ==
          std::pair<std::string, std::string>{
              "forbidden", "the branch device of site VA1B2 may not read site VA1B3"});
    CHECK(sibling.device == branch.device.id);

    // A site that does not exist answers as one of another organisation.
    const auto missing = handle(sign(branch, "GET", "/v1/sites/VZ0Z0"));
    CHECK(missing.status == 403);

    const auto organisation = handle(sign(branch, "GET", "/v1/orgs/AB12/grants"));
    CHECK(organisation.status == 403);
    CHECK(error_of(organisation).first == "forbidden");
}

TEST_CASE_METHOD(RouterFixture, "headquarters reads its organisation over the API",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto response = handle(sign(hq, "GET", "/v1/orgs/AB12"));
    INFO("body: " << response.body);
    REQUIRE(response.status == 200);
    const auto view = protocol::decode<protocol::OrganisationView>(response.body);
    CHECK(view.ods == "AB12");
    CHECK(view.name == "Rose Care Group");
    CHECK(view.is_headquarters);
    REQUIRE(view.sites.size() == 2);
    CHECK(view.sites[0].ods == "VA1B2");
    CHECK(view.sites[1].ods == "VA1B3");

    CHECK(handle(sign(hq, "GET", "/v1/orgs/XY34")).status == 403);
}

TEST_CASE_METHOD(RouterFixture, "a partner reads progress only of an organisation that granted it",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto partner = enrol_partner();

    CHECK(handle(sign(partner, "GET", "/v1/orgs/AB12")).status == 403);

    protocol::GrantRequest grant;
    grant.partner_name = "Care Support Ltd";
    const auto given = handle(sign(hq, "POST", "/v1/orgs/AB12/grants", protocol::encode(grant)));
    INFO("body: " << given.body);
    REQUIRE(given.status == 201);
    CHECK(protocol::decode<protocol::GrantView>(given.body).given_at_ms == now);

    CHECK(handle(sign(partner, "GET", "/v1/orgs/AB12")).status == 200);
    CHECK(handle(sign(partner, "GET", "/v1/sites/VA1B3")).status == 200);
    CHECK(handle(sign(partner, "GET", "/v1/orgs/AB12/grants")).status == 403);
    CHECK(handle(sign(partner, "GET", "/v1/org/recovery")).status == 403);

    now += 1000;
    const auto revoked = handle(sign(hq, "DELETE", "/v1/orgs/AB12/grants/Care%20Support%20Ltd"));
    INFO("body: " << revoked.body);
    REQUIRE(revoked.status == 200);
    CHECK(protocol::decode<protocol::GrantView>(revoked.body).revoked_at_ms == now);
    CHECK(handle(sign(partner, "GET", "/v1/orgs/AB12")).status == 403);
}

TEST_CASE_METHOD(RouterFixture, "invites and the recovery envelope over the API",
                 "[unit][server_auth]") {
    const auto hq = enrol_headquarters();
    const auto key = crypto::SecretKey::generate();

    CHECK(handle(sign(hq, "GET", "/v1/org/recovery")).status == 404);
    const protocol::KeyEnvelope envelope{protocol::seal_organisation_key(
        protocol::EnrolmentCode::generate(), protocol::CodePurpose::recovery, key)};
    const auto put = handle(sign(hq, "PUT", "/v1/org/recovery", protocol::encode(envelope)));
    CHECK(put.status == 204);
    CHECK(put.body.empty());
    const auto again = handle(sign(hq, "PUT", "/v1/org/recovery", protocol::encode(envelope)));
    CHECK(again.status == 409);
    CHECK(error_of(again).first == "already_exists");
    const auto got = handle(sign(hq, "GET", "/v1/org/recovery"));
    REQUIRE(got.status == 200);
    CHECK(protocol::decode<protocol::KeyEnvelope>(got.body) == envelope);

    const auto code = protocol::EnrolmentCode::generate();
    protocol::InviteRequest invite;
    invite.role = protocol::Role::branch;
    invite.site_ods = "VA1B3";
    invite.token_id = code.token_id();
    invite.verifier = protocol::verifier(protocol::auth_key(code.secret()));
    invite.organisation_key_envelope =
        protocol::seal_organisation_key(code, protocol::CodePurpose::enrolment, key);
    const auto invited = handle(sign(hq, "POST", "/v1/invites", protocol::encode(invite)));
    INFO("body: " << invited.body);
    REQUIRE(invited.status == 201);
    CHECK(protocol::decode<protocol::InviteResponse>(invited.body).token_id == code.token_id());

    const auto signing = crypto::SigningKeyPair::generate();
    const auto box = crypto::BoxKeyPair::generate();
    const auto enrolled = handle(
        plain_request("POST", "/v1/enrol", protocol::encode(enrol_request(code, signing, box))));
    REQUIRE(enrolled.status == 201);
    const auto response = protocol::decode<protocol::EnrolResponse>(enrolled.body);
    CHECK(response.organisation_key_exists);
    CHECK(same_bytes(protocol::open_organisation_key(code, protocol::CodePurpose::enrolment,
                                                     response.organisation_key_envelope)
                         .view(),
                     key.view()));
}

TEST_CASE_METHOD(RouterFixture, "a malformed percent-encoding in the path is 400",
                 "[unit][server_auth]") {
    const auto response = handle(plain_request("GET", "/v1/sites/VA%4"));
    CHECK(response.status == 400);
    const auto [error, message] = error_of(response);
    CHECK(error == "invalid_argument");
    CHECK_THAT(message, Catch::Contains("percent-encoding"));
}

}  // namespace dspt::server::auth::test
