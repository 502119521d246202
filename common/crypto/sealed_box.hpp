#pragma once
// Anonymous public-key encryption: X25519 sealed boxes (crypto_box_seal).
//
// Anyone holding a recipient's public key can seal a message that only the
// holder of the matching secret key can open. dsptsync uses it to hand a key to
// a device that has only published its public key (e.g. the organisation key
// to a newly enrolled device).
//
// Sizes: public key kPublicKeyBytes (32), secret key kSecretKeyBytes (32),
// sealed = message + kSealOverheadBytes (48: an ephemeral public key and a tag).
//
// Contract:
//   - open() returns the message only for the exact bytes seal_to() produced
//     for this key pair; anything else (changed, truncated, for another key)
//     throws Error(ErrorCode::authentication_failed);
//   - seal_to() throws Error(ErrorCode::invalid_argument) for a public key of
//     the wrong size or one that cannot be used (a low-order point);
//   - a moved-from key pair is empty: open() throws invalid_argument.
//
// What an attacker gains: from a sealed box, the message length only. But the
// box says nothing about who sealed it: anyone can seal to a public key, so
// the recipient learns nothing about the sender. Authenticate the sender some
// other way (a signature, or an authenticated channel) before trusting the
// content. With the secret key: every box ever sealed to it.
//
// Thread safety: const methods may run on many threads at once; seal_to is
// stateless.

#include <array>
#include <cstddef>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secure_buffer.hpp"

namespace dspt::crypto {

class BoxKeyPair {
  public:
    static constexpr std::size_t kPublicKeyBytes = 32;
    static constexpr std::size_t kSecretKeyBytes = 32;
    static constexpr std::size_t kSealOverheadBytes = 48;

    // An empty key pair.
    BoxKeyPair() noexcept = default;

    // A fresh random key pair.
    static BoxKeyPair generate();

    // Restores secret_key()'s 32 bytes; the public key is recomputed from it.
    // Throws Error(ErrorCode::invalid_argument) for another size.
    static BoxKeyPair from_secret_key(ByteView secret_key);

    bool empty() const noexcept { return secret_.empty(); }

    // The kPublicKeyBytes public key to publish (empty for an empty pair).
    Bytes public_key() const;

    // The kSecretKeyBytes secret key, in guarded memory; valid until this pair
    // is destroyed, moved from or assigned to. Seal it before storing it.
    ByteView secret_key() const noexcept { return secret_.view(); }

    // The message of a box sealed to this pair's public key. Throws
    // Error(ErrorCode::authentication_failed) for anything else.
    [[nodiscard]] Bytes open(ByteView sealed) const;

  private:
    BoxKeyPair(SecureBuffer secret, const std::array<unsigned char, kPublicKeyBytes>& public_key);

    SecureBuffer secret_;
    std::array<unsigned char, kPublicKeyBytes> public_key_{};
};

// message sealed to recipient_public_key (message + 48 bytes), with a fresh
// ephemeral key each time, so two seals of one message differ.
[[nodiscard]] Bytes seal_to(ByteView recipient_public_key, ByteView message);

}  // namespace dspt::crypto
