#pragma once
// One sync (ARCHITECTURE.md section 4): every unacknowledged outbox entry is
// pushed, oldest first, in batches; then every page of registers changed since
// the cursor is pulled and applied. A batch is acknowledged only once its
// answer arrives, and a page is applied with its cursor in one transaction, so
// a connection lost at any point loses nothing and the next sync carries on.

#include <cstddef>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/api_client.hpp"

namespace dspt::client {

inline constexpr std::size_t kPushBatchEntries = 500;
inline constexpr std::size_t kMaxSyncRounds = 100'000;  // bounds the loops

struct SyncReport {
    std::size_t pushed = 0;     // entries the server answered
    std::size_t conflicts = 0;  // of those, kept as conflicts
    std::size_t pulled = 0;     // registers that changed locally
    std::size_t open_conflicts = 0;
};

SyncReport sync_once(LocalStore& store, ApiClient& api, const DeviceIdentity& identity);

}  // namespace dspt::client
