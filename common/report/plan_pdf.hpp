#pragma once
// The action plan (plan_report.hpp) as a PDF, drawn with cairo in DejaVu Sans
// on A4 landscape: the heading lines, then a table with a header row
// (kPlanHeaders), repeated on every page, and one row per item, its cells'
// text wrapped at word boundaries (a word wider than its column is broken).
// A row taller than a page is cut at the page's foot rather than lost.

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
