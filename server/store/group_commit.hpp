#pragma once
// GroupCommit: lets concurrent callers share one transaction (group commit).
//
// Each caller submits its own job and blocks. The first caller to find no group
// running becomes the leader and calls run_group(group). run_group first gets
// what it needs to commit (the write lock, a transaction) and only then calls
// group.take(), which takes every job queued at that moment (the leader's own
// among them, oldest first, at most max_group): jobs that arrive while the
// leader waits for the lock join its group. run_group applies the jobs taken,
// commits once, and returns; their callers wake. Jobs that arrive later queue
// for the next group, led by one of their own callers. So a busy store commits
// once per group instead of once per job, and an idle one runs a lone job at
// once: nothing waits for a timer. While the leader applies the jobs it took,
// run_group may call group.take_more() for those queued since, so that they share
// the commit too (up to max_group in all) rather than wait for the next group.
//
// Results and errors. run_group gives each job its own outcome, by writing into
// the job (a result, or the exception that only that job's caller should see).
// If run_group throws, no job of the group took effect: every caller of the
// group gets that exception from submit(). A run_group that throws before
// taking its group (it could not get the lock) fails the jobs queued then.
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
    std::uint64_t groups = 0;  // groups begun (run_group called)
    std::size_t waiting = 0;   // jobs queued and not yet taken by a group
};

template <typename Job>
class GroupCommit {
    struct Ticket {
        Job* job = nullptr;
        bool done = false;  // guarded by mutex_
        std::exception_ptr group_error;
    };

  public:
    // The jobs of one group, as its leader's run_group sees them.
    class Group {
      public:
        // The jobs queued now, oldest first, at most max_group; the first call
        // takes them from the queue, later calls return the same.
        std::span<Job* const> take() {
            if (!taken_) {
                taken_ = true;
                take_queued();
            }
            return jobs_;
        }

        // The jobs queued since the last take() or take_more(), oldest first, up to
        // max_group for the whole group; empty when none waits or the group is full.
        // They join this group and its commit: a leader calls it after applying
        // the jobs it has, so that callers who queued meanwhile need not wait for
        // the next group. Call take() first.
        std::span<Job* const> take_more() {
            const auto before = jobs_.size();
            take_queued();
            return std::span<Job* const>(jobs_).subspan(before);
        }

      private:
        friend class GroupCommit;
        explicit Group(GroupCommit& owner) : owner_(owner) {}

        void take_queued() {
            const std::lock_guard lock(owner_.mutex_);
            const auto count =
                std::min(owner_.queue_.size(),
                         owner_.max_group_ - std::min(owner_.max_group_, jobs_.size()));
            // Room first, so that nothing below can throw with a ticket half moved.
            tickets_.reserve(tickets_.size() + count);
            jobs_.reserve(jobs_.size() + count);
            for (std::size_t i = 0; i < count; ++i) {
                tickets_.push_back(owner_.queue_.front());
                jobs_.push_back(owner_.queue_.front()->job);
                owner_.queue_.pop_front();
            }
        }

        GroupCommit& owner_;
        bool taken_ = false;
        std::vector<Ticket*> tickets_;
        std::vector<Job*> jobs_;
    };

    explicit GroupCommit(std::size_t max_group) : max_group_(std::max<std::size_t>(max_group, 1)) {}

    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Returns once a group holding `job` has run: run_group(Group&) took it, on
    // this thread or another's. Rethrows what run_group threw for that group.
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
            // This caller leads the next group; its own ticket may be left for a
            // later one when more than max_group jobs are ahead of it.
            leading_ = true;
            ++groups_;
            lock.unlock();
            Group group(*this);
            const std::exception_ptr failure = run(group, run_group);
            lock.lock();
            for (Ticket* member : group.tickets_) {
                member->group_error = failure;
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
    // Runs the group; what it threw, if anything. A group that did not take its
    // jobs takes them now, so that they learn of the failure.
    template <typename RunGroup>
    static std::exception_ptr run(Group& group, RunGroup& run_group) noexcept {
        std::exception_ptr failure;
        try {
            run_group(group);
        } catch (...) {
            failure = std::current_exception();
        }
        if (!group.taken_) {
            try {
                group.take();
            } catch (...) {
                // No memory for the list: nothing was taken, and the next leader
                // takes these jobs.
            }
        }
        return failure;
    }

    const std::size_t max_group_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Ticket*> queue_;  // waiting for a group, oldest first
    bool leading_ = false;       // a group is running
    std::uint64_t groups_ = 0;
};

}  // namespace dspt::server::store
