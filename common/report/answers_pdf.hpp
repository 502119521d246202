#pragma once
// The answers report (answers_report.hpp) as a printable PDF (table_pdf.hpp),
// for a manager's meeting or an inspector's visit: organisation, site, year
// and level reached, then one row per item with its number, title, answer (a
// document item's stated location), comment, evidence file names (never their
// content) and action-plan entry.

#include <filesystem>
#include <string>

#include "common/report/answers_report.hpp"

namespace dspt::report {

// The document's bytes. `organisation` names the organisation in the heading
// (the site's name when the device knows no other). Error(ErrorCode::internal)
// when cairo fails.
std::string answers_pdf(const AnswersReport& report, const std::string& organisation);

// Writes answers_pdf() to `path` atomically (write_file_atomic), replacing any
// file there; Error(ErrorCode::io) naming the path when it cannot.
void write_answers_pdf(const AnswersReport& report, const std::string& organisation,
                       const std::filesystem::path& path);

}  // namespace dspt::report
