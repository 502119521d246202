#pragma once
// Reading the answers spreadsheet back: the CSV that `dspt export FILE.csv`
// writes (csv_writer.hpp), or a sheet of the workbook `dspt export FILE.xlsx`
// writes (xlsx_writer.hpp), after a manager has filled in answers, comments and
// document locations in a spreadsheet program, or a CSV of their own with the
// same column names.
//
// Columns are found by their header, in any order; a file needs "Item" and at
// least one of "Answer", "Comment" and "Document location". Every other column
// ("Title", "State", "Action", ...) is ignored, as are rows whose item cell is
// blank. A cell is taken as it is, except that the apostrophe the writer puts
// before a cell starting with =, +, -, @, a tab or CR is removed again, so an
// exported file reads back to the text that was typed. A blank cell (only
// whitespace) means "leave this as it is", never "remove it".
//
// Pure and thread-safe. Throws Error(invalid_argument) with "<origin>:<line>:
// <reason>" for a file that is not such a spreadsheet, a malformed CSV record,
// or an item that appears twice.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/report/xlsx_reader.hpp"

namespace dspt::report {

// One filled-in row: the item and the cells the file has for it.
struct ImportedAnswer {
    std::size_t line = 0;  // where the row starts in the file (1-based), for messages
    std::string item_id;
    std::optional<std::string> answer;    // "Answer": yes/no, text or a date
    std::optional<std::string> comment;   // "Comment"
    std::optional<std::string> location;  // "Document location", for document items

    friend bool operator==(const ImportedAnswer&, const ImportedAnswer&) = default;
};

// The rows of `text` that say something about an item, in file order.
std::vector<ImportedAnswer> read_answers_csv(std::string_view text, std::string_view origin);

// The same from a sheet of a workbook (xlsx_reader.hpp), such as the "Answers"
// sheet `dspt export FILE.xlsx` writes or a site's sheet of a headquarters'
// workbook; `line` is then the sheet's row number. Same columns, same rules.
std::vector<ImportedAnswer> read_answers_sheet(const Sheet& sheet, std::string_view origin);

// A cell as typed: without the apostrophe csv_field() adds before a cell that
// starts like a formula. Exposed for tests.
std::string unguarded_cell(std::string_view cell);

}  // namespace dspt::report
