#pragma once
// Authenticated encryption of values at rest: XChaCha20-Poly1305 (IETF).
//
// Aead::seal encrypts a value under a SecretKey and binds it to associated
// data (AD): bytes that are authenticated but not encrypted and not stored in
// the output. The client passes the value's location as AD (table, row key and
// column; docs/security.md, "On a device"), so a ciphertext copied to another row or
// column no longer opens.
//
// Sealed layout (what seal returns and open expects):
//
//   offset 0   nonce       kNonceBytes (24), random per seal
//   offset 24  ciphertext  same length as the plaintext
//   end - 16   tag         kTagBytes (16), Poly1305
//
// so sealed.size() == plaintext.size() + kOverheadBytes (40).
//
// Contract:
//   - open returns the plaintext only when the key, the AD and every byte of
//     the sealed value are exactly those of the seal; otherwise it throws
//     Error(ErrorCode::authentication_failed) and returns nothing, never a
//     partial or garbled plaintext. A too-short input fails the same way.
//   - Sealing the same plaintext twice gives different outputs (fresh nonce).
//   - Nonces are 192 random bits, so any number of values may be sealed under
//     one key without a practical risk of a repeated nonce.
//   - An empty key throws Error(ErrorCode::invalid_argument).
//
// What an attacker gains:
//   - from sealed values alone: the plaintext length and whether two values
//     are the same sealing (not whether two plaintexts are equal);
//   - from changing, truncating, swapping or moving sealed values: a clean
//     authentication_failed, nothing else; they cannot forge one without the key;
//   - the AD is not secret: it is what the value claims about itself, and the
//     attacker knows it.
//   - with the key: every value sealed under it.
//
// Thread safety: stateless; call from any thread, with one key shared by many.

#include <cstddef>
#include <span>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"

namespace dspt::crypto {

class Aead {
  public:
    static constexpr std::size_t kNonceBytes = 24;
    static constexpr std::size_t kTagBytes = 16;
    static constexpr std::size_t kOverheadBytes = kNonceBytes + kTagBytes;

    Aead() = delete;

    // nonce || ciphertext || tag (see above). plaintext and associated_data
    // may be empty.
    [[nodiscard]] static Bytes seal(const SecretKey& key, ByteView plaintext,
                                    ByteView associated_data);

    // The plaintext of a value from seal() with the same key and AD. Throws
    // Error(ErrorCode::authentication_failed) for any other input.
    [[nodiscard]] static Bytes open(const SecretKey& key, ByteView sealed,
                                    ByteView associated_data);

    // open() into memory the caller provides (a SecureBuffer, to open a key
    // without it passing through ordinary memory). out.size() must equal
    // sealed.size() - kOverheadBytes, else authentication_failed (the length
    // of a sealed value is part of what an attacker may alter). On failure out
    // is zeroed.
    static void open_into(const SecretKey& key, ByteView sealed, ByteView associated_data,
                          std::span<unsigned char> out);
};

}  // namespace dspt::crypto
