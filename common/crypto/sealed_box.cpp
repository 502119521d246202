#include "common/crypto/sealed_box.hpp"

#include <utility>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(BoxKeyPair::kPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(BoxKeyPair::kSecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(BoxKeyPair::kSealOverheadBytes == crypto_box_SEALBYTES);

BoxKeyPair::BoxKeyPair(SecureBuffer secret,
                       const std::array<unsigned char, kPublicKeyBytes>& public_key)
    : secret_(std::move(secret)), public_key_(public_key) {}

BoxKeyPair BoxKeyPair::generate() {
    SecureBuffer secret(kSecretKeyBytes);
    std::array<unsigned char, kPublicKeyBytes> public_key{};
    crypto_box_keypair(public_key.data(), secret.mutable_view().data());
    return BoxKeyPair(std::move(secret), public_key);
}

BoxKeyPair BoxKeyPair::from_secret_key(ByteView secret_key) {
    if (secret_key.size() != kSecretKeyBytes) {
        fail(ErrorCode::invalid_argument, "an X25519 secret key must be 32 bytes");
    }
    SecureBuffer secret = SecureBuffer::copy_of(secret_key);
    std::array<unsigned char, kPublicKeyBytes> public_key{};
    if (crypto_scalarmult_base(public_key.data(), secret.view().data()) != 0) {
        fail(ErrorCode::invalid_argument, "not a usable X25519 secret key");
    }
    return BoxKeyPair(std::move(secret), public_key);
}

Bytes BoxKeyPair::public_key() const {
    if (empty()) {
        return {};
    }
    return Bytes(public_key_.begin(), public_key_.end());
}

Bytes BoxKeyPair::open(ByteView sealed) const {
    if (empty()) {
        fail(ErrorCode::invalid_argument, "the box key pair is empty (moved from)");
    }
    if (sealed.size() < kSealOverheadBytes) {
        fail(ErrorCode::authentication_failed, "sealed box failed authentication: it is truncated");
    }
    Bytes message(sealed.size() - kSealOverheadBytes);
    if (crypto_box_seal_open(message.data(), sealed.data(), sealed.size(), public_key_.data(),
                             secret_.view().data()) != 0) {
        fail(ErrorCode::authentication_failed,
             "sealed box failed authentication: it was changed, or sealed to another key");
    }
    return message;
}

Bytes seal_to(ByteView recipient_public_key, ByteView message) {
    ensure_initialised();
    if (recipient_public_key.size() != BoxKeyPair::kPublicKeyBytes) {
        fail(ErrorCode::invalid_argument, "an X25519 public key must be 32 bytes");
    }
    Bytes sealed(message.size() + BoxKeyPair::kSealOverheadBytes);
    if (crypto_box_seal(sealed.data(), message.data(), message.size(),
                        recipient_public_key.data()) != 0) {
        fail(ErrorCode::invalid_argument, "the recipient's X25519 public key cannot be used");
    }
    return sealed;
}

}  // namespace dspt::crypto
