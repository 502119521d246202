#include "common/crypto/secure_buffer.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "common/crypto/guarded_blocks.hpp"

using namespace dspt::crypto;

namespace {

bool all_equal(const SecureBuffer& buffer, unsigned char value) {
    const auto bytes = buffer.view();
    return std::all_of(bytes.begin(), bytes.end(), [&](unsigned char b) { return b == value; });
}

// Whether the page holding `address` is still mapped (msync fails with ENOMEM on
// an unmapped one). The address is only compared and rounded, never read.
bool mapped(const unsigned char* address) {
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    auto* start = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(address) & ~(page - 1));
    if (::msync(start, page, MS_ASYNC) == 0) {
        return true;
    }
    REQUIRE(errno == ENOMEM);
    return false;
}

// The address of a buffer of `size` bytes, given back at once.
const unsigned char* given_back(std::size_t size) {
    SecureBuffer buffer(size);
    std::fill(buffer.mutable_view().begin(), buffer.mutable_view().end(), 0xa5);
    return buffer.view().data();
}

// True, with a warning, when the locking limit (ulimit -l) is too small for the
// cache to keep blocks, so a case about kept blocks has nothing to test.
bool nothing_kept() {
    if (guarded::kept_blocks_limit() >= 2) {
        return false;
    }
    WARN("the locking limit (ulimit -l) is too small for any block to be kept");
    return true;
}

}  // namespace

TEST_CASE("a secret's block given back is kept, wiped, for the next buffer of exactly its size",
          "[unit][crypto]") {
    if (nothing_kept()) {
        return;
    }
    const auto* first = given_back(77);
    CHECK(mapped(first));  // kept, not unmapped
    {
        const SecureBuffer next(77);
        CHECK(next.view().data() == first);
        CHECK(all_equal(next, 0));
    }
    // A block of another size is never handed out for this one: its guard page
    // would not follow the new buffer's last byte.
    {
        const SecureBuffer other(78);
        CHECK(other.view().data() != first);
        const SecureBuffer smaller(76);
        CHECK(smaller.view().data() != first);
    }
    // Larger than the cache keeps: unmapped at once.
    const auto* large = given_back(guarded::kLargestCachedBytes + 1);
    CHECK_FALSE(mapped(large));
    CHECK(all_equal(SecureBuffer(guarded::kLargestCachedBytes + 1), 0));
}

TEST_CASE("the oldest kept block is unmapped once more are given back than are kept",
          "[unit][crypto]") {
    if (nothing_kept()) {
        return;
    }
    const auto* oldest = given_back(99);
    REQUIRE(mapped(oldest));
    {
        // As many blocks as are kept, of other sizes, all given back after it.
        std::vector<SecureBuffer> others;
        for (std::size_t i = 0; i < guarded::kept_blocks_limit(); ++i) {
            others.emplace_back(200 + i);
        }
    }
    CHECK_FALSE(mapped(oldest));
}

TEST_CASE("a reused block still has its guard page right after its last byte", "[unit][crypto]") {
    if (nothing_kept()) {
        return;
    }
    const auto* kept = given_back(40);
    given_back(41);  // given back later, so a cache that ignored sizes would hand it out
    SecureBuffer buffer(40);
    REQUIRE(buffer.view().data() == kept);
    buffer.mutable_view()[39] = 1;  // the last byte is writable
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The fault kills the child outright: no test framework's or sanitizer's
        // handler reports it as a failure of its own, and no core file is left.
        ::signal(SIGSEGV, SIG_DFL);
        ::prctl(PR_SET_DUMPABLE, 0);
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

TEST_CASE("a write over the canary before a block stops the process when it is given back",
          "[unit][crypto]") {
    { const SecureBuffer fresh(1001); }  // the canary is learned from a block made
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::signal(SIGABRT, SIG_DFL);
        ::prctl(PR_SET_DUMPABLE, 0);
        SecureBuffer buffer(50);
        buffer.mutable_view().data()[-1] ^= 0xff;  // the byte before the first
        buffer.reset();
        ::_exit(42);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 42));  // given back unnoticed
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
}

TEST_CASE("buffers made and given back on several threads at once never see another's bytes",
          "[unit][crypto]") {
    constexpr std::size_t kThreads = 4;
    constexpr std::size_t kRounds = 400;
    constexpr std::size_t kHeld = 12;  // kThreads x kHeld > kCachedBlocks
    STATIC_REQUIRE(guarded::kCachedBlocks < kThreads * kHeld);
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
                // Marks 1-60 for the first thread, 61-120 for the next, ...: never
                // the same on two threads.
                const auto mark = static_cast<unsigned char>(1 + t * 60 + round % 60);
                std::fill(buffer.mutable_view().begin(), buffer.mutable_view().end(), mark);
                held.emplace_back(std::move(buffer), mark);
                if (held.size() == kHeld) {
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
}
