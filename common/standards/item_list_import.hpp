#pragma once
// `dspt standards import`: an item list, as a file an operator downloaded,
// read into a standards pack. Two layouts, told apart by the header row:
//   - NHS England's evidence-item spreadsheet (official_layout.hpp), as the
//     XLSX workbook it is published as or as its CSV export. Its header row
//     may follow title rows: the first of the first 30 rows that has an
//     evidence reference or "Evidence text ..." heading.
//   - dsptsync's simple CSV layout (csv_import.hpp), header on the first row.
// An XLSX file is recognised by its content (a ZIP archive), whatever its
// name; its sheets are tried in order, and the first with a header row of
// either layout is read.

#include <optional>
#include <string>
#include <string_view>

#include "common/date.hpp"
#include "common/standards/pack.hpp"

namespace dspt::standards {

struct ItemListOptions {
    std::string year;           // "2025-26"
    std::string version;        // "v8"; may be empty
    std::optional<Date> opens;  // the day the version opened
    std::string category;       // the official layout's category; "" for the default
};

enum class ItemListLayout { official, simple };

struct ItemListImport {
    Pack pack;  // validated, with the options' version and opening date
    ItemListLayout layout = ItemListLayout::simple;
    std::string category;  // the official layout's category, as its heading says
    bool from_xlsx = false;
};

// Reads `bytes` (the file's content; `origin`, its name, starts every error).
// Throws Error(ErrorCode::malformed_pack) for a list that breaks its layout,
// and the XLSX reader's errors for a damaged workbook (common/report/xlsx_reader.hpp).
ItemListImport import_item_list(std::string_view bytes, const ItemListOptions& options,
                                std::string_view origin);

}  // namespace dspt::standards
