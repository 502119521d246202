#pragma once
// A deterministic fault simulation of sync (docs/sync.md, "Proof by simulation"): the
// real client (LocalStore, the sync engine, ApiClient, publish_synced) on a
// headquarters device and two or three branch devices, and the real server
// (router, services, SQLite repository), in one process, joined by an
// in-memory transport that loses, stalls, repeats, reorders and corrupts
// exchanges, restarts the server and crashes devices mid-sync. Every device
// and the server read a simulated clock; devices' clocks may be days apart.
//
// The workload: answers, comments, plan entries, resolutions, evidence files
// added and removed; on some seeds assessments filled in and published (a
// person told what is missing fills it in and publishes again; one whose
// publish failed runs it again); on some seeds one device beginning the next
// standards year (`dspt year start`, after a sync, tried again while changes
// still wait). The stores start in 2024-25 and the next year is 2025-26.
//
// One seed decides the whole run: the devices, the writes, the order of syncs
// and every fault. While it runs, libsodium's random source is a stream the
// seed decides too (seeded_random.hpp), so keys, nonces and ids, and every
// order they decide, replay as well. After the workload the network heals,
// every device syncs until nothing is left to send, and the invariants are
// checked (see run_simulation).

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
// Not reentrant: one run at a time in a process (the seeded random source).
// The invariants, checked in this order after healing (the first broken is
// reported). A register, and an evidence file, belongs to a standards year; a
// device reads it only while its store is in that year, and an answer carried
// over by a year start counts only once reviewed or written again:
//   settles         every device's sync succeeds and leaves nothing to send
//                   within a bounded number of rounds;
//   converges       every device that may read a register shows the same
//                   value, or the same conflict siblings;
//   no lost write   every write no later write replaced is shown (its writer
//                   had not been seen by anyone who wrote after);
//   no resurrection no value replaced by a later write (whose writer had
//                   seen it) is shown;
//   conflict only between concurrent writes
//                   no two values shown side by side where one's writer had
//                   seen the other;
//   applied once    the server applied each (replica, seq) every device wrote
//                   exactly once, and only those that were sent;
//   evidence        every evidence file reads back byte for byte on every
//                   device that may read it; a removed file is gone, chunks
//                   and all, from every such device (a removal is made by a
//                   device that held the file's record, so it replaces it on
//                   the server and nothing concurrent keeps the file);
//   published once  the server holds at most one publication per request id,
//                   none for an id no device sent, the one each "published"
//                   answer named, and at most one for a device asking again
//                   (same year, level and sites) after a run that was never
//                   told of a publication.
// A year start also checks that the finished year's copy opens, archived and
// in the old year ("year start").
SimResult run_simulation(std::uint64_t seed, const SimOptions& options = {});

}  // namespace dspt::sim
