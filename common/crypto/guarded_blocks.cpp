#include "common/crypto/guarded_blocks.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <mutex>

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

struct Block {
    unsigned char* data = nullptr;
    std::size_t size = 0;
};

struct Cache {
    std::mutex mutex;
    std::array<Block, kCachedBlocks> blocks{};
    std::size_t count = 0;  // blocks[0, count) wait for reuse
};

// Never destroyed: a SecureBuffer may be freed during static destruction, after a
// cache with static storage would be gone. The blocks it keeps are freed with the
// process.
Cache& cache() {
    static Cache* const instance = new Cache;
    return *instance;
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
    auto& kept = cache();
    const std::lock_guard lock(kept.mutex);
    for (std::size_t i = kept.count; i-- > 0;) {
        if (kept.blocks[i].size == size) {
            unsigned char* data = kept.blocks[i].data;
            std::move(kept.blocks.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                      kept.blocks.begin() + static_cast<std::ptrdiff_t>(kept.count),
                      kept.blocks.begin() + static_cast<std::ptrdiff_t>(i));
            --kept.count;
            return data;
        }
    }
    return nullptr;
}

// Keeps a wiped block, newest last; the block it pushes out when the cache is
// full (the oldest), to be freed, or an empty Block.
Block keep(Block block) noexcept {
    auto& kept = cache();
    const std::lock_guard lock(kept.mutex);
    Block oldest;
    if (kept.count == kCachedBlocks) {
        oldest = kept.blocks[0];
        std::move(kept.blocks.begin() + 1, kept.blocks.end(), kept.blocks.begin());
        --kept.count;
    }
    poison(block.data, block.size);
    kept.blocks[kept.count++] = block;
    return oldest;
}

}  // namespace

unsigned char* allocate(std::size_t size) noexcept {
    if (size <= kLargestCachedBytes) {
        if (unsigned char* data = take_kept(size)) {
            unpoison(data, size);
            return data;  // wiped when it was given back
        }
    }
    // sodium_malloc ignores a failed mlock and returns NULL only when it cannot
    // map the pages.
    auto* data = static_cast<unsigned char*>(sodium_malloc(size));
    if (data != nullptr) {
        // It fills the block with 0xdb to expose use of uninitialised memory; a
        // SecureBuffer promises zeroes.
        sodium_memzero(data, size);
    }
    return data;
}

void release(unsigned char* data, std::size_t size) noexcept {
    sodium_memzero(data, size);
    if (size <= kLargestCachedBytes) {
        const Block oldest = keep(Block{data, size});
        if (oldest.data == nullptr) {
            return;
        }
        // Its shadow must not outlive the mapping: a later one at the same address
        // would read as poisoned.
        unpoison(oldest.data, oldest.size);
        sodium_free(oldest.data);
        return;
    }
    sodium_free(data);
}

}  // namespace dspt::crypto::guarded
