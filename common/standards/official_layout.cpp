#include "common/standards/official_layout.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

#include "common/error.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/validation.hpp"
#include "common/text.hpp"

namespace dspt::standards {

namespace {

constexpr std::array<std::string_view, 3> kDefaultCategories = {"Others (Category 3)", "Category 3",
                                                                "Social Care"};
constexpr std::array<std::string_view, 9> kReferenceKeys = {
    "evidenceref", "evidencereference", "evidenceitemref", "evidenceitemreference",
    "evidenceid",  "evidenceitemid",    "evidencenumber",  "ref",
    "reference"};
constexpr std::array<std::string_view, 2> kTextKeys = {"evidencetext", "evidenceitemtext"};
constexpr std::array<std::string_view, 3> kTooltipKeys = {"tooltips", "tooltip", "guidance"};
constexpr std::array<std::string_view, 6> kMetKeys = {"mandatory",
                                                      "mandatorystandardsmet",
                                                      "standardsmetmandatory",
                                                      "mandatoryforstandardsmet",
                                                      "standardsmet",
                                                      "mandatorysm"};
constexpr std::array<std::string_view, 5> kApproachingKeys = {
    "approachingstandards", "approachingstandardsmandatory", "mandatoryapproachingstandards",
    "mandatoryforapproachingstandards", "mandatoryas"};
constexpr std::array<std::string_view, 4> kTypeKeys = {"type", "answertype", "evidencetype",
                                                       "responsetype"};
constexpr std::array<std::string_view, 2> kTitleKeys = {"title", "evidencetitle"};
constexpr std::size_t kTitleWords = 8;

// A heading reduced to its lower-case letters and digits.
std::string key_of(std::string_view heading) {
    std::string key;
    for (const char c : heading) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            key += c;
        } else if (c >= 'A' && c <= 'Z') {
            key += static_cast<char>(c - 'A' + 'a');
        }
    }
    return key;
}

template <std::size_t N>
bool is_one_of(std::string_view key, const std::array<std::string_view, N>& keys) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The rest of `key` after the longest of `prefixes` it starts with, or nullopt.
template <std::size_t N>
std::optional<std::string> after_prefix(std::string_view key,
                                        const std::array<std::string_view, N>& prefixes) {
    std::optional<std::string> rest;
    std::size_t longest = 0;
    for (const auto prefix : prefixes) {
        if (key.starts_with(prefix) && (!rest || prefix.size() > longest)) {
            rest = std::string(key.substr(prefix.size()));
            longest = prefix.size();
        }
    }
    return rest;
}

std::optional<bool> parse_flag(std::string_view text) {
    const std::string w = ascii_lower(trim(text));
    if (w.empty() || w == "no" || w == "n" || w == "false" || w == "0" || w == "optional" ||
        w == "not mandatory" || w == "non-mandatory" || w == "non mandatory" || w == "n/a" ||
        w == "-") {
        return false;
    }
    if (w == "yes" || w == "y" || w == "true" || w == "1" || w == "mandatory") {
        return true;
    }
    return std::nullopt;
}

bool contains_word(const std::string& lower, std::string_view word) {
    for (auto at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
        const bool start = at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1]));
        const auto end = at + word.size();
        const bool finish =
            end == lower.size() || !std::isalnum(static_cast<unsigned char>(lower[end]));
        if (start && finish) {
            return true;
        }
    }
    return false;
}

class OfficialReader {
  public:
    OfficialReader(std::string_view year, std::string_view origin) : year_(year), origin_(origin) {}

    OfficialLayoutResult read(const std::vector<TableRow>& rows, std::string_view category) {
        if (!detail::is_valid_year(year_)) {
            fail(ErrorCode::malformed_pack, origin_ + ": " + detail::year_problem(year_));
        }
        if (rows.empty()) {
            fail(ErrorCode::malformed_pack, origin_ + ": missing header row");
        }
        const auto& header = rows.front();
        line_ = header.line;
        for (const auto& cell : header.cells) {
            keys_.push_back(key_of(cell));
            headings_.push_back(std::string(trim(cell)));
        }
        reference_ = single_column(kReferenceKeys, "evidence reference (\"Evidence reference\")");
        choose_category(category);
        tooltip_ = category_column(kTooltipKeys, false, "tool tips");
        met_ = category_column(kMetKeys, true, "mandatory (Standards Met)");
        approaching_ = category_column(kApproachingKeys, true, "Approaching Standards");
        type_ = category_column(kTypeKeys, false, "type");
        title_ = category_column(kTitleKeys, false, "title");

        OfficialLayoutResult result;
        result.pack.year = std::string(year_);
        result.category = headings_[*text_].substr(text_heading_prefix_);
        std::unordered_map<std::string, std::size_t> first_line;
        for (auto it = rows.begin() + 1; it != rows.end(); ++it) {
            auto item = read_item(*it);
            if (!item) {
                continue;
            }
            const auto [seen, inserted] = first_line.emplace(item->id, it->line);
            if (!inserted) {
                fail_at(it->line, "duplicate evidence reference " + seen->first +
                                      " (first on line " + std::to_string(seen->second) + ")");
            }
            result.pack.items.push_back(std::move(*item));
        }
        if (result.pack.items.empty()) {
            fail_at(header.line, "no items of category " +
                                     detail::quote_for_message(result.category) +
                                     " after the header row");
        }
        std::stable_sort(result.pack.items.begin(), result.pack.items.end(),
                         detail::toolkit_order_less);
        validate_pack(result.pack, origin_);
        return result;
    }

  private:
    [[noreturn]] void fail_at(std::size_t line, const std::string& reason) const {
        fail(ErrorCode::malformed_pack, origin_ + ":" + std::to_string(line) + ": " + reason);
    }

    std::string headings_found() const {
        std::string list;
        for (const auto& heading : headings_) {
            if (!heading.empty()) {
                list += (list.empty() ? "" : ", ") + detail::quote_for_message(heading);
            }
        }
        return "headings found: " + (list.empty() ? std::string("none") : list);
    }

    [[noreturn]] void missing(const std::string& what) const {
        fail_at(line_, "missing column: " + what + "; " + headings_found());
    }

    template <std::size_t N>
    std::size_t single_column(const std::array<std::string_view, N>& keys,
                              const std::string& what) const {
        std::optional<std::size_t> found;
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (is_one_of(keys_[i], keys)) {
                if (found) {
                    fail_at(line_, "two columns for the " + what + ": " +
                                       detail::quote_for_message(headings_[*found]) + " and " +
                                       detail::quote_for_message(headings_[i]));
                }
                found = i;
            }
        }
        if (!found) {
            missing(what);
        }
        return *found;
    }

    // The evidence text column of `wanted` (a category name): its heading's
    // rest equal to the name, or else the only one containing it.
    std::optional<std::size_t> text_column_of(std::string_view wanted) const {
        const auto want = key_of(wanted);
        std::vector<std::size_t> exact;
        std::vector<std::size_t> partial;
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            const auto rest = after_prefix(keys_[i], kTextKeys);
            if (!rest || rest->empty()) {
                continue;
            }
            if (*rest == want) {
                exact.push_back(i);
            } else if (rest->find(want) != std::string::npos) {
                partial.push_back(i);
            }
        }
        const auto& found = exact.empty() ? partial : exact;
        if (found.size() > 1) {
            fail_at(line_, "category " + detail::quote_for_message(wanted) +
                               " matches several columns: " +
                               detail::quote_for_message(headings_[found[0]]) + " and " +
                               detail::quote_for_message(headings_[found[1]]) +
                               "; name one with --category");
        }
        return found.empty() ? std::nullopt : std::optional(found.front());
    }

    void choose_category(std::string_view category) {
        if (!category.empty()) {
            text_ = text_column_of(category);
            if (!text_) {
                missing("evidence text for category " + detail::quote_for_message(category) +
                        " (\"Evidence text - " + std::string(category) + "\")");
            }
        } else {
            for (const auto name : kDefaultCategories) {
                if ((text_ = text_column_of(name))) {
                    break;
                }
            }
            if (!text_) {
                missing(
                    "evidence text for category 3 (\"Evidence text - Others (Category 3)\", "
                    "or name the category with --category)");
            }
        }
        category_key_ = *after_prefix(keys_[*text_], kTextKeys);
        // Where the category's words start in the heading as written: after
        // "Evidence text" and the punctuation that follows it.
        const auto& heading = headings_[*text_];
        std::size_t letters = 0;
        std::size_t at = 0;
        const auto prefix = keys_[*text_].size() - category_key_.size();
        while (at < heading.size() && letters < prefix) {
            letters += std::isalnum(static_cast<unsigned char>(heading[at])) ? 1 : 0;
            ++at;
        }
        while (at < heading.size() && !std::isalnum(static_cast<unsigned char>(heading[at]))) {
            ++at;
        }
        text_heading_prefix_ = at;
    }

    // The column of `keys` for the chosen category, else one without a
    // category; `required` makes its absence an error.
    template <std::size_t N>
    std::optional<std::size_t> category_column(const std::array<std::string_view, N>& keys,
                                               bool required, const std::string& what) const {
        std::optional<std::size_t> general;
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (i == *text_ || i == reference_) {
                continue;
            }
            for (const auto key : keys) {
                if (keys_[i] == std::string(key) + category_key_) {
                    return i;
                }
                if (keys_[i] == key) {
                    general = i;
                }
            }
        }
        if (!general && required) {
            missing(what + " for category " + detail::quote_for_message(headings_[*text_]));
        }
        return general;
    }

    std::string_view cell(const TableRow& row, std::optional<std::size_t> column) const {
        return column && *column < row.cells.size() ? trim(row.cells[*column]) : "";
    }

    bool flag(const TableRow& row, std::size_t column) const {
        const auto text = cell(row, column);
        const auto parsed = parse_flag(text);
        if (!parsed) {
            fail_at(row.line, detail::quote_for_message(headings_[column]) + " " +
                                  detail::quote_for_message(text) + " is not yes or no");
        }
        return *parsed;
    }

    std::optional<Item> read_item(const TableRow& row) const {
        const auto question = cell(row, text_);
        const auto id = cell(row, reference_);
        if (question.empty()) {
            return std::nullopt;  // an item of other categories, or a blank row
        }
        Item item;
        item.id = id;
        if (!detail::parse_item_id(item.id)) {
            fail_at(row.line, "evidence reference " + detail::quote_for_message(id) +
                                  " is not an item id such as 1.1.1");
        }
        item.standard = (*detail::parse_item_id(item.id))[0];
        item.question = question;
        item.comment = cell(row, tooltip_);
        const auto title = cell(row, title_);
        item.title = title.empty() ? derive_title(question) : std::string(title);
        if (const auto type = cell(row, type_); !type.empty()) {
            const auto parsed = detail::parse_type_word(type);
            if (!parsed) {
                fail_at(row.line, "type " + detail::quote_for_message(type) +
                                      " is not one of yes/no, text, date, document");
            }
            item.type = *parsed;
        } else {
            item.type = type_from_wording(question);
        }
        item.mandatory_met = flag(row, *met_);
        item.mandatory_approaching = flag(row, *approaching_);
        item.source = Source::confirmed;
        if (const auto problem = detail::check_item(item)) {
            fail_at(row.line, problem->message);
        }
        return item;
    }

    std::string_view year_;
    std::string origin_;
    std::size_t line_ = 0;
    std::vector<std::string> keys_;
    std::vector<std::string> headings_;
    std::size_t reference_ = 0;
    std::optional<std::size_t> text_;
    std::string category_key_;
    std::size_t text_heading_prefix_ = 0;
    std::optional<std::size_t> tooltip_;
    std::optional<std::size_t> met_;
    std::optional<std::size_t> approaching_;
    std::optional<std::size_t> type_;
    std::optional<std::size_t> title_;
};

}  // namespace

bool is_official_header(const std::vector<std::string>& cells) {
    return std::any_of(cells.begin(), cells.end(), [](const std::string& cell) {
        const auto key = key_of(cell);
        const auto rest = after_prefix(key, kTextKeys);
        return is_one_of(key, kReferenceKeys) || (rest && !rest->empty());
    });
}

OfficialLayoutResult import_official_rows(const std::vector<TableRow>& rows, std::string_view year,
                                          std::string_view category, std::string_view origin) {
    return OfficialReader(year, origin).read(rows, category);
}

std::string derive_title(std::string_view text) {
    auto sentence = trim(text);
    for (std::size_t i = 0; i < sentence.size(); ++i) {
        const char c = sentence[i];
        if ((c == '.' || c == '?' || c == '!' || c == '\n') &&
            (i + 1 == sentence.size() || sentence[i + 1] == ' ' || sentence[i + 1] == '\n' ||
             sentence[i + 1] == '\r')) {
            sentence = sentence.substr(0, i);
            break;
        }
    }
    std::string title;
    std::size_t words = 0;
    std::size_t at = 0;
    bool cut = false;
    while (at < sentence.size()) {
        while (at < sentence.size() && (sentence[at] == ' ' || sentence[at] == '\t')) {
            ++at;
        }
        if (at == sentence.size()) {
            break;
        }
        if (words == kTitleWords) {
            cut = true;
            break;
        }
        const auto end = sentence.find_first_of(" \t", at);
        title += (words == 0 ? "" : " ") +
                 std::string(sentence.substr(at, end == std::string_view::npos ? end : end - at));
        ++words;
        at = end == std::string_view::npos ? sentence.size() : end;
    }
    while (!title.empty() && (title.back() == ',' || title.back() == ';' || title.back() == ':')) {
        title.pop_back();
    }
    return cut ? title + "..." : title;
}

AnswerType type_from_wording(std::string_view text) {
    const std::string lower = ascii_lower(trim(text));
    if (contains_word(lower, "upload") || contains_word(lower, "uploaded") ||
        contains_word(lower, "attach")) {
        return AnswerType::document;
    }
    if (lower.starts_with("when ") || contains_word(lower, "what date") ||
        lower.starts_with("date ") || contains_word(lower, "date of")) {
        return AnswerType::date;
    }
    constexpr std::array<std::string_view, 13> kQuestionWords = {
        "how",  "what",    "which", "who",     "describe", "explain",  "list",
        "name", "provide", "give",  "outline", "please",   "summarise"};
    for (const auto word : kQuestionWords) {
        if (lower.starts_with(word) &&
            (lower.size() == word.size() ||
             !std::isalnum(static_cast<unsigned char>(lower[word.size()])))) {
            return AnswerType::text;
        }
    }
    return AnswerType::confirm;
}

}  // namespace dspt::standards
