#include "common/crypto/signer.hpp"

#include <array>
#include <utility>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(SigningKeyPair::kPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(SigningKeyPair::kSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(SigningKeyPair::kSeedBytes == crypto_sign_SEEDBYTES);
static_assert(SigningKeyPair::kSignatureBytes == crypto_sign_BYTES);

SigningKeyPair::SigningKeyPair(SecureBuffer secret) noexcept : secret_(std::move(secret)) {}

SigningKeyPair SigningKeyPair::generate() {
    SecureBuffer secret(kSecretKeyBytes);
    std::array<unsigned char, kPublicKeyBytes> public_key{};
    crypto_sign_keypair(public_key.data(), secret.mutable_view().data());
    return SigningKeyPair(std::move(secret));
}

SigningKeyPair SigningKeyPair::from_seed(ByteView seed) {
    if (seed.size() != kSeedBytes) {
        fail(ErrorCode::invalid_argument, "an Ed25519 seed must be 32 bytes");
    }
    SecureBuffer secret(kSecretKeyBytes);
    std::array<unsigned char, kPublicKeyBytes> public_key{};
    crypto_sign_seed_keypair(public_key.data(), secret.mutable_view().data(), seed.data());
    return SigningKeyPair(std::move(secret));
}

SigningKeyPair SigningKeyPair::from_secret_key(ByteView secret_key) {
    if (secret_key.size() != kSecretKeyBytes) {
        fail(ErrorCode::invalid_argument, "an Ed25519 secret key must be 64 bytes");
    }
    // Rebuild from the seed and check the stored public half: a mismatched one
    // would make every signature fail to verify, or sign for the wrong device.
    SigningKeyPair pair = from_seed(secret_key.first(kSeedBytes));
    if (sodium_memcmp(pair.secret_.view().data(), secret_key.data(), kSecretKeyBytes) != 0) {
        fail(ErrorCode::invalid_argument,
             "not an Ed25519 secret key: its public half does not match its seed");
    }
    return pair;
}

Bytes SigningKeyPair::public_key() const {
    if (empty()) {
        return {};
    }
    const ByteView public_half = secret_.view().subspan(kSeedBytes);
    return Bytes(public_half.begin(), public_half.end());
}

Bytes SigningKeyPair::sign(ByteView message) const {
    if (empty()) {
        fail(ErrorCode::invalid_argument, "the signing key pair is empty (moved from)");
    }
    Bytes signature(kSignatureBytes);
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                         secret_.view().data());
    return signature;
}

bool verify(ByteView public_key, ByteView message, ByteView signature) {
    ensure_initialised();
    if (public_key.size() != SigningKeyPair::kPublicKeyBytes ||
        signature.size() != SigningKeyPair::kSignatureBytes) {
        return false;
    }
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                       public_key.data()) == 0;
}

}  // namespace dspt::crypto
