#pragma once
// The answers report as CSV, for spreadsheet programs and for scripts.
//
// Format (RFC 4180, with the choices Excel needs):
//   - the bytes of a UTF-8 byte order mark (EF BB BF) come first, so Excel
//     reads the file as UTF-8 rather than the system code page;
//   - one header row (report::kColumnHeaders), then one row per ReportRow in
//     report order; every line, the last included, ends with CR LF;
//   - a field containing a comma, a double quote, CR or LF is wrapped in double
//     quotes, with each double quote inside doubled; other fields are bare;
//   - booleans are "Yes" or "No" (report::to_cells).
//   - The summary (site, level, counts) is not in the CSV; it has one table.
//
// Formula injection. Answers and comments are text typed by users, and a
// manager will open the file in Excel, which runs a cell that starts with "="
// (or "+", "-", "@") as a formula, e.g. =HYPERLINK(...) or a DDE call. So any
// field that starts with =, +, -, @, a tab or CR gets a leading apostrophe
// ("=1+1" is written '=1+1): Excel then shows it as text. The apostrophe is
// visible to scripts that read the CSV; text such as "- bullet" or "-5"
// appears as "'- bullet" and "'-5". This is the OWASP advice for CSV export.
//
// Bytes are copied as they are otherwise: text that is not valid UTF-8 is not
// repaired. The function is pure and safe to call from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "common/report/answers_report.hpp"

namespace dspt::report {

// The whole CSV file's content. To write it to disk, use
// dspt::write_file_atomic (common/files.hpp).
std::string to_csv(const AnswersReport& report);

// One field as it appears in the CSV: guarded against formula injection, then
// quoted when it needs to be. Exposed for tests and for other CSV exports.
std::string csv_field(std::string_view text);

// Appends one line of `cells` to `out`: each through csv_field(), separated by
// commas, ended by CR LF. For other CSV exports, which write their own header.
void append_csv_line(std::string& out, const std::vector<std::string>& cells);

// Whether a spreadsheet would take a cell with this text for a formula: it
// starts with =, +, -, @, a tab or CR. csv_field() guards such text.
bool starts_like_formula(std::string_view text) noexcept;

}  // namespace dspt::report
