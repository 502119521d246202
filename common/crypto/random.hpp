#pragma once
// Unpredictable values from the operating system's random source.
//
// Everything here comes from libsodium's randombytes (getrandom(2) on Linux),
// which is suitable for keys, nonces, salts and tokens. An attacker who sees any
// number of outputs learns nothing about the others.
//
// Thread safety: safe from any thread.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/crypto/bytes.hpp"

namespace dspt::crypto {

// n random bytes (n may be 0). Not for secret keys: use SecretKey::generate(),
// which never puts the key in ordinary memory.
Bytes random_bytes(std::size_t n);

// A uniformly random 64-bit value (request nonces, sync ids).
std::uint64_t random_u64();

// A random RFC 4122 version 4 UUID in canonical lower-case form,
// "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx" where V is 8, 9, a or b: 122 random
// bits. Suitable as an unguessable identifier, not as a secret key.
std::string random_uuid();

}  // namespace dspt::crypto
