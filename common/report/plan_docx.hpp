#pragma once
// The action plan (plan_report.hpp) as a Word document (.docx): the heading
// lines as paragraphs, then a table with a header row (kPlanHeaders) and one
// row per item, on A4 landscape. The file is the smallest valid Office Open
// XML document: [Content_Types].xml, _rels/.rels and word/document.xml in a
// stored zip (zip_writer.hpp). Text is made safe for XML as in an XLSX cell
// (xlsx_cell_text) and escaped.

#include <filesystem>
#include <string>

#include "common/report/plan_report.hpp"

namespace dspt::report {

// The document's bytes.
std::string plan_docx(const PlanReport& report);

// Writes plan_docx() to `path` atomically (write_file_atomic), replacing any
// file there; Error(ErrorCode::io) naming the path when it cannot.
void write_plan_docx(const PlanReport& report, const std::filesystem::path& path);

}  // namespace dspt::report
