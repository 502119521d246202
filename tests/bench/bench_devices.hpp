#pragma once
// What the benchmark drivers share (sync_bench.cpp, deadline_bench.cpp): failures
// counted across threads, a bounded parallel loop, and devices enrolled without a
// store that push answers as the client's sync does.

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "client/sync/transport.hpp"
#include "common/crypto/bytes.hpp"
#include "common/crypto/signer.hpp"
#include "common/standards/pack.hpp"
#include "protocol/enrolment_code.hpp"
#include "protocol/sync_messages.hpp"

namespace dspt::bench {

// Failures of any phase: counted, the first few kept to show.
class Failures {
  public:
    void record(const std::string& what);
    std::size_t count() const { return count_; }
    // Prints the kept ones as "# error: ..." lines.
    void print() const;
    // Prints them and gives the driver's exit status: 0 when none, else 1.
    int finish() const;

  private:
    std::mutex mutex_;
    std::vector<std::string> messages_;
    std::atomic<std::size_t> count_{0};
};

// Runs fn(i) for every i below `count` on `threads` threads, each taking the
// next index; a throw is recorded and the rest go on.
void parallel_for(std::size_t count, std::size_t threads, Failures& failures,
                  const std::function<void(std::size_t)>& fn);

// A device enrolled without a store: its id, its site and its signing key's seed.
// The seed stays in plain memory and the key pair is made when needed: a benchmark
// holds tens of thousands of devices, more guarded allocations (each a few memory
// mappings) than the system allows one process.
struct Device {
    std::string id;
    std::string site;
    crypto::Bytes seed;

    crypto::SigningKeyPair signing() const { return crypto::SigningKeyPair::from_seed(seed); }
};

// Enrols a device with `code` (POST /v1/enrol, fresh keys).
Device enrol_bare(client::Transport& transport, const protocol::EnrolmentCode& code,
                  const std::string& name);

// A value for `item` of its type; `variant` makes each call's value differ.
std::string answer_value(const standards::Item& item, std::size_t variant);

// A push of an answer to each of `items` from a new replica of `device`, at its
// site, in `year`, by `author`.
protocol::PushRequest answers_of(const Device& device, const std::vector<standards::Item>& items,
                                 std::string_view year, std::string_view author);

}  // namespace dspt::bench
