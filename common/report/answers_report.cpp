#include "common/report/answers_report.hpp"

#include <utility>

#include "common/assessment/evaluator.hpp"

namespace dspt::report {

AnswersReport build_answers_report(const standards::Pack& pack,
                                   const assessment::Assessment& assessment, std::string site_name,
                                   Date as_of) {
    const auto evaluation = assessment::evaluate(pack, assessment, as_of);

    AnswersReport report;
    report.site_name = std::move(site_name);
    report.year = pack.year;
    report.level = std::string(standards::display_name(evaluation.level));
    report.generated_on = as_of.to_string();
    report.approaching_satisfied = evaluation.approaching.satisfied;
    report.approaching_total = evaluation.approaching.total;
    report.met_satisfied = evaluation.met.satisfied;
    report.met_total = evaluation.met.total;

    report.rows.reserve(pack.items.size());
    for (const auto& item : pack.items) {
        ReportRow row;
        row.standard = item.standard;
        row.item_id = item.id;
        row.title = item.title;
        row.question = item.question;
        row.type = std::string(standards::to_string(item.type));
        row.mandatory_approaching = item.mandatory_approaching;
        row.mandatory_met = item.mandatory_met;
        row.source = std::string(standards::to_string(item.source));

        // Only the file names: the report never carries evidence content.
        std::size_t evidence_count = 0;
        for (const auto& ref : assessment.evidence) {
            if (ref.item_id != item.id) {
                continue;
            }
            if (evidence_count++ > 0) {
                row.evidence_files += "; ";
            }
            row.evidence_files += ref.file_name;
        }

        const auto answer_it = assessment.answers.find(item.id);
        const assessment::Answer* answer =
            answer_it == assessment.answers.end() ? nullptr : &answer_it->second;
        row.state = std::string(
            assessment::to_string(assessment::item_state(item, answer, evidence_count)));
        if (answer != nullptr) {
            // A document item's value is where the document is kept, not an answer.
            (item.type == standards::AnswerType::document ? row.location : row.answer) =
                answer->value;
            row.comment = answer->comment;
        }

        if (const auto plan_it = assessment.plan.find(item.id); plan_it != assessment.plan.end()) {
            row.plan_action = plan_it->second.action;
            row.plan_owner = plan_it->second.owner;
            row.plan_due = plan_it->second.due.to_string();
        }
        report.rows.push_back(std::move(row));
    }
    return report;
}

std::array<std::string, kColumnCount> to_cells(const ReportRow& row) {
    const auto yes_no = [](bool b) { return std::string(b ? "Yes" : "No"); };
    return {
        std::to_string(row.standard),
        row.item_id,
        row.title,
        row.question,
        row.type,
        yes_no(row.mandatory_approaching),
        yes_no(row.mandatory_met),
        row.state,
        row.answer,
        row.comment,
        row.evidence_files,
        row.location,
        row.plan_action,
        row.plan_owner,
        row.plan_due,
        row.source,
    };
}

}  // namespace dspt::report
