// Browser login links and sessions in the SQLite store: a link opens one session,
// once, before it expires, and never for a revoked device.

#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/server_store/store_fixture.hpp"

namespace dspt::server::store::test {

namespace {

constexpr std::int64_t kFiveMinutes = 5 * 60 * 1000;
constexpr std::int64_t kTwelveHours = 12LL * 60 * 60 * 1000;

crypto::Bytes hash(unsigned char fill) {
    return crypto::Bytes(kWebHashBytes, fill);
}

class WebStoreFixture : public StoreFixture {
  public:
    WebStoreFixture() {
        seed_registry();
        device = enrol(branch_token());
    }

    LoginLink link(unsigned char fill, std::int64_t at_ms = kT0) const {
        LoginLink made;
        made.secret_hash = hash(fill);
        made.device_id = device.id;
        made.year = "2025-26";
        made.created_at_ms = at_ms;
        made.expires_at_ms = at_ms + kFiveMinutes;
        return made;
    }

    OpenedLink open(unsigned char link_fill, unsigned char session_fill, std::int64_t at_ms) {
        return repo().open_login_link(hash(link_fill), hash(session_fill), at_ms,
                                      at_ms + kTwelveHours);
    }

    Device device;
};

}  // namespace

TEST_CASE_METHOD(WebStoreFixture, "a login link opens one session, once", "[unit][server_store]") {
    repo().create_login_link(link(0x01));

    const auto opened = open(0x01, 0xA1, kT0 + 1000);
    REQUIRE(opened.outcome == LinkOutcome::opened);
    CHECK(opened.session.device_id == device.id);
    CHECK(opened.session.year == "2025-26");
    CHECK(opened.session.created_at_ms == kT0 + 1000);
    CHECK(opened.session.expires_at_ms == kT0 + 1000 + kTwelveHours);

    const auto stored = repo().find_web_session(hash(0xA1));
    REQUIRE(stored.has_value());
    CHECK(*stored == opened.session);
    CHECK(stored->live_at(kT0 + 1000 + kTwelveHours));
    CHECK_FALSE(stored->live_at(kT0 + 1001 + kTwelveHours));

    const auto again = open(0x01, 0xA2, kT0 + 2000);
    CHECK(again.outcome == LinkOutcome::used);
    CHECK_FALSE(repo().find_web_session(hash(0xA2)).has_value());
}

TEST_CASE_METHOD(WebStoreFixture, "a login link works up to its expiry and not after",
                 "[unit][server_store]") {
    repo().create_login_link(link(0x01));
    repo().create_login_link(link(0x02));
    CHECK(open(0x01, 0xA1, kT0 + kFiveMinutes + 1).outcome == LinkOutcome::expired);
    CHECK_FALSE(repo().find_web_session(hash(0xA1)).has_value());
    CHECK(open(0x02, 0xA2, kT0 + kFiveMinutes).outcome == LinkOutcome::opened);
    CHECK(open(0x03, 0xA3, kT0).outcome == LinkOutcome::unknown);
}

TEST_CASE_METHOD(WebStoreFixture, "a revoked device's links open nothing and it makes no more",
                 "[unit][server_store]") {
    repo().create_login_link(link(0x01));
    repo().revoke_device(device.id, kT0 + 10);
    CHECK(open(0x01, 0xA1, kT0 + 20).outcome == LinkOutcome::device_revoked);
    CHECK_FALSE(repo().find_web_session(hash(0xA1)).has_value());
    const auto message = require_error(ErrorCode::failed_precondition,
                                       [&] { repo().create_login_link(link(0x02, kT0 + 30)); });
    CHECK_THAT(message, Catch::Contains("revoked"));
}

TEST_CASE_METHOD(WebStoreFixture, "login links are checked before they are stored",
                 "[unit][server_store]") {
    auto short_hash = link(0x01);
    short_hash.secret_hash.resize(16);
    require_error(ErrorCode::invalid_argument, [&] { repo().create_login_link(short_hash); });
    auto bad_year = link(0x01);
    bad_year.year = "2025";
    require_error(ErrorCode::invalid_argument, [&] { repo().create_login_link(bad_year); });
    auto backwards = link(0x01);
    backwards.expires_at_ms = backwards.created_at_ms;
    require_error(ErrorCode::invalid_argument, [&] { repo().create_login_link(backwards); });
    auto stranger = link(0x01);
    stranger.device_id = crypto::random_uuid();
    require_error(ErrorCode::not_found, [&] { repo().create_login_link(stranger); });
    repo().create_login_link(link(0x01));
    require_error(ErrorCode::already_exists, [&] { repo().create_login_link(link(0x01)); });
}

TEST_CASE_METHOD(WebStoreFixture, "of many browsers opening one link at once, one gets a session",
                 "[unit][server_store]") {
    repo().create_login_link(link(0x01));
    std::atomic<int> opened{0};
    std::atomic<int> used{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            const auto outcome = open(0x01, static_cast<unsigned char>(0xB0 + i), kT0 + 5).outcome;
            (outcome == LinkOutcome::opened ? opened : used)++;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(opened == 1);
    CHECK(used == 7);
}

TEST_CASE_METHOD(WebStoreFixture, "a session ends once when signed out", "[unit][server_store]") {
    repo().create_login_link(link(0x01));
    REQUIRE(open(0x01, 0xA1, kT0).outcome == LinkOutcome::opened);
    CHECK(repo().end_web_session(hash(0xA1), kT0 + 50));
    CHECK_FALSE(repo().end_web_session(hash(0xA1), kT0 + 60));
    CHECK_FALSE(repo().end_web_session(hash(0xEE), kT0 + 60));
    const auto ended = repo().find_web_session(hash(0xA1));
    REQUIRE(ended.has_value());
    CHECK(ended->revoked_at_ms == kT0 + 50);
    CHECK_FALSE(ended->live_at(kT0 + 51));
}

TEST_CASE_METHOD(WebStoreFixture, "links and sessions a day past their expiry are forgotten",
                 "[unit][server_store]") {
    repo().create_login_link(link(0x01));
    REQUIRE(open(0x01, 0xA1, kT0).outcome == LinkOutcome::opened);
    const std::int64_t day = 24LL * 60 * 60 * 1000;
    repo().create_login_link(link(0x02, kT0 + kTwelveHours + day));
    CHECK(repo().find_web_session(hash(0xA1)).has_value());  // a day after expiry: kept
    repo().create_login_link(link(0x03, kT0 + kTwelveHours + day + 1));
    CHECK_FALSE(repo().find_web_session(hash(0xA1)).has_value());
    CHECK(open(0x01, 0xA9, kT0 + kTwelveHours + day + 2).outcome == LinkOutcome::unknown);
}

TEST_CASE_METHOD(WebStoreFixture, "login links and sessions survive a reopened store",
                 "[unit][server_store]") {
    repo().create_login_link(link(0x01));
    reopen();
    REQUIRE(open(0x01, 0xA1, kT0).outcome == LinkOutcome::opened);
    reopen();
    CHECK(repo().find_web_session(hash(0xA1)).has_value());
}

}  // namespace dspt::server::store::test
