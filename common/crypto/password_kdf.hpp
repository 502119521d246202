#pragma once
// Keys from passphrases: Argon2id (libsodium crypto_pwhash).
//
// The client's data key is wrapped (key_wrap.hpp) under a key-encryption key
// derived from the user's passphrase. Argon2id makes each guess cost ops_limit
// passes over mem_limit bytes of memory, so an attacker who steals the store
// must pay that for every passphrase they try. The parameters and the salt are
// not secret: they are stored beside the wrapped key, as KdfParams.
//
// Serialised form (KdfParams::serialise / parse), one ASCII line in the style
// of a PHC string:
//
//   argon2id$v=19$m=<memory in KiB>,t=<passes>,p=1$<salt>
//
//   m    mem_limit / 1024, decimal, no leading zeros
//   t    ops_limit, decimal, no leading zeros
//   p    always 1 (libsodium runs Argon2id single-threaded)
//   salt the 16 salt bytes in URL-safe base64 without padding (22 characters)
//
// e.g. "argon2id$v=19$m=65536,t=2,p=1$q0hnBvqXwD6KXm3Lg9HcZA". parse accepts
// exactly what serialise writes and nothing else.
//
// What an attacker gains:
//   - from the params: nothing about the passphrase; the salt only stops one
//     precomputed table serving every store;
//   - by editing stored params: a different key, so unwrapping fails
//     (authentication_failed); or, with huge m or t inside libsodium's limits,
//     a derivation that takes too long or runs out of memory (ErrorCode::crypto).
//     Stores should pass serialise() as (part of) the wrap's associated data so
//     edited params are at least detected once the derivation finishes.
//   - with the wrapped key and params: an offline guessing attack, each guess
//     costing one derivation. Only passphrase strength limits it.
//
// Thread safety: stateless; derive_key may run on many threads at once, each
// using mem_limit bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"

namespace dspt::crypto {

// How expensive a derivation is.
enum class KdfStrength {
    // TEST ONLY: libsodium's minimum (1 pass, 8 KiB); no protection against
    // guessing. Keeps unit tests fast. Never use it for a real passphrase.
    minimal,
    // 2 passes over 64 MiB (libsodium's INTERACTIVE, well under a second):
    // unlocking the client at start-up.
    interactive,
    // 3 passes over 256 MiB (libsodium's MODERATE, about a second or more):
    // recovery codes and other rarely entered secrets that protect much.
    moderate,
};

// Argon2id parameters, stored with a wrapped key.
struct KdfParams {
    static constexpr std::size_t kSaltBytes = 16;  // crypto_pwhash_SALTBYTES
    static constexpr int kAlgArgon2id13 = 2;       // crypto_pwhash_ALG_ARGON2ID13

    Bytes salt;                   // kSaltBytes random bytes
    std::uint64_t ops_limit = 0;  // passes over memory (Argon2 t)
    std::size_t mem_limit = 0;    // bytes of memory, a multiple of 1024
    int alg = kAlgArgon2id13;     // only Argon2id v1.3 is accepted

    // A random salt with the preset of strength.
    static KdfParams generate(KdfStrength strength);

    // Throws Error(ErrorCode::invalid_argument) unless: alg is Argon2id v1.3,
    // the salt is kSaltBytes long, ops_limit and mem_limit lie within
    // libsodium's bounds for Argon2id (t >= 1, 8 KiB <= m <= its maximum), and
    // mem_limit is a whole number of KiB (libsodium ignores any remainder).
    void validate() const;

    // The line described at the top of this file. Validates first.
    std::string serialise() const;

    // Reads serialise()'s form and validates it. Throws
    // Error(ErrorCode::invalid_argument) for anything else.
    static KdfParams parse(std::string_view text);

    friend bool operator==(const KdfParams&, const KdfParams&) = default;
};

// Derives a SecretKey from a passphrase. The same passphrase and params always
// give the same key; another salt or passphrase gives an unrelated key. The key
// is written straight into guarded memory.
// Throws Error(ErrorCode::invalid_argument) for invalid params, and
// Error(ErrorCode::crypto) when libsodium fails (usually: mem_limit bytes are
// not available).
SecretKey derive_key(std::string_view passphrase, const KdfParams& params);

}  // namespace dspt::crypto
