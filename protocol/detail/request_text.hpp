#pragma once
// The pieces the signed (signing.hpp) and the session (session_auth.hpp) request
// strings and headers share. Internal to the protocol library.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace dspt::protocol::detail {

// Throws Error(ErrorCode::invalid_argument) "<what> contains a newline".
void require_single_line(std::string_view value, std::string_view what);

// True when none of the parts contains '\n'.
[[nodiscard]] bool all_single_line(std::initializer_list<std::string_view> parts) noexcept;

// True for exactly `length` lower-hex characters.
[[nodiscard]] bool is_lower_hex(std::string_view text, std::size_t length) noexcept;

// The lower-hex BLAKE2b-256 of `body` (of zero bytes when it is empty).
[[nodiscard]] std::string body_hash(std::string_view body);

// The value of `text` when it is the canonical decimal of a positive signed
// 64-bit integer (no sign, no leading zeros, no spaces); nothing otherwise.
[[nodiscard]] std::optional<std::int64_t> positive_decimal(std::string_view text) noexcept;

// Throws Error(ErrorCode::unauthenticated) "malformed <header> header: <why>".
[[noreturn]] void malformed(std::string_view header, std::string_view why);

}  // namespace dspt::protocol::detail
