#pragma once
// Internal to common/standards: line numbers for values in a JSON text, so the
// pack loader can say which line an offending item or field is on.
//
// nlohmann::json keeps no source positions, so JsonLines makes a second, cheap
// pass over a text that nlohmann has ALREADY accepted, and records the line of
// every value down to a fixed depth, keyed by JSON Pointer (RFC 6901):
// "" is the root, "/items/3/title" the title member of the fourth item. For an
// object member the recorded line is the line of its key.
//
// Behaviour on text nlohmann rejected is unspecified but memory-safe.
// Values deeper than max_depth are skipped iteratively, so deep nesting cannot
// exhaust the stack. An instance is immutable after construction.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dspt::standards::detail {

// 1-based line of byte `offset` in `text` (offsets past the end count as the
// last line).
std::size_t line_at_offset(std::string_view text, std::size_t offset) noexcept;

// `parent` + "/" + `key`, with "~" and "/" in key escaped as RFC 6901 says.
std::string json_pointer_child(std::string_view parent, std::string_view key);
std::string json_pointer_child(std::string_view parent, std::size_t index);

class JsonLines {
  public:
    // A member name that occurs twice in one object. nlohmann keeps the last
    // value silently; the loader rejects the pack instead.
    struct Duplicate {
        std::string pointer;   // pointer of the repeated member
        std::string name;      // its name
        std::size_t line = 0;  // line of the second occurrence
    };

    // Scans `text`. max_depth 3 covers pack -> items -> item -> field.
    explicit JsonLines(std::string_view text, int max_depth = 3);

    // The line of the value at `pointer`; when that value does not exist (a
    // missing field) the line of its nearest existing ancestor.
    std::size_t line_of(std::string_view pointer) const;

    // The first repeated member name within the scanned depth, if any.
    const std::optional<Duplicate>& duplicate() const noexcept { return duplicate_; }

  private:
    char peek() const noexcept;
    void skip_whitespace() noexcept;
    std::string_view string_token() noexcept;
    void skip_value() noexcept;
    void scan_value(const std::string& pointer, int depth);
    bool record(const std::string& pointer, std::size_t line);

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    int max_depth_;
    std::unordered_map<std::string, std::size_t> lines_;
    std::optional<Duplicate> duplicate_;
};

}  // namespace dspt::standards::detail
