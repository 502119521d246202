#pragma once
// Evidence the server no longer needs, removed in the background: the chunks
// of uploads never finished and of files removed on the devices
// (store::Repository::collect_unreferenced_blobs). `dspt-server serve` runs
// one collection when it starts and another every `interval`; `dspt-server
// admin collect-evidence` runs one at once.
//
// A file is kept while any live evidence register of its organisation names
// it, in any year, and for `grace` after its first chunk arrived whatever the
// registers say, so an upload under way, whose register is sent only after its
// last chunk, is never touched.
//
// Thread-safety: the collector's own thread does the work; construct and
// destroy it from one thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "server/store/repository.hpp"

namespace dspt::server::sync {

// One collection now: removes what no register needs among files older than
// `grace` at `now_ms`; returns what went.
store::StorageUse collect_evidence(store::Repository& repository, std::int64_t now_ms,
                                   std::chrono::milliseconds grace);

class EvidenceCollector {
  public:
    using Clock = std::function<std::int64_t()>;             // Unix milliseconds
    using Log = std::function<void(std::string_view line)>;  // one line per collection that removed
                                                             // something or failed

    EvidenceCollector(store::Repository& repository, Clock clock, std::chrono::milliseconds grace,
                      std::chrono::milliseconds interval, Log log);
    // Waits for a collection under way, then stops.
    ~EvidenceCollector();
    EvidenceCollector(const EvidenceCollector&) = delete;
    EvidenceCollector& operator=(const EvidenceCollector&) = delete;

  private:
    void run();

    store::Repository& repository_;
    const Clock clock_;
    const std::chrono::milliseconds grace_;
    const std::chrono::milliseconds interval_;
    const Log log_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace dspt::server::sync
