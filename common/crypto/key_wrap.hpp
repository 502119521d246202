#pragma once
// Key wrapping: one SecretKey sealed under another.
//
// The client's data key is wrapped under a passphrase-derived key
// (password_kdf.hpp); per-file evidence keys are wrapped under the organisation
// key; the organisation key is wrapped under enrolment- and recovery-code keys.
// The wrapping key is called the KEK (key-encryption key).
//
// Wrapped layout: Aead's sealed layout (aead.hpp) around the kSize key bytes,
//
//   nonce (24) || encrypted key (32) || tag (16)   = kWrappedKeyBytes (72)
//
// with associated data  "dsptsync wrapped key v1" || associated_data. The fixed
// label separates wrapped keys from Aead::seal values: a wrapped key never opens
// as an ordinary sealed value under the same key and AD, or the reverse.
//
// Contract:
//   - unwrap_key returns the key only for the exact bytes wrap_key produced,
//     the same KEK and the same associated_data. Anything else, including a
//     KEK derived from a wrong passphrase or a value of the wrong length, throws
//     Error(ErrorCode::authentication_failed). This layer cannot tell a wrong
//     passphrase from a tampered value; the store that knows it derived the KEK
//     from a passphrase reports ErrorCode::wrong_passphrase.
//   - The unwrapped key is decrypted straight into guarded memory.
//   - Empty keys throw Error(ErrorCode::invalid_argument).
//
// What an attacker gains: from a wrapped key alone, nothing; by editing it, an
// authentication_failed; with the KEK (or, for a passphrase KEK, by guessing the
// passphrase offline), the key and everything under it. Use associated_data to
// say what the key is for (e.g. "data-key" plus the serialised KdfParams), so a
// wrapped key cannot be swapped for another one wrapped under the same KEK.
//
// Thread safety: stateless; call from any thread.

#include <cstddef>

#include "common/crypto/aead.hpp"
#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"

namespace dspt::crypto {

inline constexpr std::size_t kWrappedKeyBytes = Aead::kOverheadBytes + SecretKey::kSize;

// kWrappedKeyBytes bytes: key sealed under kek, bound to associated_data.
[[nodiscard]] Bytes wrap_key(const SecretKey& kek, const SecretKey& key, ByteView associated_data);

// The key wrap_key sealed. Throws Error(ErrorCode::authentication_failed) for a
// wrong kek, other associated_data, or changed or truncated bytes.
[[nodiscard]] SecretKey unwrap_key(const SecretKey& kek, ByteView wrapped,
                                   ByteView associated_data);

}  // namespace dspt::crypto
