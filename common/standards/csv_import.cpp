#include "common/standards/csv_import.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_map>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/validation.hpp"
#include "common/text.hpp"

namespace dspt::standards {

namespace {

enum Column { kId, kStandard, kTitle, kQuestion, kType, kApproaching, kMet, kComment, kSource };
constexpr std::array<std::string_view, 9> kColumnNames = {
    "id", "standard", "title", "question", "type", "approaching", "met", "comment", "source"};
constexpr std::size_t kRequiredColumns = kComment;  // the first seven

bool is_blank(const CsvRecord& record) {
    return std::all_of(record.fields.begin(), record.fields.end(),
                       [](const std::string& field) { return trim(field).empty(); });
}

std::optional<bool> parse_yes_no(std::string_view word) {
    const std::string w = ascii_lower(word);
    if (w == "yes" || w == "y" || w == "true" || w == "1") {
        return true;
    }
    if (w == "no" || w == "n" || w == "false" || w == "0") {
        return false;
    }
    return std::nullopt;
}

class CsvImporter {
  public:
    CsvImporter(std::string_view year, std::string_view origin) : year_(year), origin_(origin) {}

    Pack import(std::string_view text) {
        if (!detail::is_valid_year(year_)) {
            fail(ErrorCode::malformed_pack, origin_ + ": " + detail::year_problem(year_));
        }
        auto records = read_csv(text, origin_, ErrorCode::malformed_pack);
        std::erase_if(records, is_blank);
        if (records.empty()) {
            fail_at(1, "missing header row");
        }
        read_header(records.front());
        if (records.size() == 1) {
            fail_at(records.front().line, "no items after the header row");
        }
        Pack pack{std::string(year_), "", {}};
        std::unordered_map<std::string, std::size_t> first_line;  // id -> line
        for (auto it = records.begin() + 1; it != records.end(); ++it) {
            pack.items.push_back(read_item(*it));
            const auto [seen, inserted] = first_line.emplace(pack.items.back().id, it->line);
            if (!inserted) {
                fail_at(it->line, "duplicate id " + seen->first + " (first on line " +
                                      std::to_string(seen->second) + ")");
            }
        }
        std::stable_sort(pack.items.begin(), pack.items.end(), detail::toolkit_order_less);
        validate_pack(pack, origin_);
        return pack;
    }

  private:
    [[noreturn]] void fail_at(std::size_t line, const std::string& reason) const {
        fail(ErrorCode::malformed_pack, origin_ + ":" + std::to_string(line) + ": " + reason);
    }

    void read_header(const CsvRecord& header) {
        header_size_ = header.fields.size();
        for (std::size_t i = 0; i < header.fields.size(); ++i) {
            const std::string name = ascii_lower(trim(header.fields[i]));
            const auto known = std::find(kColumnNames.begin(), kColumnNames.end(), name);
            if (known == kColumnNames.end()) {
                continue;  // other columns are the spreadsheet's own business
            }
            auto& index = columns_[static_cast<std::size_t>(known - kColumnNames.begin())];
            if (index) {
                fail_at(header.line,
                        "column " + detail::quote_for_message(name) + " appears twice");
            }
            index = i;
        }
        for (std::size_t c = 0; c < kRequiredColumns; ++c) {
            if (!columns_[c]) {
                fail_at(header.line,
                        "missing column " + detail::quote_for_message(kColumnNames[c]));
            }
        }
    }

    // The trimmed value of `column` in `record`; empty when the column is
    // absent or the row is short (spreadsheets may drop trailing empty cells).
    std::string_view value(const CsvRecord& record, Column column) const {
        const auto& index = columns_[column];
        return index && *index < record.fields.size() ? trim(record.fields[*index]) : "";
    }

    bool yes_no(const CsvRecord& record, Column column) const {
        const auto text = value(record, column);
        const auto parsed = parse_yes_no(text);
        if (!parsed) {
            fail_at(record.line, std::string(kColumnNames[column]) + " " +
                                     detail::quote_for_message(text) + " is not yes or no");
        }
        return *parsed;
    }

    Item read_item(const CsvRecord& record) const {
        for (std::size_t i = header_size_; i < record.fields.size(); ++i) {
            if (!trim(record.fields[i]).empty()) {
                fail_at(record.line, "row has " + std::to_string(record.fields.size()) +
                                         " fields but the header has " +
                                         std::to_string(header_size_));
            }
        }
        Item item;
        item.id = value(record, kId);
        if (const auto standard = value(record, kStandard); standard.empty()) {
            const auto parts = detail::parse_item_id(item.id);
            item.standard = parts ? (*parts)[0] : 0;  // a bad id is reported below
        } else if (standard.size() <= 3 &&
                   std::all_of(standard.begin(), standard.end(),
                               [](char c) { return c >= '0' && c <= '9'; })) {
            item.standard = std::stoi(std::string(standard));
        } else {
            fail_at(record.line, "standard " + detail::quote_for_message(standard) +
                                     " is not a number from 1 to 10");
        }
        item.title = value(record, kTitle);
        item.question = value(record, kQuestion);
        const auto type = value(record, kType);
        const auto parsed_type = detail::parse_type_word(type);
        if (!parsed_type) {
            fail_at(record.line, "type " + detail::quote_for_message(type) + " is not one of " +
                                     std::string(detail::answer_type_names()));
        }
        item.type = *parsed_type;
        item.comment = value(record, kComment);
        item.mandatory_approaching = yes_no(record, kApproaching);
        item.mandatory_met = yes_no(record, kMet);
        if (const auto source = value(record, kSource); !source.empty()) {
            const auto parsed_source = parse_source(ascii_lower(source));
            if (!parsed_source) {
                fail_at(record.line, "source " + detail::quote_for_message(source) +
                                         " is not one of confirmed, inferred");
            }
            item.source = *parsed_source;
        }
        if (const auto problem = detail::check_item(item)) {
            fail_at(record.line, problem->message);
        }
        return item;
    }

    std::string_view year_;
    std::string origin_;
    std::array<std::optional<std::size_t>, kColumnNames.size()> columns_{};
    std::size_t header_size_ = 0;
};

}  // namespace

Pack import_pack_csv(std::string_view text, std::string_view year, std::string_view origin) {
    return CsvImporter(year, origin).import(text);
}

}  // namespace dspt::standards
