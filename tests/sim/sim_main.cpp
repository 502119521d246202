// dspt_sim: runs the deterministic fault simulation of sync (simulation.hpp).
//
//   dspt_sim --seed N             one seed, each step and fault on stderr with -v
//   dspt_sim --seeds N [--from K] seeds K .. K+N-1 (K defaults to 1)
//
// Prints one line per failing seed (its seed and the first invariant broken),
// then the totals: seeds run and failed, what the workload did (publish runs
// and the publications they made, year starts, evidence removed), faults
// injected, time per seed.
// Exits 1 when any seed failed, 2 on bad arguments.

#include <chrono>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "tests/sim/simulation.hpp"

namespace {

bool parse_number(const char* text, std::uint64_t& out) {
    try {
        std::size_t used = 0;
        out = std::stoull(text, &used);
        return used == std::strlen(text);
    } catch (const std::exception&) {
        return false;
    }
}

int usage() {
    std::cerr << "usage: dspt_sim --seed N [-v] | --seeds N [--from K] [-v]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t from = 1;
    std::uint64_t count = 0;
    bool single = false;
    dspt::sim::SimOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-v" || arg == "--verbose") {
            options.verbose = true;
        } else if ((arg == "--seed" || arg == "--seeds" || arg == "--from") && i + 1 < argc) {
            std::uint64_t value = 0;
            if (!parse_number(argv[++i], value)) {
                return usage();
            }
            if (arg == "--seed") {
                from = value;
                count = 1;
                single = true;
            } else if (arg == "--seeds") {
                count = value;
            } else {
                from = value;
            }
        } else {
            return usage();
        }
    }
    if (count == 0) {
        return usage();
    }

    std::map<std::string, std::size_t> faults;
    std::map<std::string, std::size_t> broken;
    std::size_t failed = 0;
    std::size_t writes = 0;
    std::size_t syncs = 0;
    std::size_t requests = 0;
    std::size_t publishes = 0;
    std::size_t refused = 0;
    std::size_t published = 0;
    std::size_t publishing_seeds = 0;  // seeds with at least one publication
    std::size_t year_starts = 0;
    std::size_t removed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t seed = from; seed < from + count; ++seed) {
        const auto result = dspt::sim::run_simulation(seed, options);
        for (const auto& [name, n] : result.faults) {
            faults[name] += n;
        }
        writes += result.writes;
        syncs += result.syncs;
        requests += result.requests;
        publishes += result.publishes;
        refused += result.publishes_refused;
        published += result.published;
        publishing_seeds += result.published > 0 ? 1 : 0;
        year_starts += result.year_starts;
        removed += result.evidence_removed;
        if (!result.passed) {
            ++failed;
            ++broken[result.invariant];
            std::cout << "seed " << seed << ": " << result.invariant << ": " << result.detail
                      << std::endl;
        } else if (single) {
            std::cout << "seed " << seed << ": passed (" << result.devices << " devices, "
                      << result.writes << " writes, " << result.evidence_files
                      << " evidence files (" << result.evidence_removed << " removed), "
                      << result.fills << " fill-ins, " << result.publishes << " publish runs ("
                      << result.publishes_refused << " told not ready), " << result.published
                      << " publications, " << result.year_starts << " year starts, " << result.syncs
                      << " syncs, " << result.requests << " requests, healed in "
                      << result.heal_rounds << " rounds)" << std::endl;
        }
    }
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    std::cout << "seeds " << from << ".." << (from + count - 1) << ": " << count << " run, "
              << failed << " failed; " << writes << " writes, " << syncs << " syncs, " << requests
              << " requests; " << elapsed.count() * 1000.0 / static_cast<double>(count)
              << " ms per seed\n"
              << "  publish runs: " << publishes << " (" << refused << " told not ready), "
              << published << " publications on " << publishing_seeds << " seed(s); " << year_starts
              << " year start(s); " << removed << " evidence file(s) removed\n";
    for (const auto& [name, n] : broken) {
        std::cout << "  broken: " << name << ": " << n << " seed(s)\n";
    }
    for (const auto& [name, n] : faults) {
        std::cout << "  fault: " << name << ": " << n << "\n";
    }
    return failed == 0 ? 0 : 1;
}
