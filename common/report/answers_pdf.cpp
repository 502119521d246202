#include "common/report/answers_pdf.hpp"

#include "common/date.hpp"
#include "common/files.hpp"
#include "common/report/table_pdf.hpp"

namespace dspt::report {

namespace {

// "31 March 2027" for "2027-03-31"; other text as it is.
std::string uk_date_text(const std::string& iso) {
    const auto date = Date::parse(iso);
    return date ? long_date(*date) : iso;
}

}  // namespace

std::string answers_pdf(const AnswersReport& report, const std::string& organisation) {
    PdfTable table;
    table.title = "Answers " + report.year + ": " + report.site_name;
    table.heading = {
        "Data Security and Protection Toolkit " + report.year + ": answers",
        "Organisation: " + organisation,
        "Site: " + report.site_name,
        "Level reached: " + report.level + " (Approaching Standards " +
            std::to_string(report.approaching_satisfied) + " of " +
            std::to_string(report.approaching_total) + " mandatory items; Standards Met " +
            std::to_string(report.met_satisfied) + " of " + std::to_string(report.met_total) + ")",
        "Made on: " + uk_date_text(report.generated_on),
    };
    table.headers = {"Item", "Title", "Answer", "Comment", "Evidence files", "Action plan"};
    table.widths = {44, 130, 150, 190, 120, 128};
    for (const auto& row : report.rows) {
        std::string answer = row.answer;
        if (!row.location.empty()) {
            answer = "Kept at: " + row.location;
        }
        if (answer.empty()) {
            answer = "(no answer)";
        }
        std::string plan;
        if (!row.plan_action.empty()) {
            plan = row.plan_action;
            if (!row.plan_owner.empty()) {
                plan += "\nOwner: " + row.plan_owner;
            }
            if (!row.plan_due.empty()) {
                plan += "\nBy: " + uk_date_text(row.plan_due);
            }
        }
        table.rows.push_back(
            {row.item_id, row.title, answer, row.comment, row.evidence_files, plan});
    }
    table.empty_text = "The standards pack lists no items.";
    return table_pdf(table);
}

void write_answers_pdf(const AnswersReport& report, const std::string& organisation,
                       const std::filesystem::path& path) {
    write_file_atomic(path, answers_pdf(report, organisation));
}

}  // namespace dspt::report
