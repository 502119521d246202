// The organisation profile in the client store: the named roles, the NHSmail
// address and the organisation type, checked as they are set and as they are
// received; who may set them; and the action-plan document kept as evidence.

#include <catch2/catch.hpp>

#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/assessment/publish_readiness.hpp"
#include "protocol/register_key.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

DeviceIdentity cedar_branch() {
    return branch_device("CD2", "Cedar House", "VC001");
}

PulledRegister pulled_profile(std::string field, nlohmann::json value, std::int64_t version) {
    return PulledRegister{"",           "profile/" + field,
                          version,      std::move(value),
                          "hq-replica", nlohmann::json::array(),
                          {},           0,
                          {version},    0};
}

}  // namespace

TEST_CASE("the profile's roles, NHSmail address and type are checked, kept and sent",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_profile_text(protocol::kProfileCaldicottGuardian, "  Dr Ruth Okafor ");
    store->set_profile_text(protocol::kProfileSiro, "Sam Reid");
    store->set_profile_text(protocol::kProfileDataProtectionOfficer, "Priya Shah");
    store->set_profile_text(protocol::kProfileNhsmail, " Cedar.House@NHS.net ");
    store->set_profile_text(protocol::kProfileOrganisationType, "Care home");
    CHECK(store->profile_text(protocol::kProfileCaldicottGuardian) == "Dr Ruth Okafor");
    CHECK(store->profile_text(protocol::kProfileNhsmail) == "cedar.house@nhs.net");
    CHECK(store->profile_text(protocol::kProfileOrganisationType) == "care_home");
    const auto sent = store->outbox().pending(10);
    REQUIRE(sent.size() == 5);
    CHECK(sent[0].register_key == "profile/caldicott_guardian");
    CHECK(sent[0].payload == nlohmann::json{{"name", "Dr Ruth Okafor"}});
    CHECK(sent[3].payload == nlohmann::json{{"address", "cedar.house@nhs.net"}});
    CHECK(sent[4].payload == nlohmann::json{{"type", "care_home"}});

    for (const auto* bad : {"cedar house@nhs.net", "cedar@gmail.com", "cedar", "a@b@nhs.net",
                            ".cedar@nhs.net", "@nhs.net"}) {
        INFO(bad);
        CHECK_THAT(require_error(ErrorCode::invalid_argument,
                                 [&] { store->set_profile_text(protocol::kProfileNhsmail, bad); }),
                   Catch::Contains("is not an NHSmail address"));
    }
    CHECK_THAT(
        require_error(
            ErrorCode::invalid_argument,
            [&] { store->set_profile_text(protocol::kProfileOrganisationType, "nursing agency"); }),
        Catch::Contains("care_home, homecare, both or other"));
    require_error(ErrorCode::invalid_argument,
                  [&] { store->set_profile_text(protocol::kProfileSiro, "  "); });
    require_error(ErrorCode::invalid_argument, [&] {
        store->set_profile_text(protocol::kProfileCyberEssentialsPlus, "2026-01-01");
    });
    CHECK(store->profile_text(protocol::kProfileNhsmail) == "cedar.house@nhs.net");
    CHECK(store->outbox().pending_count() == 5);  // the refused ones wrote nothing

    store->set_profile_text(protocol::kProfileSiro, std::nullopt);
    CHECK_FALSE(store->profile_text(protocol::kProfileSiro).has_value());
    CHECK(store->outbox().pending(10).back().payload == nlohmann::json{{"deleted", true}});
}

TEST_CASE("a branch device sets the profile only when its organisation has this one site",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    save_identity(*store, cedar_branch());
    CHECK_FALSE(store->may_set_profile());
    CHECK_THAT(
        require_error(ErrorCode::forbidden,
                      [&] { store->set_cyber_essentials_plus_expires(Date::parse("2027-03-31")); }),
        Catch::Contains("the organisation profile is set by headquarters"));
    require_error(ErrorCode::forbidden,
                  [&] { store->set_profile_text(protocol::kProfileDataProtectionOfficer, "P"); });
    CHECK(store->outbox().pending_count() == 0);

    // The server said: one site, no headquarters.
    store->set_single_site_organisation(true);
    CHECK(store->may_set_profile());
    store->set_cyber_essentials_plus_expires(Date::parse("2027-03-31"));
    store->set_profile_text(protocol::kProfileOrganisationType, "homecare");
    const auto sent = store->outbox().pending(10);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].register_key == "profile/cyber_essentials_plus");
    CHECK(sent[0].scope.empty());  // organisation-wide
    CHECK(sent[1].payload == nlohmann::json{{"type", "homecare"}});

    // A second site was added since: refused again.
    store->set_single_site_organisation(false);
    require_error(ErrorCode::forbidden, [&] { store->set_cyber_essentials_plus_expires({}); });
    CHECK(store->cyber_essentials_plus_expires() == Date::parse("2027-03-31"));
}

TEST_CASE("a single-site provider's device keeps the profile changes made before enrolling",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_cyber_essentials_plus_expires(Date::parse("2027-03-31"));
    store->set_single_site_organisation(true);  // as the enrolment found
    save_identity(*store, cedar_branch());
    const auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].register_key == "profile/cyber_essentials_plus");
}

TEST_CASE("profile values received from other devices are kept when this build can read them",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    save_identity(*store, cedar_branch());
    CHECK(apply_pulled(*store,
                       {pulled_profile("caldicott_guardian", {{"name", "Dr Ruth Okafor"}}, 1),
                        pulled_profile("nhsmail", {{"address", "cedar.house@nhs.net"}}, 2),
                        pulled_profile("organisation_type", {{"type", "both"}}, 3),
                        pulled_profile("nhsmail", {{"address", "not an address"}}, 4),
                        pulled_profile("organisation_type", {{"type", "hospital"}}, 5)},
                       ScopeMap{"VC001"}, 5, nullptr) == 3);
    CHECK(store->profile_text(protocol::kProfileCaldicottGuardian) == "Dr Ruth Okafor");
    CHECK(store->profile_text(protocol::kProfileNhsmail) == "cedar.house@nhs.net");
    CHECK(store->profile_text(protocol::kProfileOrganisationType) == "both");
    apply_pulled(*store, {pulled_profile("caldicott_guardian", {{"deleted", true}}, 6)},
                 ScopeMap{"VC001"}, 6, nullptr);
    CHECK_FALSE(store->profile_text(protocol::kProfileCaldicottGuardian).has_value());
    CHECK(store->outbox().pending_count() == 0);  // received, not sent back
}

TEST_CASE("an action-plan document is evidence of the plan slot, not of an item",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto file = home.make_file("action plan.docx", "PK plan");
    const auto added = store->evidence().add(assessment::kPlanDocumentSlot, file);
    CHECK(added.item_id == "plan");
    CHECK(store->evidence().list(assessment::kPlanDocumentSlot).size() == 1);
    CHECK(store->evidence().list(std::string_view(kTextItem)).empty());
    const auto assessment = store->assessment();
    CHECK(assessment::has_plan_document(assessment));
    CHECK(home.read_evidence(*store, added.id) == Bytes{'P', 'K', ' ', 'p', 'l', 'a', 'n'});
    require_error(ErrorCode::not_found, [&] { store->evidence().add("plans", file); });

    // It stands for the plan entries of a first publication at Approaching
    // Standards, and for nothing else.
    assessment::PublishFacts facts;
    facts.level = standards::Level::approaching;
    facts.today = *Date::parse("2026-01-10");
    const auto problems =
        assessment::publication_problems(store->pack(), {{"", assessment, {}}}, facts);
    for (const auto& problem : problems) {
        CHECK_THAT(problem.message, !Catch::Contains("action-plan entry"));
    }
    store->evidence().remove(added.id);
    const auto without = store->assessment();
    CHECK_FALSE(assessment::has_plan_document(without));
    bool asks_for_entries = false;
    for (const auto& problem :
         assessment::publication_problems(store->pack(), {{"", without, {}}}, facts)) {
        asks_for_entries =
            asks_for_entries || problem.message.find("action-plan entry") != std::string::npos;
    }
    CHECK(asks_for_entries);
}
