#pragma once
// Guarded memory for secret bytes.
//
// A SecureBuffer owns a fixed number of bytes allocated with sodium_malloc:
//   - the bytes sit directly before an inaccessible guard page, with another
//     before them, so a read or write that runs off either end crashes instead
//     of leaking or corrupting a neighbour, and a canary checked when the
//     buffer is given back catches an underflow;
//   - the pages are mlock'd, so the secret is not written to swap. If the
//     process is over its locking limit (RLIMIT_MEMLOCK) libsodium still returns
//     the memory, unlocked; that is accepted, not an error;
//   - on destruction, reset() or move-assignment the bytes are wiped and given
//     back. A small block given back is kept, wiped, for the next buffer of the
//     same size, still between its guard pages (guarded_blocks.hpp says why and
//     what that changes); a larger one is unmapped.
// Each buffer costs a few pages of address space, so use it for keys, not for
// bulk data.
//
// What an attacker gains: nothing from swap files or from a core dump of freed
// memory; an attacker who can read this process's live memory gets the secret
// regardless (no software defends against that).
//
// A SecureBuffer is move-only: a copy would be a second secret to wipe. A
// moved-from buffer is empty (size 0, no memory).
//
// Thread safety: none beyond the standard library's: do not mutate one buffer
// from two threads; const access from many threads is safe.

#include <cstddef>
#include <span>

#include "common/crypto/bytes.hpp"

namespace dspt::crypto {

class SecureBuffer {
  public:
    // An empty buffer that owns no memory.
    SecureBuffer() noexcept = default;

    // size zeroed bytes in guarded memory (size 0 gives an empty buffer).
    // Throws Error(ErrorCode::crypto) when the memory cannot be allocated.
    explicit SecureBuffer(std::size_t size);

    // A guarded copy of bytes.
    static SecureBuffer copy_of(ByteView bytes);

    ~SecureBuffer();

    SecureBuffer(SecureBuffer&& other) noexcept;
    SecureBuffer& operator=(SecureBuffer&& other) noexcept;
    SecureBuffer(const SecureBuffer&) = delete;
    SecureBuffer& operator=(const SecureBuffer&) = delete;

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    // The bytes; valid until this buffer is destroyed, reset, moved from or
    // assigned to. Empty for an empty buffer.
    ByteView view() const noexcept { return {data_, size_}; }
    std::span<unsigned char> mutable_view() noexcept { return {data_, size_}; }

    // Wipes and gives back the memory; the buffer becomes empty.
    void reset() noexcept;

  private:
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace dspt::crypto
