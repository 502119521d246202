#include "common/crypto/guarded_blocks.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <mutex>
#include <sys/resource.h>
#include <type_traits>
#include <unistd.h>

#include <sodium.h>

#if defined(__SANITIZE_ADDRESS__)
#define DSPT_GUARDED_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSPT_GUARDED_POISON 1
#endif
#endif
#if defined(DSPT_GUARDED_POISON)
#include <sanitizer/asan_interface.h>
#endif

namespace dspt::crypto::guarded {

namespace {

// libsodium's canary: this many bytes directly before each block's first byte.
constexpr std::size_t kCanaryBytes = 16;

enum class CanaryState { unseen, confirmed, not_found };

struct Block {
    unsigned char* data = nullptr;
    std::size_t size = 0;
};

struct Cache {
    std::mutex mutex;
    std::array<Block, kCachedBlocks> blocks{};
    std::size_t count = 0;  // blocks[0, count) wait, oldest first
    std::size_t limit = 0;  // kept_blocks_limit(), once limit_known
    bool limit_known = false;
    std::array<unsigned char, kCanaryBytes> canary{};
    CanaryState canary_state = CanaryState::unseen;
};

// Initialised before any code runs and never destroyed (nothing to destroy), so
// a SecureBuffer freed during static destruction still finds it.
static_assert(std::is_trivially_destructible_v<Cache>);
constinit Cache cache;

// Under cache.mutex.
std::size_t limit_locked() noexcept {
    if (!cache.limit_known) {
        std::size_t limit = kCachedBlocks;
        rlimit locking{};
        const long page = ::sysconf(_SC_PAGESIZE);
        if (::getrlimit(RLIMIT_MEMLOCK, &locking) == 0 && locking.rlim_cur != RLIM_INFINITY &&
            page > 0) {
            const auto pages =
                static_cast<std::size_t>(locking.rlim_cur) / static_cast<std::size_t>(page);
            limit = std::min(limit, pages / 4);
        }
        cache.limit = limit;
        cache.limit_known = true;
    }
    return cache.limit;
}

void poison(unsigned char* data, std::size_t size) noexcept {
#if defined(DSPT_GUARDED_POISON)
    ASAN_POISON_MEMORY_REGION(data, size);
#else
    (void)data;
    (void)size;
#endif
}

void unpoison(unsigned char* data, std::size_t size) noexcept {
#if defined(DSPT_GUARDED_POISON)
    ASAN_UNPOISON_MEMORY_REGION(data, size);
#else
    (void)data;
    (void)size;
#endif
}

// The kept block of exactly `size` bytes given back last, taken out of the cache;
// nullptr when none.
unsigned char* take_kept(std::size_t size) noexcept {
    const std::lock_guard lock(cache.mutex);
    for (std::size_t i = cache.count; i-- > 0;) {
        if (cache.blocks[i].size == size) {
            unsigned char* data = cache.blocks[i].data;
            std::move(cache.blocks.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                      cache.blocks.begin() + static_cast<std::ptrdiff_t>(cache.count),
                      cache.blocks.begin() + static_cast<std::ptrdiff_t>(i));
            --cache.count;
            return data;
        }
    }
    return nullptr;
}

// Learns libsodium's canary from the first block it makes, confirmed at once
// against a second block made for the purpose (when they differ, the layout is
// not the one expected, and nothing is checked).
void learn_canary(const unsigned char* data) noexcept {
    const std::lock_guard lock(cache.mutex);
    if (cache.canary_state != CanaryState::unseen) {
        return;
    }
    std::copy(data - kCanaryBytes, data, cache.canary.begin());
    auto* probe = static_cast<unsigned char*>(sodium_malloc(1));
    if (probe == nullptr) {
        return;  // learned from the next block made
    }
    cache.canary_state = sodium_memcmp(probe - kCanaryBytes, cache.canary.data(), kCanaryBytes) == 0
                             ? CanaryState::confirmed
                             : CanaryState::not_found;
    sodium_free(probe);
}

// Stops the process (sodium_misuse), as sodium_free would, when something wrote
// over the canary before `data`.
void check_canary(const unsigned char* data) noexcept {
    bool damaged = false;
    {
        const std::lock_guard lock(cache.mutex);
        damaged = cache.canary_state == CanaryState::confirmed &&
                  sodium_memcmp(data - kCanaryBytes, cache.canary.data(), kCanaryBytes) != 0;
    }
    if (damaged) {
        sodium_misuse();
    }
}

// Keeps a wiped block, newest last; the block it pushes out (the oldest) to be
// freed, the block itself when nothing is kept, or an empty Block.
Block keep(Block block) noexcept {
    const std::lock_guard lock(cache.mutex);
    const auto limit = limit_locked();
    if (limit == 0) {
        return block;
    }
    Block oldest;
    if (cache.count >= limit) {
        oldest = cache.blocks[0];
        std::move(cache.blocks.begin() + 1,
                  cache.blocks.begin() + static_cast<std::ptrdiff_t>(cache.count),
                  cache.blocks.begin());
        --cache.count;
    }
    poison(block.data, block.size);
    cache.blocks[cache.count++] = block;
    return oldest;
}

}  // namespace

std::size_t kept_blocks_limit() noexcept {
    const std::lock_guard lock(cache.mutex);
    return limit_locked();
}

unsigned char* allocate(std::size_t size) noexcept {
    if (size <= kLargestCachedBytes) {
        if (unsigned char* data = take_kept(size)) {
            unpoison(data, size);
            sodium_memzero(data, size);  // wiped when given back; again in case of a stray write
            return data;
        }
    }
    // sodium_malloc ignores a failed mlock and returns NULL only when it cannot
    // map the pages.
    auto* data = static_cast<unsigned char*>(sodium_malloc(size));
    if (data != nullptr) {
        learn_canary(data);
        // It fills the block with 0xdb to expose use of uninitialised memory; a
        // SecureBuffer promises zeroes.
        sodium_memzero(data, size);
    }
    return data;
}

void release(unsigned char* data, std::size_t size) noexcept {
    check_canary(data);
    sodium_memzero(data, size);
    Block freed{data, size};
    if (size <= kLargestCachedBytes) {
        freed = keep(freed);  // the oldest it pushed out, if any
    }
    if (freed.data != nullptr) {
        // Its shadow must not outlive the mapping: a later one at the same address
        // would read as poisoned.
        unpoison(freed.data, freed.size);
        sodium_free(freed.data);
    }
}

}  // namespace dspt::crypto::guarded
