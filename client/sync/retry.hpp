#pragma once
// Retrying a sync over a patchy connection (docs/sync.md, "Deadlines"):
// a failure the network or an overloaded server caused is tried again after an
// exponentially growing delay with full jitter, so devices cut off together do
// not all come back at the same instant; anything else (a refusal, a damaged
// store) is final at once. Every attempt is bounded by the transport's own
// per-request deadline; the whole is bounded by a count and a total time.
//
// An attempt that moved something before it failed (a chunk stored, a batch
// pushed, a page received) is progress, not a failure in a row: the next pause
// starts again from the first delay and the attempt does not count against
// `attempts`. A long upload over a line that drops every few minutes so keeps
// going at the pace of the line, bounded by `give_up_after`, and a server that
// moves nothing still ends the sync after `attempts` tries.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>

#include "common/error.hpp"

namespace dspt::client {

struct RetryPolicy {
    std::size_t attempts = 6;  // tries in a row that move nothing, including the first
    std::chrono::milliseconds first_delay{500};
    std::chrono::milliseconds max_delay{30'000};
    std::chrono::milliseconds give_up_after{5 * 60'000};  // total time, delays included
};

// Whether a failure with `code` may pass if tried again.
bool is_transient(ErrorCode code) noexcept;

// The pause before retry number `retry` (from 0): uniform in
// [0, min(max_delay, first_delay * 2^retry)].
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, std::size_t retry,
                                        std::mt19937_64& random);

// Called before each pause with the failure and the pause.
using RetryNotice = std::function<void(const Error& failure, std::chrono::milliseconds pause)>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;
// A count that grows whenever an attempt moves something; never decreases.
using ProgressCount = std::function<std::uint64_t()>;

// Runs `attempt` until it returns, a failure is not transient, or the policy is
// spent; then the last failure is rethrown. `progress`, when given, tells
// whether a failed attempt moved something.
template <class Fn>
auto with_retry(const RetryPolicy& policy, Fn&& attempt, const RetryNotice& notice,
                const Sleeper& sleep, const ProgressCount& progress = {}) {
    std::mt19937_64 random{std::random_device{}()};
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t moved = progress ? progress() : 0;
    std::size_t in_a_row = 0;  // failed attempts since the last one that moved something
    for (;;) {
        try {
            return attempt();
        } catch (const Error& e) {
            const auto now_moved = progress ? progress() : moved;
            in_a_row = now_moved != moved ? 0 : in_a_row + 1;
            moved = now_moved;
            const auto pause = backoff_delay(policy, in_a_row == 0 ? 0 : in_a_row - 1, random);
            const auto spent = std::chrono::steady_clock::now() - start + pause;
            if (!is_transient(e.code()) || policy.attempts <= 1 || in_a_row >= policy.attempts ||
                spent > policy.give_up_after) {
                throw;
            }
            if (notice) {
                notice(e, pause);
            }
            sleep(pause);
        }
    }
}

}  // namespace dspt::client
