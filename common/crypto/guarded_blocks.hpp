#pragma once
// The guarded memory under SecureBuffer: libsodium's sodium_malloc, with a small
// cache of blocks given back.
//
// sodium_malloc maps each block between two inaccessible guard pages, its last
// byte directly before the second, with a canary just before its first byte, and
// locks it; sodium_free checks the canary and unmaps it. Taking away a page's
// access (mprotect) and unmapping it make every other core running the process
// flush its address cache, and a sync makes and frees a few key-sized buffers
// (the kept request session's record and key, the organisation key). In
// `tests/bench/sync_bench.sh` on the 2-core machine those calls took about a
// third of the client's time in a sync.
//
// So a block given back is wiped and kept for the next request of exactly its
// size, the last given back first; past kept_blocks_limit() the oldest is freed.
// A kept block stays guarded: it is handed out again only for the same size, so
// its guard page still follows the new buffer's last byte, and it is wiped again
// when handed out. What differs from freeing it:
//   - while it waits the block stays mapped, holding zeroes, and locked; a stray
//     write through a stale pointer then lands in it rather than faulting (in an
//     AddressSanitizer build a waiting block is poisoned, so such a use is
//     reported until the block is handed out again);
//   - libsodium's canary is checked here at every give-back, as sodium_free
//     would (it is learned from the first block made, and confirmed against a
//     second; a mismatch stops the process through sodium_misuse);
//   - kept blocks count against the process's locking limit (RLIMIT_MEMLOCK), so
//     at most a quarter of that limit is kept, in single pages (a block of up to
//     kLargestCachedBytes takes one page), and never more than kCachedBlocks.
//
// Thread safety: both functions may be called from any thread. A child forked
// from a process with several threads must not use them before it execs (another
// thread may have held the cache's lock at the fork); dsptsync starts its
// programs with posix_spawn.

#include <cstddef>

namespace dspt::crypto::guarded {

// The most blocks ever kept, and the largest size kept (one page with the canary).
inline constexpr std::size_t kCachedBlocks = 16;
inline constexpr std::size_t kLargestCachedBytes = 4096 - 16;

// How many blocks this process keeps at most: kCachedBlocks, or fewer under a
// small locking limit.
std::size_t kept_blocks_limit() noexcept;

// `size` (> 0) zeroed bytes of guarded memory; nullptr when no memory could be
// mapped. Call ensure_initialised() (init.hpp) first.
unsigned char* allocate(std::size_t size) noexcept;

// Wipes the `size` bytes at `data` (from allocate(size)) and keeps or frees them.
void release(unsigned char* data, std::size_t size) noexcept;

}  // namespace dspt::crypto::guarded
