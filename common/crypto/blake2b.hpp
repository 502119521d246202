#pragma once
// Hashing: BLAKE2b (libsodium crypto_generichash), plain and keyed, one-shot
// and incremental.
//
// Uses in dsptsync: the body hash inside a request signature, evidence file
// digests (streamed with Blake2bHasher), and keyed hashes where a value must
// be comparable without being revealed (e.g. the server's verifier of an
// enrolment secret).
//
// Output length: kBlake2bMinBytes (16) to kBlake2bMaxBytes (64) bytes, by
// default kBlake2bDefaultBytes (32), i.e. BLAKE2b-256. The length is part of
// the function: a 32-byte hash is not a prefix of the 64-byte hash of the same
// data. Other lengths throw Error(ErrorCode::invalid_argument).
//
// Keyed hashing uses a 32-byte SecretKey and is a MAC/PRF: without the key an
// attacker can neither compute nor predict the output, nor learn the key from
// outputs. Unkeyed hashes are public: anyone can compute them, so they reveal
// low-entropy inputs (a short code, a yes/no answer) to a guesser. Compare
// hashes that act as MACs with constant_time_equal.
//
// Thread safety: the free functions are stateless. One Blake2bHasher must not
// be used from two threads at once.

#include <cstddef>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"

namespace dspt::crypto {

inline constexpr std::size_t kBlake2bMinBytes = 16;
inline constexpr std::size_t kBlake2bMaxBytes = 64;
inline constexpr std::size_t kBlake2bDefaultBytes = 32;

// BLAKE2b of data, out_len bytes long.
[[nodiscard]] Bytes blake2b(ByteView data, std::size_t out_len = kBlake2bDefaultBytes);

// BLAKE2b of data keyed with key, out_len bytes long. An empty key throws
// Error(ErrorCode::invalid_argument).
[[nodiscard]] Bytes blake2b_keyed(const SecretKey& key, ByteView data,
                                  std::size_t out_len = kBlake2bDefaultBytes);

// BLAKE2b over data that arrives in pieces (large bodies, files):
//
//   Blake2bHasher hasher;            // or Blake2bHasher(key) for keyed
//   hasher.update(chunk1).update(chunk2);
//   Bytes digest = hasher.final();
//
// gives the same bytes as blake2b(chunk1 || chunk2) / blake2b_keyed. final()
// may be called once; update() or final() after it, or on a moved-from hasher,
// throws Error(ErrorCode::failed_precondition). The state (which for a keyed
// hasher holds the key) is wiped on final() and on destruction. Move-only.
class Blake2bHasher {
  public:
    explicit Blake2bHasher(std::size_t out_len = kBlake2bDefaultBytes);
    explicit Blake2bHasher(const SecretKey& key, std::size_t out_len = kBlake2bDefaultBytes);
    ~Blake2bHasher();

    Blake2bHasher(Blake2bHasher&& other) noexcept;
    Blake2bHasher& operator=(Blake2bHasher&& other) noexcept;
    Blake2bHasher(const Blake2bHasher&) = delete;
    Blake2bHasher& operator=(const Blake2bHasher&) = delete;

    // Adds data (possibly empty) to the hash. Returns *this for chaining.
    Blake2bHasher& update(ByteView data);

    // The out_len-byte digest of everything added.
    [[nodiscard]] Bytes final();

  private:
    // sizeof and alignof libsodium's crypto_generichash_state, checked in the
    // .cpp, so this header need not include <sodium.h>.
    static constexpr std::size_t kStateBytes = 384;
    static constexpr std::size_t kStateAlign = 64;

    void require_open() const;
    void wipe_state() noexcept;

    alignas(kStateAlign) unsigned char state_[kStateBytes] = {};
    std::size_t out_len_ = kBlake2bDefaultBytes;
    bool finished_ = false;
};

}  // namespace dspt::crypto
