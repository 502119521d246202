#include "common/standards/item_list_import.hpp"

#include <algorithm>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/report/xlsx_reader.hpp"
#include "common/standards/csv_import.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/official_layout.hpp"
#include "common/standards/validation.hpp"
#include "common/text.hpp"

namespace dspt::standards {

namespace {

constexpr std::size_t kHeaderSearchRows = 30;

bool is_blank(const std::vector<std::string>& cells) {
    return std::all_of(cells.begin(), cells.end(),
                       [](const std::string& cell) { return trim(cell).empty(); });
}

// The index of the official header row among the first rows, if any.
std::optional<std::size_t> official_header(const std::vector<TableRow>& rows) {
    for (std::size_t i = 0; i < rows.size() && i < kHeaderSearchRows; ++i) {
        if (is_official_header(rows[i].cells)) {
            return i;
        }
    }
    return std::nullopt;
}

bool is_simple_header(const std::vector<std::string>& cells) {
    const auto has = [&cells](std::string_view name) {
        return std::any_of(cells.begin(), cells.end(), [name](const std::string& cell) {
            return ascii_lower(trim(cell)) == name;
        });
    };
    return has("id") && has("question");
}

std::vector<TableRow> without_blank_rows(std::vector<TableRow> rows) {
    std::erase_if(rows, [](const TableRow& row) { return is_blank(row.cells); });
    return rows;
}

ItemListImport official(const std::vector<TableRow>& rows, std::size_t header,
                        const ItemListOptions& options, std::string_view origin) {
    const std::vector<TableRow> table(rows.begin() + static_cast<std::ptrdiff_t>(header),
                                      rows.end());
    auto read = import_official_rows(table, options.year, options.category, origin);
    ItemListImport result;
    result.pack = std::move(read.pack);
    result.layout = ItemListLayout::official;
    result.category = std::move(read.category);
    return result;
}

// The simple layout from rows already read (an XLSX sheet): the importer takes
// CSV text, so the rows are written as CSV for it.
std::string as_csv(const std::vector<TableRow>& rows) {
    std::string text;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            std::string field = row.cells[i];
            std::string quoted = "\"";
            for (const char c : field) {
                quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
            }
            text += (i == 0 ? "" : ",") + quoted + "\"";
        }
        text += "\r\n";
    }
    return text;
}

ItemListImport from_csv(std::string_view text, const ItemListOptions& options,
                        std::string_view origin) {
    std::vector<TableRow> rows;
    for (auto& record : read_csv(text, origin, ErrorCode::malformed_pack)) {
        rows.push_back({record.line, std::move(record.fields)});
    }
    rows = without_blank_rows(std::move(rows));
    if (!rows.empty() && !is_simple_header(rows.front().cells)) {
        if (const auto header = official_header(rows)) {
            return official(rows, *header, options, origin);
        }
    }
    ItemListImport result;
    result.pack = import_pack_csv(text, options.year, origin);
    return result;
}

ItemListImport from_xlsx(std::string_view bytes, const ItemListOptions& options,
                         std::string_view origin) {
    const auto sheets = report::read_xlsx(bytes, origin);
    std::string names;
    for (const auto& sheet : sheets) {
        std::vector<TableRow> rows;
        for (const auto& row : sheet.rows) {
            rows.push_back({row.number, row.cells});
        }
        rows = without_blank_rows(std::move(rows));
        const std::string where =
            std::string(origin) + " (sheet " + detail::quote_for_message(sheet.name) + ")";
        if (!rows.empty() && is_simple_header(rows.front().cells)) {
            ItemListImport result;
            result.pack = import_pack_csv(as_csv(rows), options.year, where);
            result.from_xlsx = true;
            return result;
        }
        if (const auto header = official_header(rows)) {
            auto result = official(rows, *header, options, where);
            result.from_xlsx = true;
            return result;
        }
        names += (names.empty() ? "" : ", ") + detail::quote_for_message(sheet.name);
    }
    fail(ErrorCode::malformed_pack,
         std::string(origin) +
             ": no sheet has a header row of an item list (an \"Evidence "
             "reference\" and \"Evidence text - ...\" columns, or id, title, "
             "question, type, approaching, met); sheets: " +
             names);
}

}  // namespace

ItemListImport import_item_list(std::string_view bytes, const ItemListOptions& options,
                                std::string_view origin) {
    auto result = report::looks_like_zip(bytes) ? from_xlsx(bytes, options, origin)
                                                : from_csv(bytes, options, origin);
    result.pack.version = options.version;
    result.pack.opens = options.opens;
    validate_pack(result.pack, origin);
    return result;
}

}  // namespace dspt::standards
