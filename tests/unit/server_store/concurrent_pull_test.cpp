// Pushes from two server processes at once: while a device pulls, the pull's cursor
// never passes a change that commits later, so a device paging by version sees every
// change once; and a batch sent twice at once is applied once.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/server_store/store_fixture.hpp"

namespace dspt::server::store::test {

namespace {

constexpr int kPushers = 3;
constexpr int kDevicesPerPusher = 2;
constexpr int kPushesPerDevice = 12;
constexpr int kChangesPerPush = 3;
constexpr std::size_t kPageSize = 5;

// Every change of `device` writes a register of its own; every third also rewrites
// one of three registers all devices share, so registers move to newer versions and
// fall into conflict, as they do when several sites answer the same question.
std::vector<Change> concurrent_push_of(int device, std::int64_t first_seq) {
    std::vector<Change> changes;
    for (std::int64_t seq = first_seq; seq < first_seq + kChangesPerPush; ++seq) {
        const std::string name = std::to_string(device) + "." + std::to_string(seq);
        const std::string key = seq % 3 == 0 ? "2025-26/answer/shared." + std::to_string(seq % 9)
                                             : "2025-26/answer/" + name;
        changes.push_back({"replica-" + std::to_string(device),
                           seq,
                           static_cast<std::uint64_t>(seq),
                           "VA1B2",
                           key,
                           {},
                           R"({"value":")" + name + "\"}",
                           "manager",
                           false});
    }
    return changes;
}

}  // namespace

// Why this catches versions that are not commit-ordered: the reader asks only for
// versions above its cursor. If a push could take version v and commit after
// another push's v+1 had committed, a page read between the two commits would move
// the cursor to v+1 or beyond, and v would never be asked for again. Almost every
// change here writes a register of its own, whose latest version is the one that
// change took, so a skipped version is a register whose latest version the reader
// never saw.
TEST_CASE_METHOD(StoreFixture,
                 "a pull paging while two processes push sees every change's latest version once",
                 "[unit][server_store]") {
    seed_registry();
    std::vector<Device> devices;
    for (int i = 0; i < kPushers * kDevicesPerPusher; ++i) {
        auto token = branch_token("concurrent-" + std::to_string(i));
        token.verifier = verifier(static_cast<unsigned char>(0x10 + i));
        devices.push_back(enrol(token, "PC " + std::to_string(i)));
    }
    // Two processes on one store: the fixture's repository and another opened on it.
    const auto second = open();
    std::vector<Repository*> processes{&repo(), second.get()};

    std::mutex results_mutex;
    std::map<std::string, std::int64_t> latest;  // register -> its newest version pushed
    std::vector<std::exception_ptr> failures(kPushers);
    std::atomic<int> pushing{kPushers};
    std::vector<std::thread> pushers;
    for (int p = 0; p < kPushers; ++p) {
        pushers.emplace_back([&, p] {
            try {
                for (int round = 0; round < kPushesPerDevice; ++round) {
                    for (int d = 0; d < kDevicesPerPusher; ++d) {
                        const int device = p * kDevicesPerPusher + d;
                        const auto changes =
                            concurrent_push_of(device, 1 + round * kChangesPerPush);
                        auto& process = *processes[static_cast<std::size_t>(round + d) % 2];
                        const auto results =
                            process.apply_changes("AB12", devices[device].id, changes);
                        const std::lock_guard lock(results_mutex);
                        for (std::size_t i = 0; i < results.size(); ++i) {
                            auto& newest = latest[changes[i].register_key];
                            newest = std::max(newest, results[i].version);
                        }
                    }
                }
            } catch (...) {
                failures[p] = std::current_exception();
            }
            --pushing;
        });
    }

    // The reader pages from its cursor through the second process until the pushers
    // have ended and a page comes back empty; bounded in pages and in time.
    std::vector<std::int64_t> seen_versions;
    std::map<std::string, std::vector<std::int64_t>> seen;  // register -> versions seen
    bool caught_up = false;
    std::string reader_failure;
    std::int64_t cursor = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int page_count = 0; page_count < 100'000; ++page_count) {
        if (std::chrono::steady_clock::now() > give_up) {
            break;
        }
        const bool pushers_done = pushing.load() == 0;
        RegisterPage page;
        try {
            page = second->registers_since("AB12", {"VA1B2"}, cursor, kPageSize);
        } catch (const std::exception& error) {
            reader_failure = error.what();
            break;
        }
        for (const auto& reg : page.registers) {
            seen_versions.push_back(reg.version);
            seen[reg.register_key].push_back(reg.version);
        }
        cursor = page.next_cursor;
        if (page.registers.empty()) {
            if (pushers_done) {
                caught_up = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    for (auto& pusher : pushers) {
        pusher.join();
    }
    for (const auto& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    REQUIRE(reader_failure.empty());
    REQUIRE(caught_up);

    // Each version came once, in order: the cursor only moved forward.
    for (std::size_t i = 1; i < seen_versions.size(); ++i) {
        INFO("page entry " << i);
        REQUIRE(seen_versions[i - 1] < seen_versions[i]);
    }
    // Every register's latest version reached the reader: none was passed over.
    const int expected_changes = kPushers * kDevicesPerPusher * kPushesPerDevice * kChangesPerPush;
    CHECK(latest.size() > static_cast<std::size_t>(expected_changes / 2));
    std::size_t missed = 0;
    for (const auto& [key, version] : latest) {
        const auto found = seen.find(key);
        if (found == seen.end() || found->second.back() != version) {
            ++missed;
            UNSCOPED_INFO("register " << key << " version " << version << " was not seen");
        }
    }
    CHECK(missed == 0);
    // And what the reader ended with is what the store holds.
    const auto all = repo().registers_since("AB12", {"VA1B2"}, 0, 100'000);
    CHECK(all.registers.size() == latest.size());
    for (const auto& reg : all.registers) {
        CHECK(latest[reg.register_key] == reg.version);
    }
}

// A device that lost the answer to its push sends the batch again, and the retry may
// reach another server process while the first is still being applied.
TEST_CASE_METHOD(StoreFixture, "a batch sent twice at once through two processes is applied once",
                 "[unit][server_store]") {
    seed_registry();
    const auto device = enrol(branch_token());
    const auto second = open();
    std::vector<Repository*> processes{&repo(), second.get()};
    constexpr int kRounds = 10;
    for (int round = 0; round < kRounds; ++round) {
        const auto batch = concurrent_push_of(0, 1 + round * kChangesPerPush);
        std::vector<std::vector<ChangeResult>> answers(2);
        std::vector<std::exception_ptr> failures(2);
        std::vector<std::thread> senders;
        for (std::size_t i = 0; i < 2; ++i) {
            senders.emplace_back([&, i] {
                try {
                    answers[i] = processes[i]->apply_changes("AB12", device.id, batch);
                } catch (...) {
                    failures[i] = std::current_exception();
                }
            });
        }
        for (auto& sender : senders) {
            sender.join();
        }
        for (const auto& failure : failures) {
            if (failure) {
                std::rethrow_exception(failure);
            }
        }
        INFO("round " << round);
        // One of the two applied the batch; the other got its results as duplicates.
        const bool first_applied = answers[0][0].outcome != ChangeOutcome::duplicate;
        const auto& applied = answers[first_applied ? 0 : 1];
        const auto& again = answers[first_applied ? 1 : 0];
        REQUIRE(applied.size() == batch.size());
        REQUIRE(again.size() == batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            CHECK(applied[i].outcome != ChangeOutcome::duplicate);
            CHECK(again[i] ==
                  ChangeResult{batch[i].seq, ChangeOutcome::duplicate, applied[i].version});
        }
    }
    // Every change took one version: the organisation's sequence has no gaps.
    const auto all = repo().registers_since("AB12", {"VA1B2"}, 0, 1000);
    CHECK(all.next_cursor == kRounds * kChangesPerPush);
    CHECK(repo().replica_high_water("replica-0", device.id) == kRounds * kChangesPerPush);
}

}  // namespace dspt::server::store::test
