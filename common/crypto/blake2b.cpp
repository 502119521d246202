#include "common/crypto/blake2b.hpp"

#include <cstring>
#include <string>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(kBlake2bMinBytes == crypto_generichash_BYTES_MIN);
static_assert(kBlake2bMaxBytes == crypto_generichash_BYTES_MAX);
static_assert(kBlake2bDefaultBytes == crypto_generichash_BYTES);

namespace {

void check_out_len(std::size_t out_len) {
    if (out_len < kBlake2bMinBytes || out_len > kBlake2bMaxBytes) {
        fail(ErrorCode::invalid_argument,
             "a BLAKE2b output must be 16 to 64 bytes, not " + std::to_string(out_len));
    }
}

}  // namespace

Bytes blake2b(ByteView data, std::size_t out_len) {
    ensure_initialised();
    check_out_len(out_len);
    Bytes out(out_len);
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
    return out;
}

Bytes blake2b_keyed(const SecretKey& key, ByteView data, std::size_t out_len) {
    const ByteView k = key.checked_view();
    check_out_len(out_len);
    Bytes out(out_len);
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), k.data(), k.size());
    return out;
}

Blake2bHasher::Blake2bHasher(std::size_t out_len) : out_len_(out_len) {
    static_assert(sizeof(crypto_generichash_state) == kStateBytes);
    static_assert(alignof(crypto_generichash_state) == kStateAlign);
    ensure_initialised();
    check_out_len(out_len);
    crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), nullptr, 0,
                            out_len_);
}

Blake2bHasher::Blake2bHasher(const SecretKey& key, std::size_t out_len) : out_len_(out_len) {
    const ByteView k = key.checked_view();
    check_out_len(out_len);
    crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), k.data(), k.size(),
                            out_len_);
}

Blake2bHasher::~Blake2bHasher() {
    wipe_state();
}

// The state is plain bytes (no pointers into itself), so a copy is a valid
// state; the source is wiped and marked finished.
Blake2bHasher::Blake2bHasher(Blake2bHasher&& other) noexcept
    : out_len_(other.out_len_), finished_(other.finished_) {
    std::memcpy(state_, other.state_, kStateBytes);
    other.wipe_state();
    other.finished_ = true;
}

Blake2bHasher& Blake2bHasher::operator=(Blake2bHasher&& other) noexcept {
    if (this != &other) {
        std::memcpy(state_, other.state_, kStateBytes);
        out_len_ = other.out_len_;
        finished_ = other.finished_;
        other.wipe_state();
        other.finished_ = true;
    }
    return *this;
}

Blake2bHasher& Blake2bHasher::update(ByteView data) {
    require_open();
    crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_), data.data(),
                              data.size());
    return *this;
}

Bytes Blake2bHasher::final() {
    require_open();
    Bytes out(out_len_);
    crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_), out.data(),
                             out.size());
    finished_ = true;
    wipe_state();
    return out;
}

void Blake2bHasher::require_open() const {
    if (finished_) {
        fail(ErrorCode::failed_precondition,
             "BLAKE2b hasher already finished (final() was called, or it was moved from)");
    }
}

void Blake2bHasher::wipe_state() noexcept {
    sodium_memzero(state_, kStateBytes);
}

}  // namespace dspt::crypto
