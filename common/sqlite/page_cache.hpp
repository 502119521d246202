#pragma once
// SQLite's own page cache, with the end of a transaction made cheap.
//
// When a write transaction ends, SQLite drops any cached page numbered beyond the
// end of the database. Its default cache (pcache1) does that by walking its whole
// hash table, one slot and one page header per page held, whenever a page of the
// transaction was ever numbered far beyond the end. Splitting a b-tree page does
// that every time: SQLite 3.40 renumbers pages through a spare number past the end
// of any file under 1 GiB. A writer that holds 16,384 pages then spends a third of a
// millisecond at every commit walking memory, with every writer waiting.
//
// install_page_cache() puts a thin layer over SQLite's default cache that keeps,
// for each cache, the pages numbered at or above the end it last knew, a handful at
// most, and lets the default cache's walk run only when one of them is at or above
// the new end (or when the end moved down). Every page still lives in, and is found
// by, SQLite's default cache.
//
// Thread-safety: SQLite calls a cache's methods from the connection that owns it,
// one call at a time; the layer keeps no state shared between caches.

#include <cstdint>

struct sqlite3_pcache_methods2;

namespace dspt::sqlite {

// Installs the layer before SQLite's first use in the process; a no-op afterwards
// (SQLite then keeps its default cache). Returns whether the layer is in place.
// Database calls it before opening any connection.
bool install_page_cache();

// For tests: truncations the layer passed on to SQLite's default cache, and those
// it answered itself because no page could be at or beyond the new end.
struct PageCacheCounts {
    std::uint64_t truncations_passed = 0;
    std::uint64_t truncations_skipped = 0;
};
PageCacheCounts page_cache_counts();

// For tests: the layer's methods, to drive a cache directly; nullptr when the layer
// is not installed.
const sqlite3_pcache_methods2* page_cache_methods();

}  // namespace dspt::sqlite
