#include "common/standards/validation.hpp"

#include <cstddef>
#include <tuple>
#include <unordered_map>

#include "common/text.hpp"

namespace dspt::standards::detail {

namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool is_blank(std::string_view text) noexcept {
    return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

}  // namespace

std::optional<std::array<int, 3>> parse_item_id(std::string_view id) noexcept {
    std::array<int, 3> parts{};
    std::size_t pos = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            if (pos >= id.size() || id[pos] != '.') {
                return std::nullopt;
            }
            ++pos;
        }
        const std::size_t start = pos;
        int value = 0;
        while (pos < id.size() && is_digit(id[pos]) && pos - start < 3) {
            value = value * 10 + (id[pos] - '0');
            ++pos;
        }
        // One to three digits, no leading zero, so every id has one spelling.
        if (pos == start || id[start] == '0' || (pos < id.size() && is_digit(id[pos]))) {
            return std::nullopt;
        }
        parts[i] = value;
    }
    if (pos != id.size()) {
        return std::nullopt;
    }
    return parts;
}

bool is_valid_year(std::string_view year) noexcept {
    if (year.size() != 7 || year[4] != '-') {
        return false;
    }
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
        if (!is_digit(year[i])) {
            return false;
        }
    }
    const int first =
        (year[0] - '0') * 1000 + (year[1] - '0') * 100 + (year[2] - '0') * 10 + (year[3] - '0');
    const int second = (year[5] - '0') * 10 + (year[6] - '0');
    return (first + 1) % 100 == second;
}

std::string year_problem(std::string_view year) {
    return "year " + quote_for_message(year) +
           " is not of the form YYYY-YY naming consecutive years (for example 2025-26)";
}

std::string quote_for_message(std::string_view text) {
    constexpr std::size_t kMaxBytes = 60;
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        if (i >= kMaxBytes) {
            out += "...";
            break;
        }
        const std::size_t length = utf8_sequence_length(text, i);
        const auto byte = static_cast<unsigned char>(text[i]);
        if (length == 0 || byte < 0x20 || byte == 0x7F) {
            out += '?';
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    return out + "\"";
}

std::optional<ItemProblem> check_item(const Item& item) {
    if (item.id.empty()) {
        return ItemProblem{"id", "id is empty"};
    }
    const auto parts = parse_item_id(item.id);
    if (!parts) {
        return ItemProblem{"id", "id " + quote_for_message(item.id) + " is not of the form N.N.N"};
    }
    if (item.standard < 1 || item.standard > 10) {
        return ItemProblem{
            "standard", "standard " + std::to_string(item.standard) + " is not between 1 and 10"};
    }
    if ((*parts)[0] != item.standard) {
        return ItemProblem{"id", "id " + item.id + " does not belong to standard " +
                                     std::to_string(item.standard)};
    }
    const std::tuple<const char*, const std::string&, bool> texts[] = {
        {"title", item.title, true},
        {"question", item.question, true},
        {"comment", item.comment, false},
    };
    for (const auto& [name, text, required] : texts) {
        if (required && is_blank(text)) {
            return ItemProblem{name, std::string(name) + " is empty"};
        }
        if (!is_valid_utf8(text)) {
            return ItemProblem{name, std::string(name) + " is not valid UTF-8"};
        }
    }
    return std::nullopt;
}

std::optional<AnswerType> parse_type_word(std::string_view word) {
    static const std::unordered_map<std::string, AnswerType> kWords = {
        {"confirm", AnswerType::confirm},  {"checkbox", AnswerType::confirm},
        {"tick box", AnswerType::confirm}, {"yes/no", AnswerType::confirm},
        {"yes / no", AnswerType::confirm}, {"y/n", AnswerType::confirm},
        {"boolean", AnswerType::confirm},  {"text", AnswerType::text},
        {"free text", AnswerType::text},   {"text box", AnswerType::text},
        {"date", AnswerType::date},        {"document", AnswerType::document},
        {"doc", AnswerType::document},     {"upload", AnswerType::document},
        {"file", AnswerType::document},    {"document upload", AnswerType::document},
    };
    const auto it = kWords.find(ascii_lower(trim(word)));
    return it == kWords.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> opening_problem(const Pack& pack) {
    if (!pack.opens || !is_valid_year(pack.year)) {
        return std::nullopt;
    }
    const Date year_start = Pack{pack.year, "", {}}.opening_date();
    const std::chrono::year_month_day start{year_start.days()};
    const Date year_end = Date::from_days(
        std::chrono::sys_days{(start.year() + std::chrono::years{1}) / std::chrono::June / 30});
    if (*pack.opens < year_start || *pack.opens > year_end) {
        return "opens " + pack.opens->to_string() + " is outside the year " + pack.year + " (" +
               year_start.to_string() + " to " + year_end.to_string() + ")";
    }
    return std::nullopt;
}

bool toolkit_order_less(const Item& a, const Item& b) noexcept {
    const auto pa = parse_item_id(a.id);
    const auto pb = parse_item_id(b.id);
    if (pa && pb) {
        return std::tie(a.standard, *pa) < std::tie(b.standard, *pb);
    }
    if (pa || pb) {
        return pa.has_value();
    }
    return a.id < b.id;
}

std::string_view answer_type_names() noexcept {
    return "confirm, text, date, document";
}

}  // namespace dspt::standards::detail
