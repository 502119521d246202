#pragma once
// Reading the cells of an Excel workbook (.xlsx) as text, for importing a
// list someone else published, such as NHS England's evidence-item
// spreadsheet (common/standards/csv_import.hpp).
//
// A workbook is a ZIP archive (zip_archive.hpp) of XML parts: the workbook
// lists its sheets, each sheet holds rows of cells, and most text lives once
// in a shared-strings table that cells point into. Each cell is read as the
// text Excel shows for a plain value: a shared or inline string, a number as
// written in the file, TRUE/FALSE for a boolean, a formula's cached result.
// A number whose cell format shows a date (Excel and LibreOffice store a date
// typed as 30/06/2026 as a day count with such a format) reads as the date,
// YYYY-MM-DD, its time of day dropped; the workbook's 1900 or 1904 calendar is
// followed. Other formatting, formulas and merged cells are not interpreted.
//
// Bounds, for files from outside: the archive's (kMaxZipEntries,
// kMaxInflatedBytes); at most kMaxSheetCells cells and rows over all sheets,
// counting the empty cells before a cell in its row; at most kMaxSharedStrings shared
// strings; cell references within Excel's grid (XFD1048576); at most
// kMaxSheets sheets. Refused with Error(ErrorCode::invalid_argument, or
// limit_exceeded for a bound, "<origin>: <reason>"). Pure and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dspt::report {

inline constexpr std::size_t kMaxSheetCells = 2'000'000;
inline constexpr std::size_t kMaxSharedStrings = 1'000'000;
inline constexpr std::size_t kMaxSheets = 256;

struct SheetRow {
    std::size_t number = 0;          // 1-based, as Excel shows it
    std::vector<std::string> cells;  // column A first; missing cells are ""
};

struct Sheet {
    std::string name;
    std::vector<SheetRow> rows;  // as the sheet lists them, in row order
};

// Every sheet of the workbook in `bytes`, in the workbook's order.
std::vector<Sheet> read_xlsx(std::string_view bytes, std::string_view origin);

// Whether `bytes` start like a ZIP archive ("PK\3\4"), as an XLSX file does.
bool looks_like_zip(std::string_view bytes) noexcept;

}  // namespace dspt::report
