#include "common/sqlite/page_cache.hpp"

#include <atomic>
#include <limits>
#include <new>
#include <unordered_map>

#include <sqlite3.h>

namespace dspt::sqlite {

namespace {

// SQLite's default cache, which holds every page.
sqlite3_pcache_methods2 g_base{};

std::atomic<std::uint64_t> g_passed{0};
std::atomic<std::uint64_t> g_skipped{0};

constexpr unsigned kNoFloor = std::numeric_limits<unsigned>::max();

// One connection's cache. The invariant the truncation relies on: every page the
// default cache may hold with a number at or above `floor` is in `high`, unless
// `untracked` is set (a page could not be noted for want of memory).
struct LayeredCache {
    sqlite3_pcache* base = nullptr;
    unsigned floor = kNoFloor;
    bool untracked = false;
    std::unordered_map<sqlite3_pcache_page*, unsigned> high;
};

LayeredCache& layered(sqlite3_pcache* cache) {
    return *reinterpret_cast<LayeredCache*>(cache);
}

// `page` now has number `key`. The default cache reuses a page's memory for
// another number, so a page already noted under a number is forgotten or moved.
void note(LayeredCache& cache, sqlite3_pcache_page* page, unsigned key) noexcept {
    if (key < cache.floor) {
        if (!cache.high.empty()) {
            cache.high.erase(page);
        }
        return;
    }
    try {
        cache.high[page] = key;
    } catch (...) {
        cache.untracked = true;
    }
}

int layer_init(void*) {
    return g_base.xInit != nullptr ? g_base.xInit(g_base.pArg) : SQLITE_OK;
}

void layer_shutdown(void*) {
    if (g_base.xShutdown != nullptr) {
        g_base.xShutdown(g_base.pArg);
    }
}

sqlite3_pcache* layer_create(int page_size, int extra_size, int purgeable) {
    auto* cache = new (std::nothrow) LayeredCache;
    if (cache == nullptr) {
        return nullptr;
    }
    cache->base = g_base.xCreate(page_size, extra_size, purgeable);
    if (cache->base == nullptr) {
        delete cache;
        return nullptr;
    }
    return reinterpret_cast<sqlite3_pcache*>(cache);
}

void layer_cachesize(sqlite3_pcache* cache, int pages) {
    g_base.xCachesize(layered(cache).base, pages);
}

int layer_pagecount(sqlite3_pcache* cache) {
    return g_base.xPagecount(layered(cache).base);
}

sqlite3_pcache_page* layer_fetch(sqlite3_pcache* cache, unsigned key, int create) {
    auto& self = layered(cache);
    auto* page = g_base.xFetch(self.base, key, create);
    if (page != nullptr) {
        note(self, page, key);
    }
    return page;
}

void layer_unpin(sqlite3_pcache* cache, sqlite3_pcache_page* page, int discard) {
    auto& self = layered(cache);
    if (discard != 0 && !self.high.empty()) {
        self.high.erase(page);
    }
    g_base.xUnpin(self.base, page, discard);
}

void layer_rekey(sqlite3_pcache* cache, sqlite3_pcache_page* page, unsigned old_key,
                 unsigned new_key) {
    auto& self = layered(cache);
    g_base.xRekey(self.base, page, old_key, new_key);
    note(self, page, new_key);
}

void layer_truncate(sqlite3_pcache* cache, unsigned limit) {
    auto& self = layered(cache);
    bool needed = self.untracked || limit < self.floor;
    for (auto it = self.high.begin(); !needed && it != self.high.end(); ++it) {
        needed = it->second >= limit;
    }
    if (needed) {
        g_base.xTruncate(self.base, limit);
        g_passed.fetch_add(1, std::memory_order_relaxed);
    } else {
        g_skipped.fetch_add(1, std::memory_order_relaxed);
    }
    // No page at or above `limit` is left; those below it are no longer followed.
    // After the cache was emptied (limit 1) following every page would cost more
    // than the next truncation saves, so the next one is passed on.
    self.high.clear();
    self.untracked = false;
    self.floor = limit > 1 ? limit : kNoFloor;
}

void layer_destroy(sqlite3_pcache* cache) {
    auto* self = &layered(cache);
    g_base.xDestroy(self->base);
    delete self;
}

void layer_shrink(sqlite3_pcache* cache) {
    if (g_base.xShrink != nullptr) {
        g_base.xShrink(layered(cache).base);
    }
}

sqlite3_pcache_methods2 g_layer{};

bool install() {
    sqlite3_pcache_methods2 base{};
    if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &base) != SQLITE_OK || base.xCreate == nullptr ||
        base.xFetch == nullptr || base.xUnpin == nullptr || base.xRekey == nullptr ||
        base.xTruncate == nullptr || base.xDestroy == nullptr) {
        return false;
    }
    g_base = base;
    sqlite3_pcache_methods2 methods{};
    methods.iVersion = 1;
    methods.pArg = nullptr;
    methods.xInit = layer_init;
    methods.xShutdown = layer_shutdown;
    methods.xCreate = layer_create;
    methods.xCachesize = layer_cachesize;
    methods.xPagecount = layer_pagecount;
    methods.xFetch = layer_fetch;
    methods.xUnpin = layer_unpin;
    methods.xRekey = layer_rekey;
    methods.xTruncate = layer_truncate;
    methods.xDestroy = layer_destroy;
    methods.xShrink = layer_shrink;
    if (sqlite3_config(SQLITE_CONFIG_PCACHE2, &methods) != SQLITE_OK) {
        return false;
    }
    g_layer = methods;
    return true;
}

}  // namespace

bool install_page_cache() {
    static const bool installed = install();
    return installed;
}

const sqlite3_pcache_methods2* page_cache_methods() {
    return install_page_cache() ? &g_layer : nullptr;
}

PageCacheCounts page_cache_counts() {
    return {g_passed.load(std::memory_order_relaxed), g_skipped.load(std::memory_order_relaxed)};
}

}  // namespace dspt::sqlite
