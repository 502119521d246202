#pragma once
// A 256-bit symmetric key in guarded memory.
//
// SecretKey is the key type of Aead, key wrapping, keyed BLAKE2b and subkey
// derivation: the client's data key, the organisation key, per-file evidence
// keys and passphrase-derived key-encryption keys. It holds exactly kSize
// bytes in a SecureBuffer (sodium_malloc: guard pages, mlock, wiped on free).
//
// Contract:
//   - move-only; a moved-from or reset() key is empty, and every operation
//     given an empty key throws Error(ErrorCode::invalid_argument);
//   - a default-constructed key is empty too (for members filled later);
//   - there is no operator==: compare keys with constant_time_equal(a.view(),
//     b.view()), which does not leak through timing where they differ;
//   - view() exposes the bytes for libsodium calls and for wrapping. Copying
//     them into Bytes or a std::string moves the secret into ordinary memory
//     that is never wiped; don't, except to show a recovery code to a person.
//
// What an attacker gains: with the key, every value sealed under it (and every
// key wrapped by it). Keys are generated from the OS random source, so nothing
// short of the key helps to guess it.
//
// Thread safety: const methods may run on many threads at once; generate() and
// from_bytes() are safe from any thread.

#include <cstddef>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secure_buffer.hpp"

namespace dspt::crypto {

class SecretKey {
  public:
    // The key length in bytes (crypto_aead_xchacha20poly1305_ietf_KEYBYTES).
    static constexpr std::size_t kSize = 32;

    // An empty key.
    SecretKey() noexcept = default;

    // Takes a guarded buffer of exactly kSize bytes (filled in place by a
    // derivation, so the key never passes through ordinary memory). Throws
    // Error(ErrorCode::invalid_argument) for any other size.
    explicit SecretKey(SecureBuffer buffer);

    // A fresh random key.
    static SecretKey generate();

    // A guarded copy of bytes, which must be exactly kSize long, else
    // Error(ErrorCode::invalid_argument). The caller should wipe its source.
    static SecretKey from_bytes(ByteView bytes);

    SecretKey(SecretKey&&) noexcept = default;
    SecretKey& operator=(SecretKey&&) noexcept = default;
    SecretKey(const SecretKey&) = delete;
    SecretKey& operator=(const SecretKey&) = delete;

    bool empty() const noexcept { return buffer_.empty(); }

    // The kSize key bytes, or an empty view for an empty key. Valid until the
    // key is destroyed, reset, moved from or assigned to.
    ByteView view() const noexcept { return buffer_.view(); }

    // view(), but throws Error(ErrorCode::invalid_argument) for an empty key.
    // Every operation that uses a key goes through it.
    ByteView checked_view() const;

    // Wipes and frees the key; it becomes empty.
    void reset() noexcept { buffer_.reset(); }

  private:
    SecureBuffer buffer_;
};

}  // namespace dspt::crypto
