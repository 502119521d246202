#pragma once
// Subkeys: many independent keys from one master key (libsodium crypto_kdf,
// BLAKE2b-based).
//
// derive_subkey(master, id, context) gives a SecretKey determined by the
// master key, a 64-bit id and an 8-character context that names the purpose
// (e.g. "evidence", "verifier"). Different ids or contexts give unrelated keys.
//
// Contract: deterministic; context must be exactly kSubkeyContextBytes (8)
// bytes, else Error(ErrorCode::invalid_argument); an empty master key throws
// invalid_argument. The subkey is written straight into guarded memory.
//
// What an attacker gains: from any number of subkeys, nothing about the master
// key or about other subkeys. With the master key: every subkey.
//
// Thread safety: stateless; call from any thread.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/crypto/secret_key.hpp"

namespace dspt::crypto {

inline constexpr std::size_t kSubkeyContextBytes = 8;

// The 32-byte subkey number id of master for context.
[[nodiscard]] SecretKey derive_subkey(const SecretKey& master, std::uint64_t id,
                                      std::string_view context);

}  // namespace dspt::crypto
