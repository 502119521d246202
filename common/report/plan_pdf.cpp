#include "common/report/plan_pdf.hpp"

#include "common/files.hpp"
#include "common/report/table_pdf.hpp"

namespace dspt::report {

std::string plan_pdf(const PlanReport& report) {
    PdfTable table;
    table.title = "Action plan " + report.year;
    table.heading = plan_heading(report);
    table.headers.assign(kPlanHeaders.begin(), kPlanHeaders.end());
    table.widths = {44, 120, 130, 200, 96, 66, 106};
    for (const auto& row : report.rows) {
        const auto cells = plan_cells(row);
        table.rows.emplace_back(cells.begin(), cells.end());
    }
    table.empty_text = "Every item needed for Standards Met is satisfied: nothing to plan.";
    return table_pdf(table);
}

void write_plan_pdf(const PlanReport& report, const std::filesystem::path& path) {
    write_file_atomic(path, plan_pdf(report));
}

}  // namespace dspt::report
