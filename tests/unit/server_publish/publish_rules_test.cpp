// The publishing rules (server/publish/publish_rules.hpp) and the assessments
// read back from synced registers, with the reasons the server gives.

#include "server/publish/publish_rules.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

#include "common/assessment/evaluator.hpp"
#include "common/assessment/publish_readiness.hpp"
#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "server/publish/register_drafts.hpp"

using namespace dspt;
using namespace dspt::server;
using namespace dspt::server::publish;
using standards::Level;

namespace {

const standards::Pack& pack() {
    return standards::bundled_pack("2025-26");
}

// An assessment that satisfies every item `level` needs.
assessment::Assessment ready_for(Level level) {
    assessment::Assessment result;
    for (const auto& item : pack().items) {
        const bool needed =
            item.mandatory_approaching || (level != Level::approaching && item.mandatory_met);
        if (!needed) {
            continue;
        }
        std::string value = "Described in the handbook";
        if (item.type == standards::AnswerType::confirm) {
            value = "yes";
        } else if (item.type == standards::AnswerType::date) {
            value = "2026-09-01";
        }
        result.answers[item.id] = {value, "", 0, "manager"};
    }
    return result;
}

SiteDraft site(std::string code, assessment::Assessment effective) {
    return {std::move(code), std::move(effective), {}};
}

PublishFacts facts(Level level) {
    PublishFacts f;
    f.level = level;
    f.today = *Date::parse("2026-11-21");
    return f;
}

std::vector<std::string> items_of(const std::vector<Problem>& problems) {
    std::vector<std::string> items;
    for (const auto& problem : problems) {
        items.push_back(problem.item);
    }
    return items;
}

store::Device device(store::DeviceRole role, std::string site = "") {
    store::Device d;
    d.id = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    d.role = role;
    d.organisation_ods = "AB1";
    d.site_ods = std::move(site);
    return d;
}

const std::vector<store::Site> kSites{{"VA001", "AB1", "1-100000001", "Leeds"},
                                      {"VA002", "AB1", "1-100000002", "York"},
                                      {"VA003", "AB1", "1-100000003", "Hull"}};

template <typename Fn>
std::string error_of(ErrorCode code, Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        CHECK(to_string(e.code()) == to_string(code));
        return e.what();
    }
    FAIL("no error");
    return {};
}

}  // namespace

TEST_CASE("a site that reaches the level publishes with no problem", "[unit][server_publish]") {
    CHECK(publication_problems(pack(), {site("VA001", ready_for(Level::met))}, facts(Level::met))
              .empty());
    auto lacking = ready_for(Level::approaching);
    for (const auto& id : assessment::items_needing_plan(pack(), lacking)) {
        lacking.plan[id] = {id, "Write it", "Manager", *Date::parse("2027-03-31")};
    }
    CHECK(
        publication_problems(pack(), {site("VA001", lacking)}, facts(Level::approaching)).empty());
}

TEST_CASE("every unsatisfied item is a problem of its site", "[unit][server_publish]") {
    auto leeds = ready_for(Level::met);
    leeds.answers.erase("1.1.1");
    leeds.answers["2.1.1"].value = "no";
    auto york = ready_for(Level::met);
    york.answers.erase("1.1.5");
    const auto problems = publication_problems(pack(), {site("VA001", leeds), site("VA002", york)},
                                               facts(Level::met));
    REQUIRE(problems.size() == 3);
    CHECK(problems[0] == Problem{"VA001", "1.1.1", problems[0].message});
    CHECK(problems[1].item == "2.1.1");
    CHECK(problems[2].site == "VA002");
    CHECK(problems[2].item == "1.1.5");
    CHECK_THAT(problems[0].message, Catch::Contains("Standards Met needs it"));
}

TEST_CASE("a first publication at Approaching Standards needs a plan for what Met still lacks",
          "[unit][server_publish]") {
    auto draft = ready_for(Level::approaching);
    const auto lacking = assessment::items_needing_plan(pack(), draft);
    REQUIRE_FALSE(lacking.empty());
    const auto problems =
        publication_problems(pack(), {site("VC001", draft)}, facts(Level::approaching));
    CHECK(items_of(problems) == lacking);
    CHECK_THAT(problems.front().message, Catch::Contains("action-plan entry"));

    for (const auto& id : lacking) {
        draft.plan[id] = {id, "Write it", "Manager", *Date::parse("2027-03-31")};
    }
    CHECK(publication_problems(pack(), {site("VC001", draft)}, facts(Level::approaching)).empty());
}

TEST_CASE("after any publication, Approaching Standards is refused", "[unit][server_publish]") {
    auto f = facts(Level::approaching);
    f.last = assessment::PriorPublication{Level::approaching, "2024-25", {}, {}};
    const auto problems = publication_problems(pack(), {site("VC001", ready_for(Level::met))}, f);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].site.empty());
    CHECK_THAT(problems[0].message, Catch::Contains("must reach at least Standards Met"));

    f.level = Level::met;
    CHECK(publication_problems(pack(), {site("VC001", ready_for(Level::met))}, f).empty());
}

TEST_CASE("a first publication at Approaching Standards is refused once Standards Met is reached",
          "[unit][server_publish]") {
    auto reaching = ready_for(Level::met);
    const auto problems = publication_problems(
        pack(), {site("VA001", ready_for(Level::approaching)), site("VA002", reaching)},
        facts(Level::approaching));
    // VA001 still lacks Standards Met items (plan entries); VA002 reaches it.
    const auto refusal = std::find_if(problems.begin(), problems.end(),
                                      [](const Problem& p) { return p.site == "VA002"; });
    REQUIRE(refusal != problems.end());
    CHECK(refusal->item.empty());
    CHECK_THAT(refusal->message, Catch::Contains("already reaches Standards Met") &&
                                     Catch::Contains("one-time allowance"));
    CHECK(publication_problems(pack(), {site("VA002", reaching)}, facts(Level::met)).empty());
}

TEST_CASE("publishing is against the version open on the day", "[unit][server_publish]") {
    auto f = facts(Level::met);
    f.packs_held = standards::openings_of(standards::bundled_packs());
    CHECK(publication_problems(pack(), {site("VA001", ready_for(Level::met))}, f).empty());

    const auto& older = standards::bundled_pack("2024-25");
    const auto problems = publication_problems(older, {site("VA001", {})}, f);
    REQUIRE_FALSE(problems.empty());
    CHECK(problems[0].message ==
          "2024-25 is no longer open for publishing: the open version is 2025-26 (start it with "
          "dspt year start 2025-26)");

    // Before 2025-26 opened, 2024-25 was the open version.
    f.today = *Date::parse("2025-09-17");
    CHECK_THAT(publication_problems(pack(), {site("VA001", ready_for(Level::met))}, f)[0].message,
               Catch::Contains("2025-26 is not open for publishing yet (it opens on 2025-09-18)"));
}

TEST_CASE("a publication at the same level on the same day republishes", "[unit][server_publish]") {
    const auto today = *Date::parse("2026-11-21");
    const std::vector<assessment::PriorPublication> history{
        {Level::met, "2025-26", today, {"VA001", "VA002"}},
        {Level::approaching, "2025-26", *Date::parse("2026-01-10"), {"VA001"}}};
    const auto again = assessment::republished(history, Level::met, "2025-26", {"VA002"}, today);
    REQUIRE(again.has_value());
    CHECK(again->sites == std::vector<std::string>{"VA001", "VA002"});
    CHECK(assessment::republished(history, Level::met, "2025-26", {}, today).has_value());
    CHECK_FALSE(assessment::republished(history, Level::exceeded, "2025-26", {}, today));
    CHECK_FALSE(assessment::republished(history, Level::met, "2025-26", {"VA003"}, today));
    CHECK_FALSE(
        assessment::republished(history, Level::met, "2025-26", {}, *Date::parse("2026-11-22")));
}

TEST_CASE("publishing at Standards Exceeded needs a current Cyber Essentials Plus certificate",
          "[unit][server_publish]") {
    auto draft = ready_for(Level::met);
    auto none = publication_problems(pack(), {site("VA001", draft)}, facts(Level::exceeded));
    REQUIRE(none.size() == 1);
    CHECK_THAT(none[0].message, Catch::Contains("has none"));

    draft.profile.cyber_essentials_plus_expires = Date::parse("2026-11-20");
    auto expired = publication_problems(pack(), {site("VA001", draft)}, facts(Level::exceeded));
    REQUIRE(expired.size() == 1);
    CHECK_THAT(expired[0].message, Catch::Contains("expired on 2026-11-20"));

    draft.profile.cyber_essentials_plus_expires = Date::parse("2026-11-21");  // its last day
    CHECK(publication_problems(pack(), {site("VA001", draft)}, facts(Level::exceeded)).empty());

    // The certificate does not make up for a missing item.
    draft.answers.erase("1.1.1");
    CHECK(items_of(publication_problems(pack(), {site("VA001", draft)}, facts(Level::exceeded))) ==
          std::vector<std::string>{"1.1.1"});
}

TEST_CASE("conflicts and changes the server lacks stop publishing", "[unit][server_publish]") {
    auto draft = site("VA001", ready_for(Level::met));
    draft.conflicts = {"answer/1.1.1", "plan/3.2.1"};
    auto f = facts(Level::met);
    f.changes_not_received = 2;
    const auto problems = publication_problems(pack(), {draft}, f);
    REQUIRE(problems.size() == 3);
    CHECK_THAT(problems[0].message, Catch::Contains("not received 2 change(s)"));
    CHECK(problems[1].item == "1.1.1");
    CHECK_THAT(problems[1].message, Catch::Contains("conflicting values"));
    CHECK(problems[2].item.empty());
    CHECK_THAT(problems[2].message, Catch::Contains("plan/3.2.1"));
}

TEST_CASE("who may publish which sites", "[unit][server_publish]") {
    const store::Organisation hq{"AB1", "Acorn Homecare", true, std::nullopt, 0};
    const auto branch = device(store::DeviceRole::branch, "VA001");
    CHECK(sites_to_publish(branch, hq, kSites, {}) == std::vector<std::string>{"VA001"});
    CHECK(sites_to_publish(branch, hq, kSites, {"VA001"}) == std::vector<std::string>{"VA001"});
    CHECK_THAT(
        error_of(ErrorCode::forbidden, [&] { sites_to_publish(branch, hq, kSites, {"VA002"}); }),
        Catch::Contains("own site (VA001) only"));

    const auto head_office = device(store::DeviceRole::headquarters);
    CHECK(sites_to_publish(head_office, hq, kSites, {"VA003", "VA001", "VA003"}) ==
          std::vector<std::string>{"VA001", "VA003"});
    CHECK_THAT(error_of(ErrorCode::invalid_argument,
                        [&] { sites_to_publish(head_office, hq, kSites, {}); }),
               Catch::Contains("VA001, VA002, VA003"));
    error_of(ErrorCode::forbidden, [&] { sites_to_publish(head_office, hq, kSites, {"VC001"}); });
    error_of(ErrorCode::forbidden,
             [&] { sites_to_publish(device(store::DeviceRole::partner), hq, kSites, {"VA001"}); });
}

TEST_CASE("an organisation not flagged as a headquarters publishes for any of its sites",
          "[unit][server_publish]") {
    const store::Organisation group{"AB1", "Acorn Homecare", false, std::nullopt, 0};
    const auto head_office = device(store::DeviceRole::headquarters);
    // Never published: any registered site, not only the one it published for.
    CHECK(sites_to_publish(head_office, group, kSites, {"VA003", "VA001"}) ==
          std::vector<std::string>{"VA001", "VA003"});
    CHECK(sites_to_publish(head_office, group, kSites, {"VA002"}) ==
          std::vector<std::string>{"VA002"});
    // A site outside its registration stays refused.
    CHECK_THAT(error_of(ErrorCode::forbidden,
                        [&] { sites_to_publish(head_office, group, kSites, {"VC001"}); }),
               Catch::Contains("VC001 is not a site of AB1"));
    const std::vector<store::Site> one{{"VC001", "AB1", "1-200000001", "Cedar House"}};
    CHECK(sites_to_publish(head_office, group, one, {"VC001"}) ==
          std::vector<std::string>{"VC001"});
}

TEST_CASE("the assessments are read back from the year's registers", "[unit][server_publish]") {
    const auto reg = [](std::string scope, std::string key, std::string payload,
                        bool conflicted = false) {
        store::Register r;
        r.scope = std::move(scope);
        r.register_key = std::move(key);
        r.version = 1;
        r.values.push_back({1, "replica-a", 1, 1, 0, payload, "A"});
        if (conflicted) {
            r.values.push_back({2, "replica-b", 1, 2, 0, payload, "B"});
        }
        return r;
    };
    const std::vector<store::Register> registers{
        reg("VA001", "2025-26/answer/1.1.1", R"({"item":"1.1.1","value":"ZA1","comment":"c"})"),
        reg("VA001", "2024-25/answer/1.1.2", R"({"item":"1.1.2","value":"old year"})"),
        reg("VA001", "2025-26/answer/2.1.1", R"({"item":"2.1.1","deleted":true})"),
        reg("VA001", "2025-26/answer/2.1.2", "not json"),
        reg("", "2025-26/answer/1.1.6", R"({"item":"1.1.6","value":"yes"})", true),
        reg("VA001", "2025-26/plan/3.2.1",
            R"({"item":"3.2.1","action":"Train","owner":"M","due":"2027-01-31"})"),
        reg("VA001", "2025-26/plan/3.2.2", R"({"item":"3.2.2","action":"Train","due":"soon"})"),
        reg("VA001", "2025-26/evidence/6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
            R"({"item":"1.1.3","name":"policy.pdf","size":1024})"),
        reg("", "profile/cyber_essentials_plus", R"({"expires":"2027-01-31"})"),
    };
    const auto drafts = read_drafts(registers, "2025-26");
    const auto& leeds = drafts.scope("VA001");
    REQUIRE(leeds.answers.size() == 1);
    CHECK(leeds.answers.at("1.1.1").value == "ZA1");
    CHECK(leeds.answers.at("1.1.1").comment == "c");
    REQUIRE(leeds.plan.size() == 1);
    CHECK(leeds.plan.at("3.2.1").due == *Date::parse("2027-01-31"));
    REQUIRE(leeds.evidence.size() == 1);
    CHECK(leeds.evidence[0].item_id == "1.1.3");
    CHECK(leeds.evidence[0].size == 1024);
    CHECK(drafts.scope("").answers.at("1.1.6").value == "yes");
    CHECK(drafts.conflicts.at("") == std::vector<std::string>{"answer/1.1.6"});
    CHECK_FALSE(drafts.conflicts.contains("VA001"));
    REQUIRE(drafts.profile.has_value());
    CHECK(drafts.profile->cyber_essentials_plus_expires == Date::parse("2027-01-31"));
    CHECK(drafts.scope("VA009").answers.empty());
    CHECK(read_drafts(registers, "2024-25").scope("VA001").answers.at("1.1.2").value == "old year");
}

TEST_CASE("Approaching Standards is open to a first publication only", "[unit][server_publish]") {
    using assessment::level_open_to;
    CHECK(level_open_to(Level::approaching, false));
    CHECK_FALSE(level_open_to(Level::approaching, true));
    CHECK(level_open_to(Level::met, true));
    CHECK(level_open_to(Level::exceeded, true));
    CHECK(level_open_to(Level::met, false));
}

TEST_CASE("an uploaded action-plan document stands for the plan entries at Approaching Standards",
          "[unit][server_publish]") {
    const auto reg = [](std::string scope, std::string key, std::string payload) {
        store::Register r;
        r.scope = std::move(scope);
        r.register_key = std::move(key);
        r.version = 1;
        r.values.push_back({1, "replica-a", 1, 1, 0, std::move(payload), "A"});
        return r;
    };
    const auto draft = ready_for(Level::approaching);
    const auto lacking = assessment::items_needing_plan(pack(), draft);
    REQUIRE_FALSE(lacking.empty());

    // Neither entries nor a document: every reason names both ways.
    const auto refused =
        publication_problems(pack(), {site("VC001", draft)}, facts(Level::approaching));
    CHECK(items_of(refused) == lacking);
    CHECK_THAT(refused.front().message, Catch::Contains("dspt plan set " + lacking.front()));
    CHECK_THAT(refused.front().message, Catch::Contains("dspt plan attach FILE"));

    // The document's evidence record, as the server reads it, of the site or of
    // the organisation-wide answers.
    for (const auto* scope : {"VC001", ""}) {
        const auto drafts =
            read_drafts({reg(scope, "2025-26/evidence/6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
                             R"({"item":"plan","name":"action plan.docx","size":2048})")},
                        "2025-26");
        auto effective = assessment::effective_assessment(drafts.scope(""), drafts.scope("VC001"));
        CHECK(assessment::has_plan_document(effective));
        effective.answers = draft.answers;
        INFO(scope);
        CHECK(publication_problems(pack(), {site("VC001", effective)}, facts(Level::approaching))
                  .empty());
        // It plans nothing for Standards Met itself.
        CHECK_FALSE(
            publication_problems(pack(), {site("VC001", effective)}, facts(Level::met)).empty());
    }
}
