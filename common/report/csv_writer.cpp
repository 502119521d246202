#include "common/report/csv_writer.hpp"

namespace dspt::report {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kLineEnd = "\r\n";

}  // namespace

bool starts_like_formula(std::string_view text) noexcept {
    if (text.empty()) {
        return false;
    }
    switch (text.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            return true;
        default:
            return false;
    }
}

namespace {

template <typename Cells>
void append_line(std::string& out, const Cells& cells) {
    bool first = true;
    for (const auto& cell : cells) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += csv_field(cell);
    }
    out += kLineEnd;
}

}  // namespace

std::string csv_field(std::string_view text) {
    std::string value;
    value.reserve(text.size() + 1);
    if (starts_like_formula(text)) {
        value += '\'';
    }
    value += text;
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string quoted;
    quoted.reserve(value.size() + 2);
    quoted += '"';
    for (const char c : value) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

void append_csv_line(std::string& out, const std::vector<std::string>& cells) {
    append_line(out, cells);
}

std::string to_csv(const AnswersReport& report) {
    std::string out(kBom);
    append_line(out, kColumnHeaders);
    for (const auto& row : report.rows) {
        append_line(out, to_cells(row));
    }
    return out;
}

}  // namespace dspt::report
