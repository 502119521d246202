#pragma once
// The action plan (plan_report.hpp) as a PDF (table_pdf.hpp): the heading
// lines, then a table with a header row (kPlanHeaders) and one row per item.

#include <filesystem>
#include <string>

#include "common/report/plan_report.hpp"

namespace dspt::report {

// The document's bytes. Error(ErrorCode::internal) when cairo fails.
std::string plan_pdf(const PlanReport& report);

// Writes plan_pdf() to `path` atomically (write_file_atomic), replacing any
// file there; Error(ErrorCode::io) naming the path when it cannot.
void write_plan_pdf(const PlanReport& report, const std::filesystem::path& path);

}  // namespace dspt::report
