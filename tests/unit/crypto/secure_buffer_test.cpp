#include "common/crypto/secure_buffer.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "common/crypto/guarded_blocks.hpp"

using namespace dspt::crypto;

namespace {

bool all_equal(const SecureBuffer& buffer, unsigned char value) {
    const auto bytes = buffer.view();
    return std::all_of(bytes.begin(), bytes.end(), [&](unsigned char b) { return b == value; });
}

}  // namespace

TEST_CASE("a secret's block given back is wiped before the next buffer of its size gets it",
          "[unit][crypto]") {
    const unsigned char* first = nullptr;
    {
        SecureBuffer secret(77);
        std::fill(secret.mutable_view().begin(), secret.mutable_view().end(), 0xa5);
        first = secret.view().data();
    }
    const SecureBuffer next(77);
    CHECK(next.view().data() == first);  // the same guarded block, not a new mapping
    CHECK(all_equal(next, 0));

    // A block of another size is never handed out for this one: its guard page
    // would not follow the new buffer's last byte.
    {
        SecureBuffer other(78);
        CHECK(other.view().data() != first);
    }
    // Larger than the cache keeps: mapped and unmapped each time, zeroed all the same.
    {
        SecureBuffer large(guarded::kLargestCachedBytes + 1);
        std::fill(large.mutable_view().begin(), large.mutable_view().end(), 0x5a);
    }
    CHECK(all_equal(SecureBuffer(guarded::kLargestCachedBytes + 1), 0));
}

TEST_CASE("a reused block still has its guard page right after its last byte", "[unit][crypto]") {
    { SecureBuffer warm(40); }  // given back, so the next 40 bytes come from the cache
    SecureBuffer buffer(40);
    buffer.mutable_view()[39] = 1;  // the last byte is writable
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The fault kills the child outright: no test framework's or sanitizer's
        // handler reports it as this process's own failure.
        ::signal(SIGSEGV, SIG_DFL);
        // One byte past the end: the guard page, so this never returns.
        volatile unsigned char* past = buffer.mutable_view().data() + buffer.size();
        *past = 1;
        ::_exit(42);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 42));  // the write went through
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGSEGV);
}

TEST_CASE("buffers made and given back on several threads at once never see another's bytes",
          "[unit][crypto]") {
    constexpr std::size_t kThreads = 4;
    constexpr std::size_t kRounds = 400;
    // Sizes the cache keeps and one it does not; more buffers live at once than
    // it keeps, so blocks also leave and join it while others are in use.
    const std::vector<std::size_t> sizes{32, 64, 77, 200, guarded::kLargestCachedBytes + 1};
    std::atomic<std::size_t> failures{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::vector<std::pair<SecureBuffer, unsigned char>> held;
            for (std::size_t round = 0; round < kRounds; ++round) {
                const auto size = sizes[(round + t) % sizes.size()];
                SecureBuffer buffer(size);
                if (!all_equal(buffer, 0)) {
                    ++failures;
                }
                const auto mark = static_cast<unsigned char>(1 + (t * kRounds + round) % 250);
                std::fill(buffer.mutable_view().begin(), buffer.mutable_view().end(), mark);
                held.emplace_back(std::move(buffer), mark);
                if (held.size() == 12) {  // 4 threads x 12 > kCachedBlocks
                    for (const auto& [kept, kept_mark] : held) {
                        if (!all_equal(kept, kept_mark)) {
                            ++failures;
                        }
                    }
                    held.clear();
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(failures.load() == 0);
    STATIC_REQUIRE(guarded::kCachedBlocks < kThreads * 12);
}
