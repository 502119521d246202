#include "common/assessment/evaluator.hpp"

#include <unordered_map>

#include "common/error.hpp"
#include "common/text.hpp"

namespace dspt::assessment {

namespace {

bool is_blank(std::string_view text) noexcept {
    return trim(text).empty();
}

void add_to_progress(LevelProgress& progress, const standards::Item& item, bool ok) {
    ++progress.total;
    if (ok) {
        ++progress.satisfied;
    } else {
        progress.missing.push_back(item.id);
    }
}

}  // namespace

std::string_view to_string(ItemState state) noexcept {
    switch (state) {
        case ItemState::unanswered:
            return "unanswered";
        case ItemState::answered:
            return "answered";
        case ItemState::satisfied:
            return "satisfied";
    }
    return "unknown";
}

bool satisfies(const standards::Item& item, const Answer* answer, std::size_t evidence_count) {
    using standards::AnswerType;
    switch (item.type) {
        case AnswerType::confirm:
            return answer != nullptr && answer->value == "yes";
        case AnswerType::text:
            return answer != nullptr && !is_blank(answer->value);
        case AnswerType::date:
            return answer != nullptr && Date::parse(trim(answer->value)).has_value();
        case AnswerType::document:
            return evidence_count > 0 || (answer != nullptr && !is_blank(answer->value));
    }
    return false;
}

ItemState item_state(const standards::Item& item, const Answer* answer,
                     std::size_t evidence_count) {
    if (satisfies(item, answer, evidence_count)) {
        return ItemState::satisfied;
    }
    if (answer == nullptr && evidence_count == 0) {
        return ItemState::unanswered;
    }
    return ItemState::answered;
}

bool cyber_essentials_plus_current(const OrganisationProfile& profile, Date as_of) noexcept {
    return profile.cyber_essentials_plus_expires.has_value() &&
           as_of <= *profile.cyber_essentials_plus_expires;
}

Evaluation evaluate(const standards::Pack& pack, const Assessment& assessment, Date as_of) {
    std::unordered_map<std::string_view, std::size_t> evidence_by_item;
    for (const auto& ref : assessment.evidence) {
        ++evidence_by_item[ref.item_id];
    }

    Evaluation result;
    for (const auto& item : pack.items) {
        if (!item.mandatory_approaching && !item.mandatory_met) {
            continue;
        }
        const auto answer_it = assessment.answers.find(item.id);
        const Answer* answer = answer_it == assessment.answers.end() ? nullptr : &answer_it->second;
        const auto evidence_it = evidence_by_item.find(item.id);
        const std::size_t evidence =
            evidence_it == evidence_by_item.end() ? 0 : evidence_it->second;
        const bool ok = satisfies(item, answer, evidence);
        if (item.mandatory_approaching) {
            add_to_progress(result.approaching, item, ok);
        }
        if (item.needed_for_met()) {
            add_to_progress(result.met, item, ok);
        }
    }

    result.cyber_essentials_plus_current = cyber_essentials_plus_current(assessment.profile, as_of);
    if (result.met.reached() && result.approaching.reached()) {
        result.level = result.cyber_essentials_plus_current ? Level::exceeded : Level::met;
    } else if (result.approaching.reached()) {
        result.level = Level::approaching;
    }
    return result;
}

std::vector<std::string> items_needing_plan(const standards::Pack& pack,
                                            const Assessment& assessment) {
    const auto evaluation = evaluate(pack, assessment, Date{});
    std::vector<std::string> result;
    for (const auto& id : evaluation.met.missing) {
        if (!assessment.plan.contains(id)) {
            result.push_back(id);
        }
    }
    return result;
}

std::string normalise_value(const standards::Item& item, std::string_view raw) {
    using standards::AnswerType;
    const auto value = trim(raw);
    switch (item.type) {
        case AnswerType::confirm: {
            const auto word = ascii_lower(value);
            if (word == "yes" || word == "y") {
                return "yes";
            }
            if (word == "no" || word == "n") {
                return "no";
            }
            fail(ErrorCode::invalid_argument, "item " + item.id +
                                                  " is a yes/no item: answer yes or no, not \"" +
                                                  std::string(raw) + "\"");
        }
        case AnswerType::date:
            if (!Date::parse(value)) {
                fail(ErrorCode::invalid_argument,
                     "item " + item.id + " needs a real date written YYYY-MM-DD, not \"" +
                         std::string(raw) + "\"");
            }
            return std::string(value);
        case AnswerType::text:
            if (value.empty()) {
                fail(ErrorCode::invalid_argument,
                     "item " + item.id +
                         " needs some text; to remove the answer, clear it (dspt answer " +
                         item.id + " --clear)");
            }
            return std::string(value);
        case AnswerType::document:
            if (value.empty()) {
                fail(ErrorCode::invalid_argument,
                     "item " + item.id +
                         " needs the place where the document is kept, or an evidence file");
            }
            return std::string(value);
    }
    fail(ErrorCode::internal, "unknown answer type for item " + item.id);
}

}  // namespace dspt::assessment
