#pragma once
// An RFC 4180 CSV reader, for the standards importer and the server's registry import.
//
// Accepts what spreadsheet programs write: fields separated by commas; records
// ended by CRLF, LF or a lone CR; fields optionally enclosed in double quotes,
// inside which commas, line breaks and doubled quotes ("") are literal; an
// optional UTF-8 byte order mark at the start. A quote in the middle of an
// unquoted field is kept as an ordinary character. Line breaks inside quoted
// fields are returned as "\n" whatever the file used.
//
// Pure and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace dspt {

struct CsvRecord {
    std::size_t line = 0;             // physical line (1-based) where the record starts
    std::vector<std::string> fields;  // unquoted, untrimmed; at least one
};

// Every record in `text`, blank lines included (as one empty field). Throws
// Error(error, "<origin>:<line>: <reason>") for a quoted
// field that never ends or is followed by something other than a comma or a
// line break, with the line where that record starts.
std::vector<CsvRecord> read_csv(std::string_view text, std::string_view origin,
                                ErrorCode error = ErrorCode::invalid_argument);

}  // namespace dspt
