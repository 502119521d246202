#include "client/ui/sync_progress.hpp"

#include <algorithm>
#include <exception>

#include "client/format/output.hpp"
#include "client/sync/arrivals.hpp"

namespace dspt::client::ui {

BackgroundSync::~BackgroundSync() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

void BackgroundSync::start(Work work) {
    if (thread_.joinable()) {
        thread_.join();
    }
    {
        const std::lock_guard lock(mutex_);
        running_ = true;
        progress_.reset();
        outcome_.reset();
        started_at_ = std::chrono::steady_clock::now();
    }
    thread_ = std::thread([this, work = std::move(work)] {
        SyncOutcome outcome;
        try {
            outcome = work([this](const SyncProgress& progress) {
                const std::lock_guard lock(mutex_);
                progress_ = progress;
            });
        } catch (const std::exception& e) {
            outcome.flash = {true, "The sync stopped: " + std::string(e.what()) +
                                       ". Nothing is lost: press Sync now to try again."};
        }
        const std::lock_guard lock(mutex_);
        outcome_ = std::move(outcome);
        running_ = false;
        ended_.notify_all();
    });
}

bool BackgroundSync::running() const {
    const std::lock_guard lock(mutex_);
    return running_;
}

bool BackgroundSync::wait(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return ended_.wait_for(lock, limit, [this] { return !running_; });
}

std::optional<SyncOutcome> BackgroundSync::collect() {
    {
        const std::lock_guard lock(mutex_);
        if (running_ || !thread_.joinable()) {
            return std::nullopt;
        }
    }
    thread_.join();
    const std::lock_guard lock(mutex_);
    return std::exchange(outcome_, std::nullopt);
}

std::string BackgroundSync::progress_content() const {
    std::optional<SyncProgress> progress;
    std::chrono::steady_clock::time_point started_at;
    {
        const std::lock_guard lock(mutex_);
        progress = progress_;
        started_at = started_at_;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - started_at)
                             .count();
    std::string html =
        "<section class=\"card\" aria-labelledby=\"sync-progress-heading\" aria-live=\"polite\">"
        "<h2 id=\"sync-progress-heading\">Syncing with the server</h2>\n<p id=\"sync-stage\">";
    if (!progress) {
        html += "Sending this device's changes and receiving the other devices'.";
    } else {
        const bool upload = progress->stage == SyncProgress::Stage::upload;
        html += upload ? "Uploading evidence files: " : "Downloading evidence files: ";
        html += std::to_string(progress->files_done) + " of " +
                std::to_string(progress->files_total) + " file(s), " +
                escape(human_size(progress->bytes_done)) + " of " +
                escape(human_size(progress->bytes_total)) + ".";
    }
    html += "</p>\n";
    if (progress && progress->bytes_total > 0) {
        const auto total = progress->bytes_total;
        const auto done = std::min(progress->bytes_done, total);
        const auto percent = done * 100 / total;
        html += "<progress id=\"sync-bar\" max=\"100\" value=\"" + std::to_string(percent) + "\">" +
                std::to_string(percent) + "%</progress>\n";
    }
    html += "<p>Started <span id=\"sync-elapsed\">" + std::to_string(seconds) +
            "</span> second(s) ago. This page updates itself; the overview shows what arrived "
            "once the sync ends. Nothing you have saved is lost if the connection drops.</p>\n"
            "<p><a href=\"/sync\">Update now</a></p></section>\n";
    return html;
}

std::string arrivals_list(const std::vector<ArrivedChange>& arrived) {
    if (arrived.empty()) {
        return {};
    }
    std::string html =
        "<section class=\"card\" aria-labelledby=\"arrived-heading\"><h2 "
        "id=\"arrived-heading\">From other devices</h2><ul id=\"arrived\">";
    const auto listed = std::min(arrived.size(), kArrivalsListed);
    for (std::size_t i = 0; i < listed; ++i) {
        const auto& change = arrived[i];
        html += "<li>" + escape(arrival_subject(change)) + ", by " +
                escape(arrival_author(change)) + ", " + escape(local_moment_text(change.at_ms)) +
                "</li>";
    }
    if (arrived.size() > listed) {
        html += "<li>and " + std::to_string(arrived.size() - listed) + " more</li>";
    }
    return html + "</ul></section>\n";
}

}  // namespace dspt::client::ui
