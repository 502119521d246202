#pragma once
// libsodium's random source, replaced for one simulation run by a stream that
// the run's seed decides. Every key, nonce, salt and id the client and the
// server make comes from libsodium (common/crypto/random.hpp), and some of
// them decide an order: evidence files added in the same millisecond upload
// and download in the order of their ids, so which one a fault cuts short,
// and what a later removal leaves to fetch, would otherwise change from one
// run of a seed to the next.
//
// Only for the simulation: the values are predictable by design. One
// SeededRandom at a time in a process; while it lives, every thread draws
// from its stream (under a lock). Its destructor puts back the operating
// system's source (libsodium's sysrandom).

#include <cstdint>

namespace dspt::sim {

class SeededRandom {
  public:
    explicit SeededRandom(std::uint64_t seed);
    ~SeededRandom();
    SeededRandom(const SeededRandom&) = delete;
    SeededRandom& operator=(const SeededRandom&) = delete;
};

}  // namespace dspt::sim
