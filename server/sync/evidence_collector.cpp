#include "server/sync/evidence_collector.hpp"

#include <exception>
#include <string>

#include "http/access_log.hpp"

namespace dspt::server::sync {

store::StorageUse collect_evidence(store::Repository& repository, std::int64_t now_ms,
                                   std::chrono::milliseconds grace) {
    return repository.collect_unreferenced_blobs(now_ms - grace.count());
}

EvidenceCollector::EvidenceCollector(store::Repository& repository, Clock clock,
                                     std::chrono::milliseconds grace,
                                     std::chrono::milliseconds interval, Log log)
    : repository_(repository),
      clock_(std::move(clock)),
      grace_(grace),
      interval_(interval),
      log_(std::move(log)) {
    thread_ = std::thread([this] { run(); });
}

EvidenceCollector::~EvidenceCollector() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void EvidenceCollector::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        std::string line;
        try {
            const auto removed = collect_evidence(repository_, clock_(), grace_);
            if (removed.files > 0) {
                line = http::format_event_line("evidence_collected",
                                               {{"files", std::to_string(removed.files)},
                                                {"bytes", std::to_string(removed.bytes)}});
            }
        } catch (...) {
            line =
                http::format_exception_line("evidence_collection_failed", std::current_exception());
        }
        if (!line.empty()) {
            try {
                log_(line);
            } catch (...) {
                // A failing log loses its line, nothing more.
            }
        }
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

}  // namespace dspt::server::sync
