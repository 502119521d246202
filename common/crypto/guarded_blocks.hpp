#pragma once
// The guarded memory under SecureBuffer: libsodium's sodium_malloc, with a small
// cache of blocks given back.
//
// sodium_malloc maps each block between two inaccessible guard pages, its last
// byte directly before the second, and locks it; sodium_free unmaps it. Both take
// several system calls that change the process's page tables (mmap, mprotect,
// mlock, munmap), and in a process with several threads each change makes the
// other cores flush their address caches. A sync makes and frees a few key-sized
// buffers (the kept request session's record and key, the organisation key), and
// on the 2-core machine those calls took about a third of the client's time in a
// sync.
//
// So a block given back is wiped and kept for the next request of exactly its
// size, the last given back first; past kCachedBlocks the oldest is freed. A kept block stays
// guarded and locked, and its guard page still follows its last byte, because it is handed out
// again only for the same size. What differs from freeing it: the block stays mapped, holding
// zeroes, while it waits, and sodium_free's canary check (which catches a write before the block)
// runs when a block is finally freed rather than at every give-back. In an AddressSanitizer build a
// waiting block is poisoned, so a use after give-back is still reported.
//
// Thread safety: both functions may be called from any thread.

#include <cstddef>

namespace dspt::crypto::guarded {

// The most blocks kept for reuse, and the largest size kept.
inline constexpr std::size_t kCachedBlocks = 32;
inline constexpr std::size_t kLargestCachedBytes = 4096;

// `size` (> 0) zeroed bytes of guarded memory; nullptr when no memory could be
// mapped. Call ensure_initialised() (init.hpp) first.
unsigned char* allocate(std::size_t size) noexcept;

// Wipes the `size` bytes at `data` (from allocate(size)) and keeps or frees them.
void release(unsigned char* data, std::size_t size) noexcept;

}  // namespace dspt::crypto::guarded
