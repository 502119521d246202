#include "protocol/detail/request_text.hpp"

#include <charconv>

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/error.hpp"

namespace dspt::protocol::detail {

void require_single_line(std::string_view value, std::string_view what) {
    if (value.find('\n') != std::string_view::npos) {
        fail(ErrorCode::invalid_argument, std::string(what) + " contains a newline");
    }
}

bool all_single_line(std::initializer_list<std::string_view> parts) noexcept {
    for (const std::string_view part : parts) {
        if (part.find('\n') != std::string_view::npos) {
            return false;
        }
    }
    return true;
}

bool is_lower_hex(std::string_view text, std::size_t length) noexcept {
    if (text.size() != length) {
        return false;
    }
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

std::string body_hash(std::string_view body) {
    return crypto::to_hex(crypto::blake2b(crypto::as_byte_view(body)));
}

std::optional<std::int64_t> positive_decimal(std::string_view text) noexcept {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text.front() == '0' || ec != std::errc{} ||
        end != text.data() + text.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

void malformed(std::string_view header, std::string_view why) {
    fail(ErrorCode::unauthenticated,
         "malformed " + std::string(header) + " header: " + std::string(why));
}

}  // namespace dspt::protocol::detail
