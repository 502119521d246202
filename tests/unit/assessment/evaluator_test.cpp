#include "common/assessment/evaluator.hpp"

#include <catch2/catch.hpp>

#include "common/error.hpp"

using namespace dspt;
using namespace dspt::assessment;
using standards::AnswerType;
using standards::Item;
using standards::Level;
using standards::Pack;

namespace {

Item make_item(std::string id, AnswerType type, bool approaching, bool met) {
    Item item;
    item.id = std::move(id);
    item.standard = item.id[0] - '0';
    item.title = "title " + item.id;
    item.question = "question " + item.id;
    item.type = type;
    item.mandatory_approaching = approaching;
    item.mandatory_met = met;
    return item;
}

// Two items for Approaching Standards, two more for Standards Met, one optional.
Pack evaluator_pack() {
    Pack pack;
    pack.year = "2025-26";
    pack.items = {
        make_item("1.1.1", AnswerType::text, true, true),
        make_item("1.1.2", AnswerType::document, true, true),
        make_item("3.2.1", AnswerType::confirm, false, true),
        make_item("7.2.1", AnswerType::date, false, true),
        make_item("9.2.1", AnswerType::confirm, false, false),
    };
    return pack;
}

Answer answer(std::string value) {
    Answer a;
    a.value = std::move(value);
    return a;
}

const Date kToday = *Date::parse("2026-03-01");

}  // namespace

TEST_CASE("an empty assessment reaches no level and lists every mandatory item",
          "[unit][assessment]") {
    const auto pack = evaluator_pack();
    const auto e = evaluate(pack, Assessment{}, kToday);
    CHECK(e.level == Level::none);
    CHECK(e.approaching.satisfied == 0);
    CHECK(e.approaching.total == 2);
    CHECK(e.approaching.missing == std::vector<std::string>{"1.1.1", "1.1.2"});
    CHECK(e.met.total == 4);
    CHECK(e.met.missing == std::vector<std::string>{"1.1.1", "1.1.2", "3.2.1", "7.2.1"});
}

TEST_CASE("a partial assessment counts what is satisfied", "[unit][assessment]") {
    const auto pack = evaluator_pack();
    Assessment a;
    a.answers["1.1.1"] = answer("ZA123456");
    a.answers["3.2.1"] = answer("no");  // answered, but not satisfied
    const auto e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::none);
    CHECK(e.approaching.satisfied == 1);
    CHECK(e.approaching.missing == std::vector<std::string>{"1.1.2"});
    CHECK(e.met.satisfied == 1);
    CHECK(e.met.missing == std::vector<std::string>{"1.1.2", "3.2.1", "7.2.1"});
}

TEST_CASE("Approaching Standards needs every AS item and nothing more", "[unit][assessment]") {
    const auto pack = evaluator_pack();
    Assessment a;
    a.answers["1.1.1"] = answer("ZA123456");
    a.evidence.push_back({"e1", "1.1.2", "register.xlsx", 1024});
    const auto e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::approaching);
    CHECK(e.approaching.reached());
    CHECK(e.met.satisfied == 2);
    CHECK(e.met.missing == std::vector<std::string>{"3.2.1", "7.2.1"});
}

TEST_CASE("Standards Met needs every SM item; optional items never matter", "[unit][assessment]") {
    const auto pack = evaluator_pack();
    Assessment a;
    a.answers["1.1.1"] = answer("ZA123456");
    a.answers["1.1.2"] = answer("Office filing cabinet, folder IG-1");  // a stated location
    a.answers["3.2.1"] = answer("yes");
    a.answers["7.2.1"] = answer("2025-11-04");
    auto e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::met);
    CHECK(e.met.missing.empty());

    a.answers["9.2.1"] = answer("yes");  // every optional item too: still only Met
    e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::met);
}

TEST_CASE("Standards Exceeded needs a current Cyber Essentials Plus certificate",
          "[unit][assessment]") {
    const auto pack = evaluator_pack();
    Assessment a;
    a.answers["1.1.1"] = answer("ZA123456");
    a.answers["1.1.2"] = answer("shared drive /IG");
    a.answers["3.2.1"] = answer("yes");
    a.answers["7.2.1"] = answer("2025-11-04");

    a.profile.cyber_essentials_plus_expires = Date::parse("2026-03-01");  // last valid day
    auto e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::exceeded);
    CHECK(e.cyber_essentials_plus_current);

    a.profile.cyber_essentials_plus_expires = Date::parse("2026-02-28");  // expired yesterday
    e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::met);
    CHECK_FALSE(e.cyber_essentials_plus_current);

    // A certificate without Standards Met gives nothing extra.
    a.profile.cyber_essentials_plus_expires = Date::parse("2027-01-01");
    a.answers.erase("3.2.1");
    e = evaluate(pack, a, kToday);
    CHECK(e.level == Level::approaching);
}

TEST_CASE("each answer type has its own rule for being satisfied", "[unit][assessment]") {
    const auto confirm = make_item("2.1.1", AnswerType::confirm, true, true);
    const auto text = make_item("1.1.1", AnswerType::text, true, true);
    const auto date = make_item("7.2.1", AnswerType::date, false, true);
    const auto document = make_item("1.1.2", AnswerType::document, true, true);
    const auto yes = answer("yes");
    const auto no = answer("no");
    const auto blank = answer("  \n\t");
    const auto bad_date = answer("2025-02-30");
    const auto good_date = answer("2024-02-29");

    CHECK(satisfies(confirm, &yes, 0));
    CHECK_FALSE(satisfies(confirm, &no, 0));
    CHECK_FALSE(satisfies(confirm, nullptr, 0));
    CHECK(satisfies(text, &no, 0));  // any non-blank text
    CHECK_FALSE(satisfies(text, &blank, 0));
    CHECK(satisfies(date, &good_date, 0));
    CHECK_FALSE(satisfies(date, &bad_date, 0));
    CHECK(satisfies(document, nullptr, 1));
    CHECK(satisfies(document, &no, 0));  // "no" is a stated location, oddly but truly
    CHECK_FALSE(satisfies(document, &blank, 0));
    CHECK_FALSE(satisfies(document, nullptr, 0));

    CHECK(item_state(confirm, nullptr, 0) == ItemState::unanswered);
    CHECK(item_state(confirm, &no, 0) == ItemState::answered);
    CHECK(item_state(confirm, &yes, 0) == ItemState::satisfied);
}

TEST_CASE("organisation-wide answers apply unless the site has its own", "[unit][assessment]") {
    const auto pack = evaluator_pack();
    Assessment hq;
    hq.answers["1.1.1"] = answer("ZA000001");
    hq.answers["3.2.1"] = answer("yes");
    hq.evidence.push_back({"e-hq", "1.1.2", "policy.pdf", 10});
    hq.profile.cyber_essentials_plus_expires = Date::parse("2027-01-01");

    Assessment site;
    site.answers["3.2.1"] = answer("no");  // the branch has not trained 95% yet
    site.answers["1.1.2"] = answer("branch office cabinet");

    const auto effective = effective_assessment(hq, site);
    CHECK(effective.answers.at("1.1.1").value == "ZA000001");
    CHECK(effective.answers.at("3.2.1").value == "no");
    CHECK(effective.answers.at("1.1.2").value == "branch office cabinet");
    CHECK(effective.evidence.empty());  // the site's own answer to 1.1.2 wins
    CHECK(effective.profile == hq.profile);

    const auto e = evaluate(pack, effective, kToday);
    CHECK(e.level == Level::approaching);
    CHECK(e.met.missing == std::vector<std::string>{"3.2.1", "7.2.1"});

    // A site with nothing of its own takes everything from headquarters.
    const auto inherited = effective_assessment(hq, Assessment{});
    CHECK(inherited.answers.size() == 2);
    CHECK(inherited.evidence.size() == 1);
}

TEST_CASE("items needing a plan are the unmet Standards Met items without an entry",
          "[unit][assessment]") {
    const auto pack = evaluator_pack();
    Assessment a;
    a.answers["1.1.1"] = answer("ZA123456");
    a.answers["1.1.2"] = answer("office");
    CHECK(items_needing_plan(pack, a) == std::vector<std::string>{"3.2.1", "7.2.1"});
    a.plan["3.2.1"] =
        PlanEntry{"3.2.1", "Book training", "Registered manager", *Date::parse("2026-05-01")};
    CHECK(items_needing_plan(pack, a) == std::vector<std::string>{"7.2.1"});
}

TEST_CASE("raw values are checked against the item's type", "[unit][assessment]") {
    const auto confirm = make_item("2.1.1", AnswerType::confirm, true, true);
    const auto date = make_item("7.2.1", AnswerType::date, false, true);
    const auto text = make_item("1.1.1", AnswerType::text, true, true);
    CHECK(normalise_value(confirm, " Yes ") == "yes");
    CHECK(normalise_value(confirm, "N") == "no");
    CHECK(normalise_value(date, "2024-02-29") == "2024-02-29");
    CHECK(normalise_value(text, "  ZA123456\n") == "ZA123456");

    CHECK_THROWS_WITH(normalise_value(confirm, "maybe"), Catch::Contains("yes or no"));
    CHECK_THROWS_WITH(normalise_value(date, "2025-02-30"), Catch::Contains("YYYY-MM-DD"));
    CHECK_THROWS_WITH(normalise_value(date, "30/06/2025"), Catch::Contains("item 7.2.1"));
    CHECK_THROWS_AS(normalise_value(text, "   "), Error);
    try {
        (void)normalise_value(confirm, "maybe");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
    }
}
