#pragma once
// Session keys: agreeing one for a run of requests (X25519, libsodium
// crypto_kx) and authenticating each request with it (keyed BLAKE2b-256).
//
// A device and the server each make an ephemeral SessionKeyPair and swap public
// keys (the device's inside a request it signs with its Ed25519 key,
// protocol/session_auth.hpp). crypto_kx gives each side a key for each
// direction; requests use the client's transmit key, which is the server's
// receive key: client_request_key() on the device and server_request_key() on
// the server give the same 32 bytes. Someone who swaps the server's public key
// on the way learns a key the server never holds, so cannot make requests the
// server accepts; the device's public key cannot be swapped without breaking
// its signature.
//
// A MacKey is 32 bytes held in the object itself (not guarded memory, of which a
// server holding many sessions would run out), wiped when it is destroyed.
//
// Thread safety: const use from many threads is safe; the functions are stateless.

#include <array>
#include <cstddef>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secure_buffer.hpp"

namespace dspt::crypto {

inline constexpr std::size_t kSessionPublicKeyBytes = 32;  // crypto_kx_PUBLICKEYBYTES
inline constexpr std::size_t kMacKeyBytes = 32;            // crypto_kx_SESSIONKEYBYTES
inline constexpr std::size_t kMacBytes = 32;               // BLAKE2b-256

class MacKey {
  public:
    MacKey() noexcept = default;
    // A copy of 32 bytes; other sizes throw Error(ErrorCode::invalid_argument).
    explicit MacKey(ByteView bytes);
    ~MacKey();
    MacKey(const MacKey& other) noexcept = default;
    MacKey& operator=(const MacKey& other) noexcept = default;

    ByteView view() const noexcept { return {bytes_.data(), bytes_.size()}; }

  private:
    std::array<unsigned char, kMacKeyBytes> bytes_{};
};

// An ephemeral X25519 key pair for one session; the secret half in guarded memory.
class SessionKeyPair {
  public:
    static SessionKeyPair generate();

    ByteView public_key() const noexcept { return {public_.data(), public_.size()}; }

    // The key the client MACs its requests with, given the server's public key.
    // Throws Error(ErrorCode::crypto) for a public key of the wrong size or one
    // that gives no usable key (a low-order point).
    MacKey client_request_key(ByteView server_public_key) const;
    // The same key on the server, given the client's public key; same throws.
    MacKey server_request_key(ByteView client_public_key) const;

  private:
    SessionKeyPair() = default;

    std::array<unsigned char, kSessionPublicKeyBytes> public_{};
    SecureBuffer secret_;
};

// The keyed BLAKE2b-256 of `message` under `key`: kMacBytes bytes.
[[nodiscard]] Bytes mac(const MacKey& key, ByteView message);

// True when `tag` is mac(key, message), compared in constant time.
[[nodiscard]] bool verify_mac(const MacKey& key, ByteView message, ByteView tag);

}  // namespace dspt::crypto
