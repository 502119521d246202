#include "common/report/plan_report.hpp"

#include <cstddef>

#include "common/assessment/evaluator.hpp"

namespace dspt::report {

namespace {

// What keeps an item from being satisfied, in words.
std::string missing_text(const standards::Item& item, const assessment::Answer* answer,
                         std::size_t evidence_count) {
    using standards::AnswerType;
    if (assessment::item_state(item, answer, evidence_count) == assessment::ItemState::unanswered) {
        return item.type == AnswerType::document ? "No evidence file or document location yet"
                                                 : "No answer yet";
    }
    switch (item.type) {
        case AnswerType::confirm:
            return "Answered \"" + (answer ? answer->value : std::string()) +
                   "\": Standards Met needs yes";
        case AnswerType::text:
            return "The answer is blank";
        case AnswerType::date:
            return "The answer is not a valid date";
        case AnswerType::document:
            return "No evidence file or document location yet";
    }
    return "Not satisfied";
}

}  // namespace

std::string_view PlanRow::status() const noexcept {
    return planned ? "Planned" : "No plan entry";
}

std::array<std::string, 7> plan_cells(const PlanRow& row) {
    return {row.item_id,
            row.title,
            row.missing,
            row.action,
            row.owner,
            row.due,
            std::string(row.status())};
}

std::vector<std::string> plan_heading(const PlanReport& report) {
    std::size_t planned = 0;
    for (const auto& row : report.rows) {
        planned += row.planned ? 1 : 0;
    }
    return {"Action plan: Data Security and Protection Toolkit " + report.year,
            "Organisation: " + report.organisation, "Site: " + report.site,
            "Made on: " + report.made_on,
            std::to_string(report.rows.size()) +
                " item(s) needed for Standards Met not yet satisfied; " + std::to_string(planned) +
                " with a plan entry"};
}

PlanReport build_plan_report(const standards::Pack& pack, const assessment::Assessment& assessment,
                             std::string organisation, std::string site, Date made_on) {
    PlanReport report{std::move(organisation), std::move(site), pack.year, made_on.to_string(), {}};
    for (const auto& item : pack.items) {
        if (!item.needed_for_met()) {
            continue;
        }
        const auto found = assessment.answers.find(item.id);
        const auto* answer = found == assessment.answers.end() ? nullptr : &found->second;
        std::size_t evidence = 0;
        for (const auto& ref : assessment.evidence) {
            evidence += ref.item_id == item.id ? 1 : 0;
        }
        if (assessment::satisfies(item, answer, evidence)) {
            continue;
        }
        PlanRow row{item.id, item.title, missing_text(item, answer, evidence), false, {}, {}, {}};
        if (const auto entry = assessment.plan.find(item.id); entry != assessment.plan.end()) {
            row.planned = true;
            row.action = entry->second.action;
            row.owner = entry->second.owner;
            row.due = entry->second.due.to_string();
        }
        report.rows.push_back(std::move(row));
    }
    return report;
}

}  // namespace dspt::report
