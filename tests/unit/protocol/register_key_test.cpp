// Register keys: the year-qualified form of an assessment's registers, the
// year-free profile, and the keys the server refuses.

#include "protocol/register_key.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"

using dspt::Error;
using dspt::ErrorCode;
using dspt::protocol::is_valid_year;
using dspt::protocol::RegisterKey;
using dspt::protocol::RegisterKind;

namespace {

std::string refusal(const std::string& key) {
    try {
        (void)RegisterKey::parse(key);
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        return e.what();
    }
    FAIL("accepted " << key);
    return {};
}

}  // namespace

TEST_CASE("register keys round-trip between their wire and local forms", "[unit][protocol]") {
    const std::vector<std::string> keys = {"2025-26/answer/1.1.1",
                                           "2024-25/plan/10.2.1",
                                           "2025-26/evidence/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
                                           "profile/cyber_essentials_plus",
                                           "profile/security_lead",
                                           "2099-00/answer/9.5.2"};
    for (const auto& text : keys) {
        INFO(text);
        const auto key = RegisterKey::parse(text);
        CHECK(key.to_string() == text);
        CHECK(RegisterKey::try_parse(text) == key);
        CHECK(RegisterKey::from_local(key.local_key(), "2025-26").local_key() == key.local_key());
    }

    const auto answer = RegisterKey::parse("2025-26/answer/1.1.1");
    CHECK(answer.year == "2025-26");
    CHECK(answer.kind == RegisterKind::answer);
    CHECK(answer.name == "1.1.1");
    CHECK(answer.local_key() == "answer/1.1.1");
    CHECK(answer.has_year());

    // A client store's key takes its year; the profile never has one.
    CHECK(RegisterKey::from_local("plan/3.2.1", "2024-25").to_string() == "2024-25/plan/3.2.1");
    const auto profile = RegisterKey::from_local("profile/security_lead", "2024-25");
    CHECK_FALSE(profile.has_year());
    CHECK(profile.year.empty());
    CHECK(profile.to_string() == "profile/security_lead");
}

TEST_CASE("malformed register keys and years are refused, saying why", "[unit][protocol]") {
    CHECK_THAT(refusal("answer/1.1.1"), Catch::Contains("<year>/answer|plan|evidence/<name>"));
    CHECK_THAT(refusal("2025-27/answer/1.1.1"), Catch::Contains("not a standards year"));
    CHECK_THAT(refusal("25-26/answer/1.1.1"), Catch::Contains("not a standards year"));
    CHECK_THAT(refusal("2025-26/notes/1.1.1"), Catch::Contains("not answer, plan or evidence"));
    CHECK_THAT(refusal("2025-26/profile/security_lead"),
               Catch::Contains("not answer, plan or evidence"));
    CHECK_THAT(refusal("2025-26/answer/1.1"), Catch::Contains("not an item id"));
    CHECK_THAT(refusal("2025-26/answer/01.1.1"), Catch::Contains("not an item id"));
    CHECK_THAT(refusal("2025-26/plan/"), Catch::Contains("not an item id"));
    CHECK_THAT(refusal("2025-26/evidence/0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"),
               Catch::Contains("lower-case UUID"));
    CHECK_THAT(refusal("2025-26/evidence/1.1.1"), Catch::Contains("lower-case UUID"));
    CHECK_THAT(refusal("profile/information_governance_lead"), Catch::Contains("security_lead"));
    for (const auto* field : {"caldicott_guardian", "senior_information_risk_owner",
                              "data_protection_officer", "nhsmail", "organisation_type"}) {
        CHECK(RegisterKey::parse(std::string("profile/") + field).name == field);
    }
    CHECK_THAT(refusal("profile/security_lead/x"), Catch::Contains("profile/<field>"));
    CHECK_THAT(refusal("2025-26/answer/1.1.1/x"), Catch::Contains("profile/<field>"));
    CHECK_THAT(refusal(""), Catch::Contains("profile/<field>"));
    CHECK_FALSE(RegisterKey::try_parse("answer/1.1.1").has_value());
    CHECK_THROWS_AS(RegisterKey::from_local("answer/1.1.1", "2025"), Error);

    CHECK(is_valid_year("2025-26"));
    CHECK(is_valid_year("2099-00"));
    CHECK_FALSE(is_valid_year("2025-25"));
    CHECK_FALSE(is_valid_year("2025/26"));
    CHECK_FALSE(is_valid_year("2025-260"));
    CHECK_FALSE(is_valid_year("20a5-26"));
    CHECK_FALSE(is_valid_year(""));
}
