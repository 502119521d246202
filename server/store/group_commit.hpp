#pragma once
// GroupCommit: lets concurrent callers share one transaction (group commit).
//
// Each caller submits its own job and blocks. The first caller to find no group
// running becomes the leader: it takes the jobs queued at that moment (its own
// among them, oldest first, at most max_group), runs them all through one call
// of run_group, and wakes their callers. Jobs that arrive meanwhile queue for
// the next group, led by one of their own callers, so a busy store commits once
// per group instead of once per job, and an idle one runs a lone job at once:
// nothing waits for a timer.
//
// Results and errors. run_group gives each job its own outcome, by writing into
// the job (a result, or the exception that only that job's caller should see).
// If run_group itself throws, no job of the group took effect: every caller of
// the group gets that exception from submit().
//
// Thread-safety: submit() may be called from any number of threads at once.
// run_group runs on one thread at a time (the leader's), never concurrently with
// another group. The jobs are the callers' own objects and must outlive submit().
// No SQL here: the store classes decide what a group does (sqlite_sync.cpp).

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <vector>

namespace dspt::server::store {

// What a GroupCommit has done so far, for tests and metrics.
struct GroupCommitStats {
    std::uint64_t groups = 0;  // groups begun (run_group called, or about to be)
    std::size_t waiting = 0;   // jobs queued for a later group
};

template <typename Job>
class GroupCommit {
  public:
    explicit GroupCommit(std::size_t max_group) : max_group_(std::max<std::size_t>(max_group, 1)) {}

    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Returns once a group holding `job` has run: run_group(std::span<Job* const>)
    // was called with it, on this thread or another's. Rethrows what run_group
    // threw for that group.
    template <typename RunGroup>
    void submit(Job& job, RunGroup&& run_group) {
        Ticket ticket{&job, false, nullptr};
        std::unique_lock lock(mutex_);
        queue_.push_back(&ticket);
        while (true) {
            changed_.wait(lock, [&] { return ticket.done || !leading_; });
            if (ticket.done) {
                break;
            }
            // This caller leads the next group; its own ticket may be in a later
            // one when more than max_group jobs are ahead of it.
            leading_ = true;
            ++groups_;
            const auto take = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_group_));
            const std::vector<Ticket*> group(queue_.begin(), queue_.begin() + take);
            queue_.erase(queue_.begin(), queue_.begin() + take);
            lock.unlock();
            run(group, run_group);
            lock.lock();
            for (Ticket* member : group) {
                member->done = true;
            }
            leading_ = false;
            changed_.notify_all();
        }
        if (ticket.group_error) {
            std::rethrow_exception(ticket.group_error);
        }
    }

    GroupCommitStats stats() const {
        const std::lock_guard lock(mutex_);
        return {groups_, queue_.size()};
    }

  private:
    struct Ticket {
        Job* job = nullptr;
        bool done = false;  // guarded by mutex_
        std::exception_ptr group_error;
    };

    template <typename RunGroup>
    static void run(const std::vector<Ticket*>& group, RunGroup& run_group) noexcept {
        try {
            std::vector<Job*> jobs;
            jobs.reserve(group.size());
            for (const Ticket* member : group) {
                jobs.push_back(member->job);
            }
            run_group(std::span<Job* const>(jobs));
        } catch (...) {
            for (Ticket* member : group) {
                member->group_error = std::current_exception();
            }
        }
    }

    const std::size_t max_group_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Ticket*> queue_;  // waiting for a group, oldest first
    bool leading_ = false;       // a group is running
    std::uint64_t groups_ = 0;
};

}  // namespace dspt::server::store
