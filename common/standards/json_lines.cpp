#include "common/standards/json_lines.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace dspt::standards::detail {

namespace {

// A member name token (with quotes) as its string value. Names without escapes
// are the common case; others are decoded by nlohmann, without throwing.
std::string decode_key(std::string_view raw) {
    if (raw.size() >= 2 && raw.find('\\') == std::string_view::npos) {
        return std::string(raw.substr(1, raw.size() - 2));
    }
    const auto value = nlohmann::json::parse(raw, nullptr, false);
    return value.is_string() ? value.get<std::string>() : std::string(raw);
}

}  // namespace

std::size_t line_at_offset(std::string_view text, std::size_t offset) noexcept {
    const auto end = text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size()));
    return 1 + static_cast<std::size_t>(std::count(text.begin(), end, '\n'));
}

std::string json_pointer_child(std::string_view parent, std::string_view key) {
    std::string out(parent);
    out += '/';
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string json_pointer_child(std::string_view parent, std::size_t index) {
    return std::string(parent) + "/" + std::to_string(index);
}

JsonLines::JsonLines(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {
    // nlohmann skips a UTF-8 byte order mark; so must we.
    if (text_.starts_with("\xEF\xBB\xBF")) {
        pos_ = 3;
    }
    skip_whitespace();
    record("", line_);
    scan_value("", 0);
}

std::size_t JsonLines::line_of(std::string_view pointer) const {
    std::string key(pointer);
    while (true) {
        if (const auto it = lines_.find(key); it != lines_.end()) {
            return it->second;
        }
        const auto slash = key.rfind('/');
        if (slash == std::string::npos) {
            return 1;
        }
        key.resize(slash);
    }
}

char JsonLines::peek() const noexcept {
    return pos_ < text_.size() ? text_[pos_] : '\0';
}

void JsonLines::skip_whitespace() noexcept {
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '\n') {
            ++line_;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        ++pos_;
    }
}

// At an opening quote: consumes the string and returns it with its quotes.
// Valid JSON strings hold no raw newlines, so the line count is unchanged.
std::string_view JsonLines::string_token() noexcept {
    const std::size_t start = pos_++;
    while (pos_ < text_.size() && text_[pos_] != '"') {
        pos_ += text_[pos_] == '\\' ? 2 : 1;
    }
    pos_ = std::min(pos_ + 1, text_.size());
    return text_.substr(start, pos_ - start);
}

// Consumes one value of any kind without recursion.
void JsonLines::skip_value() noexcept {
    std::size_t depth = 0;
    do {
        skip_whitespace();
        const char c = peek();
        if (c == '\0') {
            return;
        } else if (c == '"') {
            string_token();
        } else if (c == '{' || c == '[') {
            ++depth;
            ++pos_;
        } else if (c == '}' || c == ']') {
            depth -= depth > 0 ? 1 : 0;
            ++pos_;
        } else if (c == ',' || c == ':') {
            ++pos_;
        } else {
            while (pos_ < text_.size() &&
                   std::string_view(",:]} \t\r\n").find(peek()) == std::string_view::npos) {
                ++pos_;
            }
        }
    } while (depth > 0);
}

void JsonLines::scan_value(const std::string& pointer, int depth) {
    skip_whitespace();
    const char open = peek();
    if (depth >= max_depth_ || (open != '{' && open != '[')) {
        skip_value();
        return;
    }
    const char close = open == '{' ? '}' : ']';
    ++pos_;
    skip_whitespace();
    for (std::size_t index = 0; peek() != close && peek() != '\0'; ++index) {
        std::string child;
        if (open == '{') {
            const std::size_t key_line = line_;
            const std::string_view raw = string_token();
            // Keys without escapes are the common case; others need decoding.
            std::string key = decode_key(raw);
            child = json_pointer_child(pointer, key);
            if (!record(child, key_line) && !duplicate_) {
                duplicate_ = Duplicate{child, std::move(key), key_line};
            }
            skip_whitespace();
            ++pos_;  // ':'
        } else {
            skip_whitespace();
            child = json_pointer_child(pointer, index);
            record(child, line_);
        }
        scan_value(child, depth + 1);
        skip_whitespace();
        if (peek() == ',') {
            ++pos_;
            skip_whitespace();
        }
    }
    ++pos_;  // close
}

// Records the first line seen for `pointer`; false if it was already there.
bool JsonLines::record(const std::string& pointer, std::size_t line) {
    return lines_.emplace(pointer, line).second;
}

}  // namespace dspt::standards::detail
