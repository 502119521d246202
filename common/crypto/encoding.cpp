#include "common/crypto/encoding.hpp"

#include <algorithm>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

namespace {

constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

}  // namespace

std::string to_hex(ByteView bytes) {
    ensure_initialised();
    // sodium_bin2hex writes a terminating NUL, hence the extra byte.
    std::string text(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(text.data(), text.size(), bytes.data(), bytes.size());
    text.pop_back();
    return text;
}

Bytes from_hex(std::string_view text) {
    ensure_initialised();
    if (text.size() % 2 != 0) {
        fail(ErrorCode::invalid_argument, "hex text has an odd number of digits");
    }
    if (text.empty()) {
        return {};  // libsodium requires a non-null output buffer
    }
    Bytes bytes(text.size() / 2);
    std::size_t written = 0;
    // With hex_end == nullptr libsodium fails unless it consumed the whole text.
    if (sodium_hex2bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &written,
                       nullptr) != 0 ||
        written != bytes.size()) {
        fail(ErrorCode::invalid_argument, "text is not hexadecimal");
    }
    return bytes;
}

std::string to_base64(ByteView bytes) {
    ensure_initialised();
    // sodium_base64_ENCODED_LEN counts the terminating NUL.
    std::string text(sodium_base64_ENCODED_LEN(bytes.size(), kBase64Variant), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kBase64Variant);
    text.resize(text.size() - 1);
    return text;
}

Bytes from_base64(std::string_view text) {
    ensure_initialised();
    // libsodium 1.0.18 reads every byte from 0x80 up as '_' (its character
    // is signed), so those are refused here.
    const bool outside = std::any_of(text.begin(), text.end(),
                                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    if (outside) {
        fail(ErrorCode::invalid_argument, "text is not URL-safe base64 without padding");
    }
    Bytes bytes(text.size() / 4 * 3 + 3);
    std::size_t written = 0;
    // libsodium rejects the other characters outside the alphabet (no ignore
    // list), a dangling single character and non-zero leftover bits.
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &written,
                          nullptr, kBase64Variant) != 0) {
        fail(ErrorCode::invalid_argument, "text is not URL-safe base64 without padding");
    }
    bytes.resize(written);
    return bytes;
}

}  // namespace dspt::crypto
