#pragma once
// A small pack and assessment shared by the report tests.

#include <string>

#include "common/assessment/assessment.hpp"
#include "common/date.hpp"
#include "common/standards/pack.hpp"

namespace dspt::report::testing {

inline standards::Item make_item(std::string id, int standard, standards::AnswerType type,
                                 bool approaching, bool met) {
    standards::Item item;
    item.id = std::move(id);
    item.standard = standard;
    item.title = "title " + item.id;
    item.question = "question " + item.id;
    item.type = type;
    item.mandatory_approaching = approaching;
    item.mandatory_met = met;
    return item;
}

// Five items, one of each answer type plus an optional confirm item, across
// standards 1 to 10 so that pack order is not string order.
inline standards::Pack small_pack() {
    using standards::AnswerType;
    standards::Pack pack;
    pack.year = "2025-26";
    pack.version = "v8";
    pack.items = {
        make_item("1.1.1", 1, AnswerType::text, true, true),
        make_item("1.1.2", 1, AnswerType::document, true, true),
        make_item("3.2.1", 3, AnswerType::confirm, false, true),
        make_item("7.2.1", 7, AnswerType::date, false, true),
        make_item("10.2.2", 10, AnswerType::confirm, false, false),
    };
    pack.items[3].source = standards::Source::inferred;
    return pack;
}

inline assessment::Answer answer(std::string value, std::string comment = {}) {
    assessment::Answer a;
    a.value = std::move(value);
    a.comment = std::move(comment);
    return a;
}

inline const Date kAsOf = *Date::parse("2026-03-01");

// Approaching Standards reached; 3.2.1 answered "no" with a plan; 7.2.1 and
// 10.2.2 unanswered.
inline assessment::Assessment small_assessment() {
    assessment::Assessment a;
    a.answers["1.1.1"] = answer("ZA123456", "checked on the ICO register");
    a.answers["1.1.2"] = answer("Office filing cabinet, folder IG-1");
    a.answers["3.2.1"] = answer("no", "two night staff still to train");
    a.evidence.push_back({"e1", "1.1.2", "register.xlsx", 1024});
    a.evidence.push_back({"e2", "3.2.1", "training-log.pdf", 2048});
    a.evidence.push_back({"e3", "1.1.2", "ropa 2025.docx", 4096});
    a.evidence.push_back({"e4", "9.9.9", "not-in-pack.pdf", 1});  // ignored
    a.plan["3.2.1"] = assessment::PlanEntry{"3.2.1", "Book refresher training",
                                            "Registered manager", *Date::parse("2026-05-01")};
    return a;
}

}  // namespace dspt::report::testing
