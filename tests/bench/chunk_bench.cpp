// Evidence chunk benchmark: how fast the embedded store (SqliteRepository) keeps
// sealed 1 MiB chunks, with no HTTP and no client in the way, in a fresh store and
// in one whose organisation already holds many files. Prints figures, one a line
// as `name: value unit`; asserts nothing.
//
//   dspt_chunk_bench [--chunks N] [--held H] [--work DIR]
//
// --chunks N (100): chunks of 1 MiB + 40 bytes stored, one file, with the server's
// default quota (20 GiB). --held H (20000): how many chunks the organisation
// already holds in the second run; they are small (8 KiB), as what the quota's sum
// visits is one row per chunk, whatever its size.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/bench/bench_figures.hpp"
#include "tests/bench/bench_flags.hpp"

namespace fs = std::filesystem;
using namespace dspt;
using dspt::bench::Clock;
using dspt::bench::figure;
using dspt::bench::ms_since;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000;
constexpr std::uint64_t kQuotaBytes = std::uint64_t{20} * 1024 * 1024 * 1024;
constexpr std::size_t kChunkBytes = (std::size_t{1} << 20) + 40;
constexpr std::size_t kHeldChunkBytes = 8 * 1024;
constexpr std::size_t kHeldChunksPerFile = 100;

struct Options {
    std::size_t chunks = 100;
    std::size_t held = 20'000;
    fs::path work;
};

Options parse(int argc, char** argv) {
    Options options;
    std::string work;
    const auto problem = bench::parse_flags(argc, argv, 1,
                                            {
                                                {"--chunks", {&options.chunks, 1, 2048}},
                                                {"--held", {&options.held, 0, 1'000'000}},
                                            },
                                            {{"--work", &work}});
    if (problem) {
        fail(ErrorCode::invalid_argument,
             *problem + "\nusage: dspt_chunk_bench [--chunks N] [--held H] [--work DIR]");
    }
    options.work = work;
    return options;
}

// A UUID-shaped evidence id, distinct for each number.
std::string evidence_id(std::size_t number) {
    const auto digits = std::to_string(number);
    return std::string(12 - digits.size(), '0') + digits + "-0000-4000-8000-000000000000";
}

void stores_chunks(const Options& options, std::size_t held, const std::string& name) {
    const auto dir = options.work / name;
    fs::remove_all(dir);
    server::store::SqliteRepository repo(dir);
    repo.create_organisation({"BTHQ", "Bench Trust", true, std::nullopt, kNow});
    const server::store::BlobOwner owner{"BTHQ", ""};
    const auto small = crypto::random_bytes(kHeldChunkBytes);
    for (std::size_t at = 0; at < held; ++at) {
        repo.put_blob_chunk(evidence_id(1 + at / kHeldChunksPerFile), owner,
                            static_cast<std::uint32_t>(at % kHeldChunksPerFile), small, kNow, 0);
    }
    const auto sealed = crypto::random_bytes(kChunkBytes);
    const auto start = Clock::now();
    for (std::uint32_t index = 0; index < options.chunks; ++index) {
        repo.put_blob_chunk(evidence_id(0), owner, index, sealed, kNow, kQuotaBytes);
    }
    const double seconds = ms_since(start) / 1000.0;
    figure("store keeps 1 MiB evidence chunks, quota on, organisation holding " +
               std::to_string(held) + " other chunks",
           static_cast<double>(options.chunks) * static_cast<double>(kChunkBytes) / 1e6 / seconds,
           "MB/s");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        auto options = parse(argc, argv);
        const bool own_work = options.work.empty();
        if (own_work) {
            options.work = fs::temp_directory_path() /
                           ("dspt-chunk-bench-" + std::to_string(crypto::random_u64()));
        }
        stores_chunks(options, 0, "fresh");
        if (options.held > 0) {
            stores_chunks(options, options.held, "held");
        }
        if (own_work) {
            fs::remove_all(options.work);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dspt_chunk_bench: " << e.what() << "\n";
        return 1;
    }
}
