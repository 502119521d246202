#pragma once
// Sync now on the local screen (`dspt ui`) runs in the background, so the
// browser can show how it goes: the progress page refreshes itself (a meta
// refresh, no script) until the sync ends, and the overview then says what
// happened and lists the changes that arrived from other devices, as `dspt
// sync` does. While it runs the sync alone uses the store: the screen shows
// nothing else until it ends (screen.hpp).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/sync/sync_engine.hpp"
#include "client/ui/page_layout.hpp"

namespace dspt::client::ui {

// What a finished sync leaves for the overview.
struct SyncOutcome {
    Flash flash;
    std::string arrivals;  // HTML: the changes from other devices; "" when none came
};

class BackgroundSync {
  public:
    // Runs the sync, reporting how its evidence files move; must not throw.
    using Work = std::function<SyncOutcome(const SyncProgressFn& progress)>;

    BackgroundSync() = default;
    ~BackgroundSync();  // waits for a sync under way (a stop ends it early)
    BackgroundSync(const BackgroundSync&) = delete;
    BackgroundSync& operator=(const BackgroundSync&) = delete;

    // Starts `work` on its own thread; the caller checks that none runs.
    void start(Work work);
    // Whether a sync was started and its outcome not yet collected.
    bool started() const noexcept { return thread_.joinable(); }
    // Whether the sync is still under way.
    bool running() const;
    // Waits up to `limit` for the sync to end; true when it has.
    bool wait(std::chrono::milliseconds limit);
    // The outcome of a sync that has ended, once; nullopt while it runs or
    // when none was started.
    std::optional<SyncOutcome> collect();

    // The progress page's content: what the sync is doing, how far the
    // evidence files are, and how long it has taken.
    std::string progress_content() const;

  private:
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable ended_;
    bool running_ = false;
    std::optional<SyncProgress> progress_;
    std::optional<SyncOutcome> outcome_;
    std::chrono::steady_clock::time_point started_at_{};
};

// The changes that came from other devices, as `dspt sync` lists them: what,
// who and when, the first kArrivalsListed of them.
std::string arrivals_list(const std::vector<ArrivedChange>& arrived);

}  // namespace dspt::client::ui
