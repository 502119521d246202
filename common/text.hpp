#pragma once
// Small operations on the text of formats, protocols and messages, defined once
// for the whole project. They work on bytes and treat only ASCII specially, so
// they give the same result whatever the locale.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dspt {

// The ASCII whitespace trim() removes: space, tab, CR, LF, form feed, vertical tab.
inline constexpr std::string_view kAsciiSpace = " \t\r\n\f\v";

// Case folding for the ASCII words of formats and protocols (CSV headers,
// "Yes"/"NO" answers, HTTP header names, multipart parameters): A-Z become
// a-z and every other byte stays.
std::string ascii_lower(std::string_view text);

// A-Z for a-z, every other byte kept: codes people may type in either case, such
// as ODS codes ("ab1" is AB1).
std::string ascii_upper(std::string_view text);

// `text` without the bytes of `set` (ASCII whitespace unless told) at either
// end, e.g. " \t" for an HTTP header's optional whitespace. A view into `text`.
std::string_view trim(std::string_view text, std::string_view set = kAsciiSpace) noexcept;

// The length of the well-formed UTF-8 sequence starting at text[at], or 0
// when there is none (a stray continuation byte, a truncated, overlong or
// surrogate sequence, or a code point above U+10FFFF). `at` < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) noexcept;

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view text) noexcept;

// The parts, in order, with `separator` between each two: {"a", "b"} -> "a, b".
std::string joined(const std::vector<std::string>& parts, std::string_view separator = ", ");

}  // namespace dspt
