#pragma once
// A deterministic fault simulation of sync (ARCHITECTURE.md section 4): the
// real client (LocalStore, the sync engine, ApiClient) on a headquarters
// device and two or three branch devices, and the real server (router,
// services, SQLite repository), in one process, joined by an in-memory
// transport that loses, stalls, repeats, reorders and corrupts exchanges,
// restarts the server and crashes devices mid-sync. Every device and the server
// read a simulated clock; devices' clocks may be days apart.
//
// One seed decides the whole run: the devices, the writes, the order of syncs
// and every fault. After the workload the network heals, every device syncs
// until nothing is left to send, and the invariants are checked (see
// run_simulation). Keys, nonces and ids still come from the system's random
// source: they are opaque to what is checked, so a seed replays the same
// schedule and the same outcome.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace dspt::sim {

struct SimOptions {
    bool verbose = false;  // every step and fault on stderr
};

struct SimResult {
    std::uint64_t seed = 0;
    bool passed = true;
    std::string invariant;                      // the first invariant broken; empty when passed
    std::string detail;                         // what broke it
    std::map<std::string, std::size_t> faults;  // fault -> times injected
    std::size_t devices = 0;
    std::size_t writes = 0;
    std::size_t evidence_files = 0;
    std::size_t evidence_removed = 0;
    std::size_t fills = 0;              // assessments filled in to publish
    std::size_t publishes = 0;          // runs of `dspt publish`
    std::size_t publishes_refused = 0;  // answered "not published", with the problems
    std::size_t published = 0;          // publications the server recorded
    std::size_t year_starts = 0;        // devices that began the next year
    std::size_t syncs = 0;
    std::size_t requests = 0;
    std::size_t heal_rounds = 0;
};

// Runs the simulation of `seed` in a fresh temporary directory, removed after.
// The invariants, checked in this order after healing (the first broken is
// reported):
//   settles         every device's sync succeeds and leaves nothing to send
//                   within a bounded number of rounds;
//   converges       every device that may read a register shows the same
//                   value, or the same conflict siblings;
//   no lost write   every write no later write replaced is shown (its writer
//                   had not been seen by anyone who wrote after);
//   no resurrection no value replaced by a later write (whose writer had
//                   seen it) is shown;
//   applied once    the server applied each (replica, seq) every device wrote
//                   exactly once, and only those that were sent;
//   evidence        every evidence file reads back byte for byte on every
//                   device that may read it.
SimResult run_simulation(std::uint64_t seed, const SimOptions& options = {});

}  // namespace dspt::sim
