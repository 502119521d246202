#include "common/crypto/random.hpp"

#include <array>

#include <sodium.h>

#include "common/crypto/init.hpp"

namespace dspt::crypto {

Bytes random_bytes(std::size_t n) {
    ensure_initialised();
    Bytes bytes(n);
    if (n > 0) {
        randombytes_buf(bytes.data(), n);
    }
    return bytes;
}

std::uint64_t random_u64() {
    ensure_initialised();
    std::uint64_t value = 0;
    randombytes_buf(&value, sizeof value);
    return value;
}

std::string random_uuid() {
    ensure_initialised();
    std::array<unsigned char, 16> b{};
    randombytes_buf(b.data(), b.size());
    b[6] = static_cast<unsigned char>((b[6] & 0x0fU) | 0x40U);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3fU) | 0x80U);  // variant 10xx (RFC 4122)

    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            text.push_back('-');
        }
        text.push_back(kDigits[b[i] >> 4]);
        text.push_back(kDigits[b[i] & 0x0fU]);
    }
    return text;
}

}  // namespace dspt::crypto
