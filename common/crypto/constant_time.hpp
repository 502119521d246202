#pragma once
// Comparing secrets without leaking where they differ.
//
// operator== on vectors or memcmp stop at the first differing byte, so the time
// they take tells an attacker how long a correct prefix they guessed (of a MAC,
// a token verifier, a key). constant_time_equal always reads every byte.
//
// Thread safety: a pure function; safe from any thread.

#include "common/crypto/bytes.hpp"

namespace dspt::crypto {

// True when a and b hold the same bytes. When the lengths differ the answer is
// false at once: lengths are not secret (every MAC, hash and key compared here
// has a fixed, public size). Two empty views are equal. Uses sodium_memcmp,
// whose running time depends only on the length.
[[nodiscard]] bool constant_time_equal(ByteView a, ByteView b);

}  // namespace dspt::crypto
