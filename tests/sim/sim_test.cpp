// The fault simulation under ctest: a range of seeds, every one of which must
// keep every invariant (simulation.hpp). DSPT_SIM_SEEDS and DSPT_SIM_FROM
// choose the range (set from CMake; a sanitizer build runs fewer).

#include <cstdint>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "tests/sim/simulation.hpp"

namespace {

std::uint64_t from_environment(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    return text == nullptr || *text == '\0' ? fallback : std::stoull(text);
}

}  // namespace

TEST_CASE("every seed of the fault simulation keeps the sync invariants", "[sim]") {
    const auto from = from_environment("DSPT_SIM_FROM", 1);
    const auto count = from_environment("DSPT_SIM_SEEDS", 100);
    std::size_t failed = 0;
    for (auto seed = from; seed < from + count; ++seed) {
        const auto result = dspt::sim::run_simulation(seed);
        if (!result.passed) {
            ++failed;
            // Replay with: dspt_sim --seed N -v
            UNSCOPED_INFO("seed " << seed << ": " << result.invariant << ": " << result.detail);
        }
    }
    CHECK(failed == 0);
}

TEST_CASE("a seed replays the same schedule", "[sim]") {
    // 7 edits and syncs; 106 also publishes, through a lost answer and a
    // duplicated retry; 28 publishes, removes evidence and begins the next year.
    for (const std::uint64_t seed : {7, 106, 28}) {
        INFO("seed " << seed);
        const auto first = dspt::sim::run_simulation(seed);
        const auto again = dspt::sim::run_simulation(seed);
        CHECK(first.faults == again.faults);
        CHECK(first.writes == again.writes);
        CHECK(first.syncs == again.syncs);
        CHECK(first.requests == again.requests);
        CHECK(first.publishes == again.publishes);
        CHECK(first.published == again.published);
        CHECK(first.evidence_removed == again.evidence_removed);
        CHECK(first.year_starts == again.year_starts);
        CHECK(first.invariant == again.invariant);
    }
}
