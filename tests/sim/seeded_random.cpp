#include "tests/sim/seeded_random.hpp"

#include <array>
#include <cstring>
#include <mutex>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::sim {

namespace {

// The stream: block n is randombytes_buf_deterministic keyed by
// BLAKE2b-256(seed key || n), one block per request for bytes.
struct Stream {
    std::mutex mutex;
    std::array<unsigned char, 32> key{};
    std::uint64_t block = 0;
    bool installed = false;
};

Stream& stream() {
    static Stream instance;
    return instance;
}

void seeded_buf(void* const buf, const size_t size) {
    auto& s = stream();
    const std::lock_guard lock(s.mutex);
    std::array<unsigned char, 40> input{};
    std::memcpy(input.data(), s.key.data(), s.key.size());
    for (std::size_t i = 0; i < 8; ++i) {
        input[32 + i] = static_cast<unsigned char>(s.block >> (8 * i));
    }
    ++s.block;
    std::array<unsigned char, randombytes_SEEDBYTES> block_seed{};
    crypto_generichash(block_seed.data(), block_seed.size(), input.data(), input.size(), nullptr,
                       0);
    randombytes_buf_deterministic(buf, size, block_seed.data());
}

std::uint32_t seeded_random() {
    std::uint32_t value = 0;
    seeded_buf(&value, sizeof value);
    return value;
}

const char* seeded_name() {
    return "dspt-sim-seeded";
}

randombytes_implementation seeded_implementation = {
    &seeded_name, &seeded_random, nullptr, nullptr, &seeded_buf, nullptr,
};

}  // namespace

SeededRandom::SeededRandom(std::uint64_t seed) {
    crypto::ensure_initialised();
    auto& s = stream();
    {
        const std::lock_guard lock(s.mutex);
        if (s.installed) {
            fail(ErrorCode::internal, "a seeded random source is already installed");
        }
        std::array<unsigned char, 8> seed_bytes{};
        for (std::size_t i = 0; i < seed_bytes.size(); ++i) {
            seed_bytes[i] = static_cast<unsigned char>(seed >> (8 * i));
        }
        crypto_generichash(s.key.data(), s.key.size(), seed_bytes.data(), seed_bytes.size(),
                           nullptr, 0);
        s.block = 0;
        s.installed = true;
    }
    randombytes_set_implementation(&seeded_implementation);
}

SeededRandom::~SeededRandom() {
    randombytes_set_implementation(&randombytes_sysrandom_implementation);
    auto& s = stream();
    const std::lock_guard lock(s.mutex);
    s.installed = false;
}

}  // namespace dspt::sim
