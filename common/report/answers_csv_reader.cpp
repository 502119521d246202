#include "common/report/answers_csv_reader.hpp"

#include <array>
#include <set>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/report/csv_writer.hpp"
#include "common/text.hpp"

namespace dspt::report {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The column of each header this reader uses.
struct Columns {
    std::size_t item = kNone;
    std::size_t answer = kNone;
    std::size_t comment = kNone;
    std::size_t location = kNone;
};

[[noreturn]] void refuse(std::string_view origin, std::size_t line, const std::string& reason) {
    fail(ErrorCode::invalid_argument,
         std::string(origin) + ":" + std::to_string(line) + ": " + reason);
}

Columns find_columns(const CsvRecord& header, std::string_view origin) {
    Columns columns;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const auto name = trim(header.fields[i]);
        std::size_t* slot = nullptr;
        if (name == "Item") {
            slot = &columns.item;
        } else if (name == "Answer") {
            slot = &columns.answer;
        } else if (name == "Comment") {
            slot = &columns.comment;
        } else if (name == "Document location") {
            slot = &columns.location;
        }
        if (slot == nullptr) {
            continue;
        }
        if (*slot != kNone) {
            refuse(origin, header.line, "the column \"" + std::string(name) + "\" appears twice");
        }
        *slot = i;
    }
    if (columns.item == kNone) {
        refuse(origin, header.line,
               "no \"Item\" column: the first row must name the columns, as 'dspt export "
               "FILE.csv' writes them");
    }
    if (columns.answer == kNone && columns.comment == kNone && columns.location == kNone) {
        refuse(origin, header.line,
               "no \"Answer\", \"Comment\" or \"Document location\" column: nothing to import");
    }
    return columns;
}

std::optional<std::string> cell(const CsvRecord& record, std::size_t column) {
    if (column == kNone || column >= record.fields.size()) {
        return std::nullopt;
    }
    const auto& text = record.fields[column];
    if (trim(text).empty()) {
        return std::nullopt;
    }
    return unguarded_cell(text);
}

bool blank(const CsvRecord& record) {
    for (const auto& field : record.fields) {
        if (!trim(field).empty()) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string unguarded_cell(std::string_view cell) {
    if (cell.size() >= 2 && cell.front() == '\'' && starts_like_formula(cell.substr(1))) {
        return std::string(cell.substr(1));
    }
    return std::string(cell);
}

namespace {

std::vector<ImportedAnswer> answers_of(const std::vector<CsvRecord>& records,
                                       std::string_view origin) {
    std::size_t first = 0;
    while (first < records.size() && blank(records[first])) {
        ++first;
    }
    if (first == records.size()) {
        fail(ErrorCode::invalid_argument, std::string(origin) + ": the file is empty");
    }
    const auto columns = find_columns(records[first], origin);
    std::vector<ImportedAnswer> rows;
    std::set<std::string, std::less<>> seen;
    for (std::size_t r = first + 1; r < records.size(); ++r) {
        const auto& record = records[r];
        const auto item = cell(record, columns.item);
        if (!item) {
            continue;
        }
        ImportedAnswer row;
        row.line = record.line;
        row.item_id = std::string(trim(*item));
        row.answer = cell(record, columns.answer);
        row.comment = cell(record, columns.comment);
        row.location = cell(record, columns.location);
        if (!seen.insert(row.item_id).second) {
            refuse(origin, row.line, "item " + row.item_id + " appears twice");
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace

std::vector<ImportedAnswer> read_answers_csv(std::string_view text, std::string_view origin) {
    return answers_of(read_csv(text, origin), origin);
}

std::vector<ImportedAnswer> read_answers_sheet(const Sheet& sheet, std::string_view origin) {
    std::vector<CsvRecord> records;
    records.reserve(sheet.rows.size());
    for (const auto& row : sheet.rows) {
        records.push_back(
            {row.number, row.cells.empty() ? std::vector<std::string>{""} : row.cells});
    }
    return answers_of(records, origin);
}

}  // namespace dspt::report
