#pragma once
// One sync (docs/sync.md): exchanges with the server (POST /v1/sync), each
// pushing the next batch of unacknowledged outbox entries, oldest first, and
// pulling the next page of registers changed since the cursor, until every
// entry is answered and the last page is here. An ordinary sync, with one
// batch and one page, is one request. A batch is acknowledged only once its
// answer arrives, and a page is applied with its cursor in one transaction, so
// a connection lost at any point loses nothing and the next sync carries on.
// Each exchange reports what waits here (the server records it as the
// device's sync health) and learns the organisation's publications (kept, so
// readiness shown offline knows what was published:
// client/store/publish_state.hpp) and, on a headquarters device, its sites,
// each only when it changed.
// Evidence bytes move after every register change: the exchanges say which
// chunks the server holds of the files waiting here; the chunks of files added
// here upload (resuming at the first the server lacks) and then their register
// entries are pushed; the chunks of files pulled from other devices download.
// An entry the server refuses for good is set aside, and the rest go on.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/api_client.hpp"

namespace dspt::client {

inline constexpr std::size_t kPushBatchEntries = 500;
inline constexpr std::size_t kMaxSyncRounds = 100'000;  // bounds the loops

// A register another device changed, as this sync brought it.
struct ArrivedChange {
    std::string register_key;  // the store's form: "answer/1.1.1"
    std::string item_id;       // the item it belongs to ("" for the profile)
    std::string title;         // the item's short title ("" when none)
    std::string author;        // who wrote it, as that device recorded ("" when unknown)
    std::string replica_id;    // the device that wrote it
    std::int64_t at_ms = 0;    // when it was written (Unix ms)
    std::string site;          // the site it belongs to, when not this device's own ("" else)
};

// How far the evidence files of a sync have moved: bytes of file content
// and files, done and in all, of the stage under way. Reported after each
// chunk; the engine itself prints nothing.
struct SyncProgress {
    enum class Stage { upload, download };
    Stage stage = Stage::upload;
    std::uint64_t bytes_done = 0;
    std::uint64_t bytes_total = 0;
    std::size_t files_done = 0;
    std::size_t files_total = 0;
};
using SyncProgressFn = std::function<void(const SyncProgress&)>;

struct SyncReport {
    std::size_t pushed = 0;     // entries the server answered
    std::size_t conflicts = 0;  // of those, kept as conflicts
    std::size_t pulled = 0;     // registers that changed locally
    std::size_t open_conflicts = 0;
    std::size_t files_uploaded = 0;  // evidence files now wholly on the server
    std::size_t chunks_uploaded = 0;
    std::uint64_t bytes_uploaded = 0;
    std::size_t files_downloaded = 0;  // evidence files now wholly here
    std::size_t chunks_downloaded = 0;
    std::uint64_t bytes_downloaded = 0;
    std::size_t files_waiting = 0;     // pulled files whose uploader has not finished
    std::vector<std::string> refused;  // chunks that failed their check, why
    // Set when the server refused an upload for its organisation's storage
    // quota: what it said. The files stay here, waiting, and the rest of the
    // sync (changes both ways, downloads) went on; sync_with_retry then fails
    // with this message, so the user hears of it.
    std::string storage_full;
    // Changes the server refused for good, this sync or before, set aside
    // until the user answers their item again or drops them (outbox.hpp).
    std::vector<OutboxSummary> set_aside;
    // Registers other devices changed, in the order first pulled, each once
    // (its latest value).
    std::vector<ArrivedChange> arrived;
};

SyncReport sync_once(LocalStore& store, ApiClient& api, const DeviceIdentity& identity,
                     const SyncProgressFn& progress = {});

}  // namespace dspt::client
