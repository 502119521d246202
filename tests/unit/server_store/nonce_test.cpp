#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "server/store/pg_connection.hpp"
#include "store_fixture.hpp"

namespace dspt::server::store::test {

namespace {

constexpr std::int64_t kWindow = 300'000;  // five minutes
constexpr std::string_view kDeviceA = "0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b";
constexpr std::string_view kDeviceB = "1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
constexpr std::string_view kNonce = "00112233445566778899aabbccddeeff";

// The nonces the test's store holds, read from its database.
std::int64_t stored_nonces(const StoreFixture& store) {
    if (StoreFixture::postgresql()) {
        pg::Connection db(store.location());
        return db.run("SELECT count(*) FROM request_nonces").int64(0, 0);
    }
    sqlite::Database db(SqliteRepository::file_in(store.data_dir()), {sqlite::OpenMode::read_only});
    sqlite::Statement count(db, "SELECT count(*) FROM request_nonces");
    REQUIRE(count.step());
    return count.column_int64(0);
}

}  // namespace

TEST_CASE_METHOD(StoreFixture, "a nonce is refused within the window and accepted after it",
                 "[unit][server_store]") {
    CHECK(repo().remember_nonce(kDeviceA, kNonce, kT0, kWindow));
    CHECK_FALSE(repo().remember_nonce(kDeviceA, kNonce, kT0, kWindow));
    CHECK_FALSE(repo().remember_nonce(kDeviceA, kNonce, kT0 + 1, kWindow));
    // The window includes its edge: a use at kT0 is remembered until kT0 + kWindow.
    CHECK_FALSE(repo().remember_nonce(kDeviceA, kNonce, kT0 + kWindow, kWindow));
    // A replay with an older timestamp is still a replay.
    CHECK_FALSE(repo().remember_nonce(kDeviceA, kNonce, kT0 - 10, kWindow));

    CHECK(repo().remember_nonce(kDeviceA, kNonce, kT0 + kWindow + 1, kWindow));
    // That use starts a new window.
    CHECK_FALSE(repo().remember_nonce(kDeviceA, kNonce, kT0 + kWindow + 2, kWindow));
}

TEST_CASE_METHOD(StoreFixture, "nonces of different devices are independent",
                 "[unit][server_store]") {
    CHECK(repo().remember_nonce(kDeviceA, kNonce, kT0, kWindow));
    CHECK(repo().remember_nonce(kDeviceB, kNonce, kT0, kWindow));
    CHECK(repo().remember_nonce(kDeviceA, "ffeeddccbbaa99887766554433221100", kT0, kWindow));
    CHECK_FALSE(repo().remember_nonce(kDeviceB, kNonce, kT0 + 1, kWindow));
}

TEST_CASE_METHOD(StoreFixture, "nonces are remembered across a reopen", "[unit][server_store]") {
    CHECK(repo().remember_nonce(kDeviceA, kNonce, kT0, kWindow));
    reopen();
    CHECK_FALSE(repo().remember_nonce(kDeviceA, kNonce, kT0 + 1, kWindow));
}

TEST_CASE_METHOD(StoreFixture, "concurrent uses of one nonce: exactly one is accepted",
                 "[unit][server_store]") {
    constexpr int kThreads = 8;
    constexpr int kRounds = 50;
    for (int round = 0; round < kRounds; ++round) {
        const std::string nonce = "nonce-" + std::to_string(round);
        std::atomic<int> accepted{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&] {
                if (repo().remember_nonce(kDeviceA, nonce, kT0 + round, kWindow)) {
                    ++accepted;
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        INFO("round " << round);
        CHECK(accepted == 1);
    }
}

TEST_CASE_METHOD(StoreFixture, "old nonces are pruned now and then",
                 "[unit][server_store][sqlite]") {
    // Calls 0 .. interval-1 (the first prunes an empty table) leave nonces that will
    // be old.
    for (std::uint64_t i = 0; i < kNoncePruneInterval; ++i) {
        REQUIRE(repo().remember_nonce(kDeviceA, "old-" + std::to_string(i), kT0, kWindow));
    }
    CHECK(stored_nonces(*this) == static_cast<std::int64_t>(kNoncePruneInterval));

    // The next call is the interval's: it prunes everything before its window.
    const std::int64_t later = kT0 + kWindow + 1;
    CHECK(repo().remember_nonce(kDeviceB, "fresh", later, kWindow));
    CHECK(stored_nonces(*this) == 1);
    // A pruned nonce is accepted again (its use was before the window anyway).
    CHECK(repo().remember_nonce(kDeviceA, "old-0", later, kWindow));
}

TEST_CASE_METHOD(StoreFixture, "nonces from before the window are gone within an interval of calls",
                 "[unit][server_store]") {
    // On PostgreSQL the calls are counted per process, so which call prunes depends on
    // the cases run before; one of any kNoncePruneInterval calls in a row does.
    for (int i = 0; i < 10; ++i) {
        REQUIRE(repo().remember_nonce(kDeviceA, "old-" + std::to_string(i), kT0, kWindow));
    }
    const std::int64_t later = kT0 + kWindow + 1;
    for (std::uint64_t i = 0; i < kNoncePruneInterval; ++i) {
        REQUIRE(repo().remember_nonce(kDeviceB, "fresh-" + std::to_string(i), later, kWindow));
    }
    // The fresh ones are all inside the window and stay; the old ones went.
    CHECK(stored_nonces(*this) == static_cast<std::int64_t>(kNoncePruneInterval));
}

TEST_CASE_METHOD(StoreFixture, "remember_nonce refuses malformed arguments",
                 "[unit][server_store]") {
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)repo().remember_nonce("", kNonce, kT0, kWindow); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)repo().remember_nonce(kDeviceA, "", kT0, kWindow); });
    require_error(ErrorCode::invalid_argument, [&] {
        (void)repo().remember_nonce(kDeviceA, std::string(kMaxNonceBytes + 1, 'a'), kT0, kWindow);
    });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)repo().remember_nonce(kDeviceA, kNonce, kT0, 0); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)repo().remember_nonce(kDeviceA, kNonce, -1, kWindow); });
}

}  // namespace dspt::server::store::test
