#pragma once
// The answers report as an Excel workbook (.xlsx), written with libxlsxwriter.
//
// The workbook has two sheets:
//   "Answers"  the same columns as the CSV (report::kColumnHeaders), one row per
//              item: a bold header row that stays in view (frozen) and carries
//              an autofilter, fixed column widths, long text wrapped, and page
//              setup for printing on A4 landscape, one page wide, the header
//              repeated on every page. The Standard column is a number so that
//              it sorts 1..10; every other cell is text.
//   "Summary"  site name, standards year, level reached, mandatory items
//              satisfied for Approaching Standards and for Standards Met (x/y),
//              the date it was generated, and a note that evidence content is
//              not included.
//
// Cells are written as strings, never as formulas, so text that starts with "="
// stays text: the formula-injection guard of the CSV writer is not needed and
// not applied. Text is made safe for the file format: bytes that are not valid
// UTF-8 become U+FFFD; characters XML cannot carry become U+FFFD too (control
// characters other than tab, LF and CR, and U+FFFE, U+FFFF), except vertical
// tab and form feed, Word's manual line and page breaks, which become LF; and
// text longer than an Excel cell holds
// (32,767 UTF-16 code units) is cut and ends with a visible
// "[truncated: ...]" note rather than failing the whole export.
//
// The write is atomic: the workbook goes to a temporary file beside `path`
// (".<name>.tmp-<random>", created with mode 0644 less the umask), which is
// flushed to disk and renamed over `path`. On any failure the temporary file is
// removed and `path` is left as it was, so there is never a half-written file.
//
// Safe to call from several threads for different paths; libxlsxwriter keeps
// no global state for a workbook. libxlsxwriter itself may print a line to
// stderr when it fails.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/report/answers_report.hpp"
#include "common/report/plan_report.hpp"

namespace dspt::report {

// Writes the workbook to `path`, replacing any file there. Throws
// Error(ErrorCode::io) naming the path when the directory does not exist, the
// temporary file cannot be created, libxlsxwriter reports an error (the message
// includes lxw_strerror's text), or the rename fails.
void write_xlsx(const AnswersReport& report, const std::filesystem::path& path);

// One site's report in a headquarters' workbook, on a sheet of its own.
struct SiteSheet {
    std::string sheet;  // the sheet's name: the site's code (made safe by xlsx_sheet_name)
    AnswersReport report;
};

// A headquarters' workbook (docs/domain.md, "The answers spreadsheet": head office
// sends each registered manager their answers): a "Sites" sheet with one row per site (its sheet,
// name, year, level reached, mandatory items satisfied, date), then one answers
// sheet per site with the columns of the "Answers" sheet above. Atomic like
// the single-site write. Throws invalid_argument for no sites or two sites
// whose sheet names would be the same, io as above.
void write_xlsx(const std::vector<SiteSheet>& sites, const std::filesystem::path& path);

// The action plan (plan_report.hpp) as a workbook of one sheet, "Action plan":
// the heading lines, then a bold header row (kPlanHeaders) and one row per
// item, wrapped, for printing on A4 landscape. Atomic, and throws, as above.
void write_plan_xlsx(const PlanReport& report, const std::filesystem::path& path);

// A worksheet name Excel accepts: at most 31 characters, none of []:*?/\ or
// control or non-ASCII characters (each becomes '-'), not starting with an
// apostrophe, and not "Sites" or empty (those get "Site " in front).
std::string xlsx_sheet_name(std::string_view name);

// The text of one cell as it is written: valid UTF-8 that XML can carry, at
// most 32,767 UTF-16 code units (see above). Exposed for tests.
std::string xlsx_cell_text(std::string_view text);

}  // namespace dspt::report
