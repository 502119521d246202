#pragma once
// Retrying a sync over a patchy connection (docs/sync.md, "Deadlines"):
// a failure the network or an overloaded server caused is tried again after an
// exponentially growing delay with full jitter, so devices cut off together do
// not all come back at the same instant; anything else (a refusal, a damaged
// store) is final at once. Every attempt is bounded by the transport's own
// per-request deadline; the whole is bounded by a count and a total time.

#include <chrono>
#include <cstddef>
#include <functional>
#include <random>

#include "common/error.hpp"

namespace dspt::client {

struct RetryPolicy {
    std::size_t attempts = 6;  // including the first
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

// Runs `attempt` until it returns, a failure is not transient, or the policy is
// spent; then the last failure is rethrown.
template <class Fn>
auto with_retry(const RetryPolicy& policy, Fn&& attempt, const RetryNotice& notice,
                const Sleeper& sleep) {
    std::mt19937_64 random{std::random_device{}()};
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t retry = 0;; ++retry) {
        try {
            return attempt();
        } catch (const Error& e) {
            const auto pause = backoff_delay(policy, retry, random);
            const auto spent = std::chrono::steady_clock::now() - start + pause;
            if (!is_transient(e.code()) || retry + 1 >= policy.attempts ||
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
