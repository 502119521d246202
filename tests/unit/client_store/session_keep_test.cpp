// The request session kept between runs (client/store/session_keep.hpp).

#include "client/store/session_keep.hpp"

#include <set>
#include <thread>

#include "common/crypto/constant_time.hpp"
#include "common/crypto/random.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

constexpr std::string_view kServer = "https://dspt.example.org";
constexpr std::uint64_t kNow = 1'780'000'000'000;

KeptSession session_at(std::uint64_t opened, std::string id = "00112233445566778899aabbccddeeff") {
    return {std::move(id), crypto::MacKey(crypto::random_bytes(32)), opened, opened + 60'000};
}

}  // namespace

TEST_CASE("a kept session is handed out while live, to its own device and server only",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    SessionKeep keep(*store, "device-1", std::string(kServer));
    CHECK_FALSE(keep.take(kNow, 1).has_value());

    const auto kept = session_at(kNow);
    REQUIRE(keep.keep(kept, 5));
    const auto taken = SessionKeep(*home.open(), "device-1", std::string(kServer)).take(kNow, 3);
    REQUIRE(taken.has_value());
    CHECK(taken->session.session_id == kept.session_id);
    CHECK(crypto::constant_time_equal(taken->session.key.view(), kept.key.view()));
    CHECK(taken->session.renew_at_ms == kept.renew_at_ms);
    CHECK(taken->first_counter == 5);
    CHECK(keep.take(kNow, 1)->first_counter == 8);

    // Sealed at rest: neither the key nor the id is in the file.
    const auto bytes = store_file_bytes(home.path);
    CHECK_FALSE(contains(bytes, kept.session_id));
    CHECK(std::search(bytes.begin(), bytes.end(), kept.key.view().begin(), kept.key.view().end()) ==
          bytes.end());

    // Another server (a --server for one command) sees none, and leaves it.
    CHECK_FALSE(SessionKeep(*store, "device-1", "https://elsewhere.example").take(kNow, 1));
    CHECK(keep.take(kNow, 1).has_value());
    // Past its renewal time, or before it was opened (a clock set back): none,
    // and it is forgotten.
    CHECK_FALSE(keep.take(kept.renew_at_ms, 1).has_value());
    CHECK_FALSE(keep.take(kNow, 1).has_value());
    REQUIRE(keep.keep(session_at(kNow), 1));
    CHECK_FALSE(keep.take(kNow - 1, 1).has_value());
    CHECK_FALSE(keep.take(kNow, 1).has_value());

    // Dropped by its id only.
    REQUIRE(keep.keep(kept, 1));
    keep.drop("ffeeddccbbaa99887766554433221100");
    CHECK(keep.reserve(kept.session_id, 1).has_value());
    CHECK_FALSE(keep.reserve("ffeeddccbbaa99887766554433221100", 1).has_value());
    keep.drop(kept.session_id);
    CHECK_FALSE(keep.reserve(kept.session_id, 1).has_value());
    CHECK_FALSE(keep.take(kNow, 1).has_value());
}

TEST_CASE("two store handles reserving counters of one kept session never get the same one",
          "[unit][client_store]") {
    StoreHome home;
    const auto kept = session_at(kNow);
    REQUIRE(SessionKeep(*home.open(), "device-1", std::string(kServer)).keep(kept, 1));

    // Two processes at once (a command and the local screen): each its own
    // connection, reserving blocks of several sizes in turn.
    std::vector<std::uint64_t> counters[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            auto store = home.open();
            SessionKeep keep(*store, "device-1", std::string(kServer));
            for (std::uint64_t round = 0; round < 40; ++round) {
                const auto block = 1 + round % 4;
                const auto first = round == 0 ? keep.take(kNow, block)->first_counter
                                              : *keep.reserve(kept.session_id, block);
                for (std::uint64_t c = first; c < first + block; ++c) {
                    counters[t].push_back(c);
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::uint64_t> all(counters[0].begin(), counters[0].end());
    all.insert(counters[1].begin(), counters[1].end());
    CHECK(all.size() == counters[0].size() + counters[1].size());
    CHECK(*all.begin() == 1);
    CHECK(*all.rbegin() == all.size());  // none skipped, none twice
}

TEST_CASE("a kept session goes with the identity it was opened for", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    save_identity(*store, acorn_branch_device("device-1", std::string(kServer)));
    SessionKeep keep(*store, "device-1", std::string(kServer));
    REQUIRE(keep.keep(session_at(kNow), 1));
    REQUIRE(keep.take(kNow, 1).has_value());
    // Another device id, as after 'dspt enrol --again', is never handed it.
    CHECK_FALSE(SessionKeep(*store, "device-2", std::string(kServer)).take(kNow, 1).has_value());
    CHECK_FALSE(keep.take(kNow, 1).has_value());

    // Re-enrolment forgets it, whatever it was kept for.
    REQUIRE(keep.keep(session_at(kNow), 1));
    replace_identity(*store, acorn_branch_device("device-2", std::string(kServer)));
    CHECK_FALSE(keep.take(kNow, 1).has_value());
    CHECK_FALSE(SessionKeep(*store, "device-2", std::string(kServer)).take(kNow, 1).has_value());
}

TEST_CASE("a keep without a store holds its session for its own life", "[unit][client_store]") {
    SessionKeep keep;
    CHECK_FALSE(keep.take(kNow, 1).has_value());
    const auto kept = session_at(kNow);
    REQUIRE(keep.keep(kept, 2));
    const auto taken = keep.take(kNow, 3);
    REQUIRE(taken.has_value());
    CHECK(taken->session.session_id == kept.session_id);
    CHECK(taken->first_counter == 2);
    CHECK(keep.reserve(kept.session_id, 4) == 5u);
    CHECK(keep.take(kNow, 1)->first_counter == 9);
    CHECK_FALSE(keep.reserve("ffeeddccbbaa99887766554433221100", 1).has_value());
    // Another session's id leaves it; its own forgets it.
    keep.drop("ffeeddccbbaa99887766554433221100");
    CHECK(keep.take(kNow, 1).has_value());
    keep.drop(kept.session_id);
    CHECK_FALSE(keep.take(kNow, 1).has_value());
    CHECK_FALSE(keep.reserve(kept.session_id, 1).has_value());
    // Past its renewal time: none, and it is forgotten.
    REQUIRE(keep.keep(kept, 1));
    CHECK_FALSE(keep.take(kept.renew_at_ms, 1).has_value());
    CHECK_FALSE(keep.take(kNow, 1).has_value());
}
