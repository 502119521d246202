#include "common/crypto/secret_key.hpp"

#include <string>
#include <utility>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(SecretKey::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(SecretKey::kSize == crypto_generichash_KEYBYTES);
static_assert(SecretKey::kSize == crypto_kdf_KEYBYTES);

SecretKey::SecretKey(SecureBuffer buffer) : buffer_(std::move(buffer)) {
    if (buffer_.size() != kSize) {
        const std::size_t size = buffer_.size();
        buffer_.reset();
        fail(ErrorCode::invalid_argument, "a secret key must be " + std::to_string(kSize) +
                                              " bytes, not " + std::to_string(size));
    }
}

SecretKey SecretKey::generate() {
    SecureBuffer buffer(kSize);
    randombytes_buf(buffer.mutable_view().data(), kSize);
    return SecretKey(std::move(buffer));
}

SecretKey SecretKey::from_bytes(ByteView bytes) {
    if (bytes.size() != kSize) {
        fail(ErrorCode::invalid_argument, "a secret key must be " + std::to_string(kSize) +
                                              " bytes, not " + std::to_string(bytes.size()));
    }
    return SecretKey(SecureBuffer::copy_of(bytes));
}

ByteView SecretKey::checked_view() const {
    if (empty()) {
        fail(ErrorCode::invalid_argument, "the secret key is empty (moved from or reset)");
    }
    return buffer_.view();
}

}  // namespace dspt::crypto
