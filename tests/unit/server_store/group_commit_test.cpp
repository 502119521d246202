// Group commit: GroupCommit's queue and leaders on their own, and
// SqliteRepository::apply_changes under concurrent pushes: every batch gets
// its own results or its own error, and nothing is lost or applied twice.

#include "server/store/group_commit.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <signal.h>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "common/sqlite/database.hpp"
#include "tests/unit/server_store/sync_fixture.hpp"

namespace dspt::server::store::test {

namespace {

using namespace std::chrono_literals;

struct Job {
    int id = 0;
};

// What happened when job 0 led a group and jobs 1..n queued meanwhile.
struct QueueOutcome {
    std::vector<std::vector<int>> groups;  // the job ids of each group, in order
    std::map<int, std::string> errors;     // what submit() threw, by job id
    bool queued_in_time = false;
    std::size_t more_after = 0;  // take_more() once the group had taken all that queued
};

// What the first group does while jobs 1..n queue.
enum class First {
    take_then_wait,   // takes job 0 alone: the others queue behind it
    take_then_more,   // takes job 0, and then, with take_more(), those that queued since
    wait_then_take,   // as a leader waiting for the lock: the others join it
    wait_then_throw,  // fails without taking anything
};

// Submits job 0; once its group has begun, submits jobs 1..n from threads of
// their own, and the first group holds (bounded) until they all wait. `then`
// runs for every later group, with its jobs taken, and may throw.
QueueOutcome lead_and_queue(GroupCommit<Job>& queue, int n, First first,
                            const std::function<void(std::span<Job* const>)>& then) {
    QueueOutcome outcome;
    std::mutex mutex;
    const auto record = [&](std::span<Job* const> jobs) {
        const std::lock_guard lock(mutex);
        outcome.groups.emplace_back();
        for (const Job* job : jobs) {
            outcome.groups.back().push_back(job->id);
        }
    };
    bool started = false;  // the first group has begun; only leaders, one at a time, use it
    const bool took_first = first == First::take_then_wait || first == First::take_then_more;
    // Set once the first group has taken job 0 alone, when it takes first: the others
    // are submitted only then, so that none joins that take.
    std::atomic<bool> first_taken{false};
    const auto run_group = [&](GroupCommit<Job>::Group& group) {
        if (started) {
            record(group.take());
            then(group.take());
            return;
        }
        started = true;
        if (took_first) {
            record(group.take());
            first_taken = true;
        }
        // Job 0 waits too until its group takes it.
        const auto waiting = static_cast<std::size_t>(took_first ? n : n + 1);
        const bool queued = wait_until([&] { return queue.stats().waiting == waiting; });
        {
            const std::lock_guard lock(mutex);
            outcome.queued_in_time = queued;
        }
        if (first == First::wait_then_throw) {
            throw std::runtime_error("BEGIN failed");
        }
        if (first == First::wait_then_take) {
            record(group.take());
        }
        if (first == First::take_then_more) {
            // Those that queued while job 0 was applied join its group; then none is left.
            const auto more = group.take_more();
            const std::lock_guard lock(mutex);
            for (const Job* job : more) {
                outcome.groups.back().push_back(job->id);
            }
            outcome.more_after = group.take_more().size();
        }
    };
    const auto submit = [&](int id) {
        Job job{id};
        try {
            queue.submit(job, run_group);
        } catch (const std::exception& e) {
            const std::lock_guard lock(mutex);
            outcome.errors[id] = e.what();
        }
    };
    std::vector<std::jthread> threads;
    threads.emplace_back(submit, 0);
    if (wait_until([&] { return queue.stats().groups == 1 && (!took_first || first_taken); })) {
        for (int id = 1; id <= n; ++id) {
            threads.emplace_back(submit, id);
        }
    }
    threads.clear();  // joins
    return outcome;
}

}  // namespace

TEST_CASE("jobs that queue while a group runs are committed together, oldest first",
          "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(64);
    const auto outcome = lead_and_queue(queue, 5, First::take_then_wait, [](auto) {});
    REQUIRE(outcome.queued_in_time);
    REQUIRE(outcome.groups.size() == 2);
    CHECK(outcome.groups[0] == std::vector<int>{0});
    CHECK(std::set<int>(outcome.groups[1].begin(), outcome.groups[1].end()) ==
          std::set<int>{1, 2, 3, 4, 5});
    CHECK(outcome.errors.empty());
    CHECK(queue.stats().groups == 2);
    CHECK(queue.stats().waiting == 0);
}

TEST_CASE("jobs that queue while the leader waits for the lock join its group",
          "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(64);
    const auto outcome = lead_and_queue(queue, 5, First::wait_then_take, [](auto) {});
    REQUIRE(outcome.queued_in_time);
    REQUIRE(outcome.groups.size() == 1);
    REQUIRE(outcome.groups[0].size() == 6);
    CHECK(outcome.groups[0].front() == 0);  // the oldest first
    CHECK(std::set<int>(outcome.groups[0].begin(), outcome.groups[0].end()) ==
          std::set<int>{0, 1, 2, 3, 4, 5});
    CHECK(outcome.errors.empty());
    CHECK(queue.stats().groups == 1);
}

TEST_CASE("jobs that queue while the leader applies its own join its group with take_more",
          "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(64);
    const auto outcome = lead_and_queue(queue, 5, First::take_then_more, [](auto) {});
    REQUIRE(outcome.queued_in_time);
    REQUIRE(outcome.groups.size() == 1);
    REQUIRE(outcome.groups[0].size() == 6);
    CHECK(outcome.groups[0].front() == 0);
    CHECK(std::set<int>(outcome.groups[0].begin(), outcome.groups[0].end()) ==
          std::set<int>{0, 1, 2, 3, 4, 5});
    CHECK(outcome.more_after == 0);
    CHECK(outcome.errors.empty());
    CHECK(queue.stats().groups == 1);
    CHECK(queue.stats().waiting == 0);
}

TEST_CASE("take_more fills a group up to its limit and leaves the rest for the next",
          "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(3);
    const auto outcome = lead_and_queue(queue, 5, First::take_then_more, [](auto) {});
    REQUIRE(outcome.queued_in_time);
    REQUIRE(outcome.groups.size() == 2);
    CHECK(outcome.groups[0].size() == 3);
    CHECK(outcome.groups[0].front() == 0);
    CHECK(outcome.groups[1].size() == 3);
    std::set<int> all;
    for (const auto& group : outcome.groups) {
        all.insert(group.begin(), group.end());
    }
    CHECK(all == std::set<int>{0, 1, 2, 3, 4, 5});
    CHECK(outcome.errors.empty());
}

TEST_CASE("a group takes at most its limit; the rest wait for the next",
          "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(2);
    const auto outcome = lead_and_queue(queue, 5, First::take_then_wait, [](auto) {});
    REQUIRE(outcome.queued_in_time);
    REQUIRE(outcome.groups.size() == 4);
    CHECK(outcome.groups[1].size() == 2);
    CHECK(outcome.groups[2].size() == 2);
    CHECK(outcome.groups[3].size() == 1);
    std::set<int> all;
    for (const auto& group : outcome.groups) {
        all.insert(group.begin(), group.end());
    }
    CHECK(all == std::set<int>{0, 1, 2, 3, 4, 5});
    CHECK(outcome.errors.empty());
}

TEST_CASE("a group that throws fails its own callers only", "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(64);
    const auto outcome = lead_and_queue(queue, 3, First::take_then_wait, [](auto) {
        throw std::runtime_error("the commit failed");
    });
    REQUIRE(outcome.queued_in_time);
    REQUIRE(outcome.groups.size() == 2);
    CHECK(outcome.errors.size() == 3);
    CHECK(outcome.errors.count(0) == 0);  // the first group committed
    for (const auto& [id, message] : outcome.errors) {
        CHECK(message == "the commit failed");
    }
    // The queue goes on.
    Job later{9};
    bool ran = false;
    queue.submit(later, [&](GroupCommit<Job>::Group& group) { ran = group.take().size() == 1; });
    CHECK(ran);
}

TEST_CASE("a group that fails before taking its jobs fails those queued then",
          "[unit][server_store][sqlite]") {
    GroupCommit<Job> queue(64);
    const auto outcome = lead_and_queue(queue, 3, First::wait_then_throw, [](auto) {});
    REQUIRE(outcome.queued_in_time);
    CHECK(outcome.groups.empty());
    REQUIRE(outcome.errors.size() == 4);
    for (const auto& [id, message] : outcome.errors) {
        CHECK(message == "BEGIN failed");
    }
    CHECK(queue.stats().waiting == 0);
}

TEST_CASE_METHOD(SyncFixture, "concurrent pushes all get distinct versions and nothing is lost",
                 "[unit][server_store]") {
    constexpr int kThreads = 8;
    constexpr int kBatches = 20;
    constexpr int kChanges = 5;
    struct Pushed {
        std::vector<ChangeResult> results;
        std::optional<std::string> error;
    };
    std::vector<std::vector<Pushed>> pushed(kThreads);
    std::latch start(kThreads);
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                const Device& device = t % 2 == 0 ? branch : other;
                const std::string replica = std::string("r") + std::to_string(t);
                start.arrive_and_wait();
                for (int b = 0; b < kBatches; ++b) {
                    std::vector<Change> batch;
                    for (int c = 0; c < kChanges; ++c) {
                        const int seq = b * kChanges + c + 1;
                        batch.push_back(change(replica, seq,
                                               std::string("answer/") + std::to_string(t) +
                                                   std::string(".") + std::to_string(seq),
                                               0, std::string("v") + std::to_string(seq)));
                    }
                    Pushed result;
                    try {
                        result.results = repo().apply_changes("AB12", device.id, batch);
                    } catch (const std::exception& e) {
                        result.error = e.what();
                    }
                    pushed[t].push_back(std::move(result));
                }
            });
        }
    }

    constexpr int kTotal = kThreads * kBatches * kChanges;
    std::set<std::int64_t> versions;
    std::map<std::int64_t, std::string> key_of_version;
    for (int t = 0; t < kThreads; ++t) {
        REQUIRE(pushed[t].size() == static_cast<std::size_t>(kBatches));
        for (int b = 0; b < kBatches; ++b) {
            const auto& batch = pushed[t][b];
            INFO("thread " << t << " batch " << b << ": " << batch.error.value_or("ok"));
            REQUIRE_FALSE(batch.error);
            REQUIRE(batch.results.size() == static_cast<std::size_t>(kChanges));
            for (int c = 0; c < kChanges; ++c) {
                const auto& result = batch.results[c];
                const int seq = b * kChanges + c + 1;
                CHECK(result.seq == seq);
                CHECK(result.outcome == ChangeOutcome::accepted);
                versions.insert(result.version);
                key_of_version[result.version] = std::string("answer/") + std::to_string(t) +
                                                 std::string(".") + std::to_string(seq);
            }
        }
    }
    // Distinct, and no gap: the organisation's sequence gave each change its own.
    CHECK(versions.size() == static_cast<std::size_t>(kTotal));
    CHECK(*versions.begin() == 1);
    CHECK(*versions.rbegin() == kTotal);
    // Every change is stored, at the version its push was told.
    const auto page = repo().registers_since("AB12", {"VA1B2"}, 0, kTotal + 10);
    REQUIRE(page.registers.size() == static_cast<std::size_t>(kTotal));
    for (const auto& reg : page.registers) {
        REQUIRE(reg.values.size() == 1);
        CHECK(key_of_version[reg.version] == reg.register_key);
        CHECK(reg.values[0].payload ==
              std::string(R"({"value":"v)") + std::to_string(reg.values[0].seq) + "\"}");
    }
}

TEST_CASE_METHOD(SyncFixture, "an invalid batch fails alone and the batches of its group commit",
                 "[unit][server_store][sqlite]") {
    // A second repository on the same file, patient enough to wait for the lock
    // the test holds below.
    SqliteOptions patient;
    patient.busy_timeout = 60s;
    const auto repository = open_sqlite(patient);
    const auto push_as = [&](const Device& device, std::vector<Change> batch) {
        return repository->apply_changes("AB12", device.id, batch);
    };

    // Another connection holds the write lock, so the first push's leader waits in
    // BEGIN IMMEDIATE while the others queue, and then takes them all as one group.
    sqlite::Database holder(SqliteRepository::file_in(data_dir()), {sqlite::OpenMode::read_write});
    holder.execute("BEGIN IMMEDIATE");

    struct Outcome {
        std::vector<ChangeResult> results;
        std::optional<Error> error;
    };
    std::map<std::string, Outcome> outcomes;
    std::mutex mutex;
    const auto run = [&](std::string name, const Device& device, std::vector<Change> batch) {
        Outcome outcome;
        try {
            outcome.results = push_as(device, std::move(batch));
        } catch (const Error& e) {
            outcome.error = e;
        }
        const std::lock_guard lock(mutex);
        outcomes.emplace(std::move(name), std::move(outcome));
    };

    bool grouped = false;
    {
        std::vector<std::jthread> threads;
        threads.emplace_back(run, "lead", std::cref(branch),
                             std::vector<Change>{change("lead", 1, "answer/0.0.1", 0, "first")});
        const bool leading =
            wait_until([&] { return repository->TEST_group_commit_stats().groups == 1; });
        if (leading) {
            for (int i = 1; i <= 4; ++i) {
                const auto replica = std::string("ok") + std::to_string(i);
                threads.emplace_back(
                    run, replica, std::cref(i % 2 == 0 ? branch : other),
                    std::vector<Change>{
                        change(replica, 1, std::string("answer/1.1.") + std::to_string(i), 0, "a"),
                        change(replica, 2, std::string("answer/2.1.") + std::to_string(i), 0,
                               "b")});
            }
            // "lead" is bound to the branch device by the time this group runs.
            threads.emplace_back(
                run, "foreign", std::cref(other),
                std::vector<Change>{change("lead", 2, "answer/0.0.1", 1, "taken over")});
            // The first change is valid; the second skips seq 2.
            threads.emplace_back(run, "gap", std::cref(branch),
                                 std::vector<Change>{change("gap", 1, "answer/9.9.1", 0, "x"),
                                                     change("gap", 3, "answer/9.9.2", 0, "y")});
            // The first push's group waits for the lock, its batch untaken: seven wait.
            grouped =
                wait_until([&] { return repository->TEST_group_commit_stats().waiting == 7; });
        }
        holder.execute("ROLLBACK");
        REQUIRE(leading);
    }
    REQUIRE(grouped);
    // One group, one transaction, for all seven.
    CHECK(repository->TEST_group_commit_stats().groups == 1);
    REQUIRE(outcomes.size() == 7);

    const auto& lead = outcomes.at("lead");
    REQUIRE_FALSE(lead.error);
    CHECK(lead.results == std::vector<ChangeResult>{{1, ChangeOutcome::accepted, 1}});

    REQUIRE(outcomes.at("foreign").error);
    CHECK(outcomes.at("foreign").error->code() == ErrorCode::forbidden);
    REQUIRE(outcomes.at("gap").error);
    CHECK(outcomes.at("gap").error->code() == ErrorCode::invalid_argument);
    CHECK_THAT(outcomes.at("gap").error->what(), Catch::Contains("expected 2, got 3"));

    std::set<std::int64_t> versions{1};
    for (int i = 1; i <= 4; ++i) {
        const auto& ok = outcomes.at(std::string("ok") + std::to_string(i));
        INFO("ok" << i << ": " << (ok.error ? ok.error->what() : "no error"));
        REQUIRE_FALSE(ok.error);
        REQUIRE(ok.results.size() == 2);
        for (const auto& result : ok.results) {
            CHECK(result.outcome == ChangeOutcome::accepted);
            versions.insert(result.version);
        }
    }
    CHECK(versions == std::set<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9});

    // Only the valid batches are stored; the gap batch left no trace, not even
    // its valid first change or its replica.
    const auto page = repository->registers_since("AB12", {"VA1B2"}, 0, 100);
    std::set<std::string> keys;
    for (const auto& reg : page.registers) {
        keys.insert(reg.register_key);
    }
    CHECK(keys == std::set<std::string>{"answer/0.0.1", "answer/1.1.1", "answer/2.1.1",
                                        "answer/1.1.2", "answer/2.1.2", "answer/1.1.3",
                                        "answer/2.1.3", "answer/1.1.4", "answer/2.1.4"});
    CHECK(push_as(other, {change("gap", 1, "answer/9.9.1", 0, "x")})[0] ==
          ChangeResult{1, ChangeOutcome::accepted, 10});
}

TEST_CASE_METHOD(SyncFixture,
                 "sync health reports join a push's group, and one for an unknown device fails "
                 "alone",
                 "[unit][server_store][sqlite]") {
    SqliteOptions patient;
    patient.busy_timeout = 60s;
    const auto repository = open_sqlite(patient);
    const auto report_of = [](std::string device_id, std::int64_t at_ms) {
        SyncHealthReport report;
        report.device_id = std::move(device_id);
        report.reported_at_ms = at_ms;
        report.finished = true;
        return report;
    };

    // As above: another connection holds the write lock while the jobs queue.
    sqlite::Database holder(SqliteRepository::file_in(data_dir()), {sqlite::OpenMode::read_write});
    holder.execute("BEGIN IMMEDIATE");
    std::map<std::string, std::optional<Error>> errors;
    std::mutex mutex;
    const auto run = [&](std::string name, std::function<void()> job) {
        std::optional<Error> error;
        try {
            job();
        } catch (const Error& e) {
            error = e;
        }
        const std::lock_guard lock(mutex);
        errors.emplace(std::move(name), std::move(error));
    };
    std::vector<ChangeResult> lead_results;
    std::vector<ChangeResult> other_results;
    bool grouped = false;
    {
        std::vector<std::jthread> threads;
        threads.emplace_back(run, "lead", [&] {
            lead_results = repository->apply_changes(
                "AB12", branch.id, {change("lead", 1, "answer/0.0.1", 0, "first")});
        });
        const bool leading =
            wait_until([&] { return repository->TEST_group_commit_stats().groups == 1; });
        if (leading) {
            threads.emplace_back(run, "health", [&] {
                repository->record_sync_health(report_of(branch.id, kT0 + 5'000));
            });
            threads.emplace_back(run, "unknown", [&] {
                repository->record_sync_health(report_of("no-such-device", kT0 + 5'000));
            });
            threads.emplace_back(run, "other", [&] {
                other_results = repository->apply_changes(
                    "AB12", other.id, {change("other", 1, "answer/0.0.2", 0, "second")});
            });
            grouped =
                wait_until([&] { return repository->TEST_group_commit_stats().waiting == 4; });
        }
        holder.execute("ROLLBACK");
        REQUIRE(leading);
    }
    REQUIRE(grouped);
    CHECK(repository->TEST_group_commit_stats().groups == 1);
    REQUIRE(errors.size() == 4);
    CHECK_FALSE(errors.at("lead"));
    CHECK_FALSE(errors.at("health"));
    CHECK_FALSE(errors.at("other"));
    REQUIRE(errors.at("unknown"));
    CHECK(errors.at("unknown")->code() == ErrorCode::not_found);
    CHECK(lead_results.size() == 1);
    CHECK(other_results.size() == 1);
    CHECK(repository->registers_since("AB12", {"VA1B2"}, 0, 10).registers.size() == 2);
    // The one device that reported, with its finished sync.
    const auto health = repository->sync_health_of("AB12");
    REQUIRE(health.size() == 1);
    CHECK(health[0].device_id == branch.id);
    CHECK(health[0].last_sync_at_ms == kT0 + 5'000);
}

TEST_CASE_METHOD(SyncFixture, "concurrent retries of a batch apply it once and repeat its results",
                 "[unit][server_store]") {
    constexpr int kRetries = 8;
    const std::vector<Change> batch{change("r1", 1, "answer/1.1.1", 0, "a"),
                                    change("r1", 2, "answer/2.1.1", 0, "b"),
                                    change("r1", 3, "answer/3.1.1", 0, "c")};
    std::vector<std::vector<ChangeResult>> answers(kRetries);
    std::vector<std::string> errors;
    std::mutex mutex;
    std::latch start(kRetries);
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < kRetries; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                try {
                    answers[i] = push(branch, batch);
                } catch (const std::exception& e) {
                    const std::lock_guard lock(mutex);
                    errors.push_back(e.what());
                }
            });
        }
    }
    REQUIRE(errors.empty());
    int applied = 0;
    for (const auto& answer : answers) {
        REQUIRE(answer.size() == 3);
        if (answer[0].outcome == ChangeOutcome::accepted) {
            ++applied;
            continue;
        }
        for (const auto& result : answer) {
            CHECK(result.outcome == ChangeOutcome::duplicate);
        }
    }
    CHECK(applied == 1);
    // Every retry, concurrent or later, names the versions of the first.
    const std::vector<std::int64_t> first{1, 2, 3};
    for (const auto& answer : answers) {
        CHECK(std::vector<std::int64_t>{answer[0].version, answer[1].version, answer[2].version} ==
              first);
    }
    const auto later = push(branch, batch);
    CHECK(later == std::vector<ChangeResult>{{1, ChangeOutcome::duplicate, 1},
                                             {2, ChangeOutcome::duplicate, 2},
                                             {3, ChangeOutcome::duplicate, 3}});
    CHECK(repo().registers_since("AB12", {"VA1B2"}, 0, 10).registers.size() == 3);
}

}  // namespace dspt::server::store::test

namespace dspt::server::store::test {

TEST_CASE_METHOD(SyncFixture, "a push answered before the server dies is kept when it restarts",
                 "[unit][server_store][sqlite]") {
    // A child process pushes from several threads at once (so that pushes share
    // group commits), reports each push the store has answered through a pipe, and
    // is killed (SIGKILL: no destructor, no close, no checkpoint) while pushes are
    // still in flight. Every push it reported must be in the store afterwards.
    constexpr int kThreads = 6;
    constexpr int kBatches = 200;  // per thread; the child dies long before the last
    constexpr int kChanges = 3;
    constexpr int kDieAfter = 60;  // answered pushes
    close();                       // no SQLite connection is carried across fork()
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(fds[0]);
        const auto repository = open();
        std::atomic<int> answered{0};
        std::mutex write_mutex;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                const std::string replica = "crash" + std::to_string(t);
                const Device& device = t % 2 == 0 ? branch : other;
                for (int b = 0; b < kBatches; ++b) {
                    std::vector<Change> batch;
                    for (int c = 0; c < kChanges; ++c) {
                        const int seq = b * kChanges + c + 1;
                        batch.push_back(change(
                            replica, seq, "answer/" + std::to_string(t) + "." + std::to_string(seq),
                            0, "v" + std::to_string(seq)));
                    }
                    std::vector<ChangeResult> results;
                    try {
                        results = repository->apply_changes("AB12", device.id, batch);
                    } catch (...) {
                        ::_exit(3);
                    }
                    std::ostringstream line;
                    for (const auto& result : results) {
                        line << replica << " " << result.seq << " "
                             << static_cast<int>(result.outcome) << " " << result.version << "\n";
                    }
                    {
                        const std::lock_guard lock(write_mutex);
                        const auto text = line.str();
                        if (::write(fds[1], text.data(), text.size()) !=
                            static_cast<ssize_t>(text.size())) {
                            ::_exit(4);
                        }
                    }
                    if (++answered == kDieAfter) {
                        ::kill(::getpid(), SIGKILL);
                    }
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        ::_exit(5);  // not reached: the child is killed first
    }
    ::close(fds[1]);
    std::string reported;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
        reported.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    reopen();
    std::istringstream lines(reported);
    std::string replica;
    std::int64_t seq = 0;
    int outcome = 0;
    std::int64_t version = 0;
    std::map<std::int64_t, std::string> key_of_version;
    std::size_t count = 0;
    while (lines >> replica >> seq >> outcome >> version) {
        ++count;
        CHECK(outcome == static_cast<int>(ChangeOutcome::accepted));
        key_of_version[version] = "answer/" + replica.substr(5) + "." + std::to_string(seq);
    }
    CHECK(count >= static_cast<std::size_t>(kDieAfter * kChanges));
    CHECK(key_of_version.size() == count);  // distinct versions
    // Every reported change is stored, at the version it was answered with.
    const auto page = repo().registers_since("AB12", {"VA1B2"}, 0, 100'000);
    std::map<std::int64_t, std::string> stored;
    for (const auto& reg : page.registers) {
        stored[reg.version] = reg.register_key;
    }
    for (const auto& [answered_version, key] : key_of_version) {
        INFO("version " << answered_version << " " << key);
        REQUIRE(stored.contains(answered_version));
        CHECK(stored.at(answered_version) == key);
    }
    // The store goes on from there: a replica's next push follows what it kept.
    const auto high_water = repo().replica_high_water("crash0", branch.id);
    REQUIRE(high_water);
    const auto next = *high_water + 1;
    const auto results =
        repo().apply_changes("AB12", branch.id, {change("crash0", next, "answer/after", 0, "x")});
    REQUIRE(results.size() == 1);
    CHECK(results[0].outcome == ChangeOutcome::accepted);
}

}  // namespace dspt::server::store::test
