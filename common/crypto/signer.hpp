#pragma once
// Signatures: Ed25519 (libsodium crypto_sign).
//
// Each device holds a SigningKeyPair and signs every request (method, path,
// timestamp, nonce and the body's BLAKE2b hash; docs/security.md, "In transit"); the
// server keeps the device's public key and calls verify().
//
// Sizes: public key kPublicKeyBytes (32); signature kSignatureBytes (64,
// detached: the message is not included); secret key kSecretKeyBytes (64, in
// libsodium's form: the 32-byte seed followed by the 32-byte public key).
//
// Storage: secret_key() is the 64-byte form; keep it only sealed (Aead, under
// the data key) and restore it with from_secret_key(), which checks that its
// public half matches its seed.
//
// Contract:
//   - signatures are deterministic: the same key and message give the same
//     signature;
//   - verify() returns false (never throws for bad input) for a wrong-sized
//     key or signature, a changed message or signature, another key, or a
//     public key that is not a valid Ed25519 point;
//   - a moved-from key pair is empty: sign() throws
//     Error(ErrorCode::invalid_argument) and public_key() is empty.
//
// What an attacker gains: from signatures and the public key, nothing that lets
// them sign another message (Ed25519 is strongly unforgeable); a captured
// signed request can be replayed verbatim, which is why requests carry a
// timestamp and a nonce the server remembers. With the secret key: acting as
// the device until the server revokes it.
//
// Thread safety: const methods (sign, public_key) may run on many threads at
// once; verify is stateless.

#include <cstddef>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secure_buffer.hpp"

namespace dspt::crypto {

class SigningKeyPair {
  public:
    static constexpr std::size_t kPublicKeyBytes = 32;
    static constexpr std::size_t kSecretKeyBytes = 64;
    static constexpr std::size_t kSeedBytes = 32;
    static constexpr std::size_t kSignatureBytes = 64;

    // An empty key pair (for members filled later).
    SigningKeyPair() noexcept = default;

    // A fresh random key pair.
    static SigningKeyPair generate();

    // Restores secret_key()'s 64 bytes. Throws Error(ErrorCode::invalid_argument)
    // for another size or when the public half does not match the seed.
    static SigningKeyPair from_secret_key(ByteView secret_key);

    // The key pair of a 32-byte seed (for test vectors and deterministic
    // derivation). Throws Error(ErrorCode::invalid_argument) for another size.
    static SigningKeyPair from_seed(ByteView seed);

    bool empty() const noexcept { return secret_.empty(); }

    // The kPublicKeyBytes public key (empty for an empty pair).
    Bytes public_key() const;

    // The kSecretKeyBytes secret key, in guarded memory; valid until this pair
    // is destroyed, moved from or assigned to. Seal it before storing it.
    ByteView secret_key() const noexcept { return secret_.view(); }

    // The kSignatureBytes detached signature of message.
    [[nodiscard]] Bytes sign(ByteView message) const;

  private:
    explicit SigningKeyPair(SecureBuffer secret) noexcept;

    SecureBuffer secret_;  // seed || public key
};

// True only when signature is a valid Ed25519 signature of message under
// public_key. Wrong sizes give false.
[[nodiscard]] bool verify(ByteView public_key, ByteView message, ByteView signature);

}  // namespace dspt::crypto
