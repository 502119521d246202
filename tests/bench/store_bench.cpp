// Store benchmark: how many pushed changes the embedded store (SqliteRepository)
// and the sync service over it apply per second, with no HTTP, no signatures and
// no client in the way. Prints figures, one a line as `name: value unit`; asserts
// nothing beyond that every change was accepted.
//
//   dspt_store_bench [--sites N] [--answers A] [--threads T] [--work DIR]
//
// --sites N (1000): one branch device and one push per site, each push A
// (--answers, 45) new answers of that site, all of one organisation, as the
// throughput phase of tests/bench/sync_bench.cpp sends them. --threads T (8): how
// many pushes are in flight at once (each thread takes the next push).
//
// Figures: raw SQLite inserts of one-column rows in one transaction (the
// machine's ceiling), the store's apply_changes, and SyncService::push (the
// store plus the service's per-change checks), each on a fresh store; with the
// number of group commits the store formed.

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "protocol/sync_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/sqlite_repository.hpp"
#include "server/sync/sync_service.hpp"
#include "tests/bench/bench_figures.hpp"

namespace fs = std::filesystem;
using namespace dspt;
using dspt::bench::Clock;
using dspt::bench::figure;
using dspt::bench::ms_since;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000;
constexpr std::string_view kOrganisation = "BTHQ";

struct Options {
    std::size_t sites = 1000;
    std::size_t answers = 45;
    std::size_t threads = 8;
    fs::path work;
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            fail(ErrorCode::invalid_argument, flag + " needs a value");
        }
        const std::string value = argv[++i];
        if (flag == "--sites") {
            options.sites = std::stoul(value);
        } else if (flag == "--answers") {
            options.answers = std::stoul(value);
        } else if (flag == "--threads") {
            options.threads = std::max<std::size_t>(1, std::stoul(value));
        } else if (flag == "--work") {
            options.work = value;
        } else {
            fail(ErrorCode::invalid_argument, "unknown flag " + flag);
        }
    }
    if (options.sites == 0 || options.answers == 0 || options.answers > 1000) {
        fail(ErrorCode::invalid_argument, "--sites is at least 1, --answers 1 to 1000");
    }
    return options;
}

std::string site_ods(std::size_t i) {
    return "S" + std::to_string(10000 + i);
}

// A fresh store with the organisation, its sites and a branch device for each.
std::vector<server::store::Device> seed(server::store::Repository& repo, const Options& options) {
    repo.create_organisation({std::string(kOrganisation), "Bench Group", true, std::nullopt, kNow});
    std::vector<server::store::Device> devices;
    for (std::size_t i = 0; i < options.sites; ++i) {
        const auto ods = site_ods(i);
        repo.add_site(
            {ods, std::string(kOrganisation), "1-" + std::to_string(100000000 + i), "Site " + ods});
        server::store::EnrolmentToken token;
        token.token_id = crypto::random_uuid();
        token.verifier = crypto::Bytes(32, 0x5a);
        token.role = server::store::DeviceRole::branch;
        token.organisation_ods = std::string(kOrganisation);
        token.site_ods = ods;
        token.created_by = "admin";
        token.created_at_ms = kNow;
        token.expires_at_ms = kNow + 3'600'000;
        token.organisation_key_envelope = crypto::Bytes(72, 0xe1);
        repo.create_token(token);
        server::store::Device device;
        device.id = crypto::random_uuid();
        device.role = token.role;
        device.organisation_ods = token.organisation_ods;
        device.site_ods = ods;
        device.signing_public_key = crypto::random_bytes(32);
        device.box_public_key = crypto::random_bytes(32);
        device.name = "Bench " + ods;
        devices.push_back(repo.enrol_device(token.token_id, token.verifier, device, kNow + 1));
    }
    return devices;
}

// One push per site: `answers` new answers, as a client's first push sends them.
std::vector<protocol::PushRequest> pushes(const Options& options) {
    std::vector<protocol::PushRequest> requests(options.sites);
    for (std::size_t i = 0; i < options.sites; ++i) {
        const auto replica = crypto::random_uuid();
        for (std::size_t a = 0; a < options.answers; ++a) {
            const auto item = "1." + std::to_string(a / 10 + 1) + "." + std::to_string(a % 10 + 1);
            const nlohmann::json payload{{"item", item},
                                         {"value", "Yes, reviewed by the board in March"},
                                         {"comment", ""},
                                         {"answered_by", "Bench Manager"}};
            const auto seq = static_cast<std::int64_t>(a + 1);
            requests[i].entries.push_back({replica,
                                           seq,
                                           (static_cast<std::uint64_t>(kNow) << 16) + a,
                                           site_ods(i),
                                           "2026-27/answer/" + item,
                                           {},
                                           payload.dump(),
                                           "Bench Manager"});
        }
    }
    return requests;
}

std::vector<server::store::Change> changes_of(const protocol::PushRequest& request) {
    std::vector<server::store::Change> changes;
    for (const auto& e : request.entries) {
        changes.push_back(
            {e.replica_id, e.seq, e.hlc, e.scope, e.register_key, e.seen, e.payload, e.author});
    }
    return changes;
}

// Runs push(i) for every site on `threads` threads; the seconds it took.
template <typename Push>
double run_pushes(const Options& options, Push&& push) {
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> failed{0};
    const auto start = Clock::now();
    {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < options.threads; ++t) {
            threads.emplace_back([&] {
                for (auto i = next++; i < options.sites; i = next++) {
                    try {
                        if (push(i) != options.answers) {
                            ++failed;
                        }
                    } catch (const std::exception& e) {
                        std::cerr << "push " << i << ": " << e.what() << "\n";
                        ++failed;
                    }
                }
            });
        }
    }
    const double seconds = ms_since(start) / 1000.0;
    if (failed != 0) {
        fail(ErrorCode::internal, std::to_string(failed.load()) + " pushes were not all accepted");
    }
    return seconds;
}

void raw_inserts(const Options& options) {
    const auto dir = options.work / "raw";
    fs::create_directories(dir);
    sqlite::Database db(dir / "raw.db");
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    const auto rows = options.sites * options.answers;
    const auto start = Clock::now();
    {
        sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
        sqlite::Statement insert(db, "INSERT INTO t (k, v) VALUES (?1, ?2)");
        for (std::size_t i = 0; i < rows; ++i) {
            const sqlite::ResetGuard use(insert);
            insert.bind(1, static_cast<std::int64_t>(i));
            insert.bind(2, std::string_view("Yes, reviewed by the board in March"));
            insert.execute();
        }
        tx.commit();
    }
    figure("raw SQLite inserts in one transaction (" + std::to_string(rows) + " rows)",
           static_cast<double>(rows) / (ms_since(start) / 1000.0), "rows/s", 0);
}

std::string label(const Options& options) {
    return std::to_string(options.sites) + " pushes x " + std::to_string(options.answers) +
           " answers, " + std::to_string(options.threads) + " threads";
}

void store_alone(const Options& options) {
    server::store::SqliteRepository repo(options.work / "store");
    const auto devices = seed(repo, options);
    std::vector<std::vector<server::store::Change>> batches;
    for (const auto& request : pushes(options)) {
        batches.push_back(changes_of(request));
    }
    const auto before = repo.TEST_group_commit_stats().groups;
    const double seconds = run_pushes(options, [&](std::size_t i) {
        std::size_t accepted = 0;
        for (const auto& r : repo.apply_changes(kOrganisation, devices[i].id, batches[i])) {
            accepted += r.outcome == server::store::ChangeOutcome::accepted ? 1 : 0;
        }
        return accepted;
    });
    const auto groups = repo.TEST_group_commit_stats().groups - before;
    figure("store apply_changes (" + label(options) + ")",
           static_cast<double>(options.sites * options.answers) / seconds, "changes/s", 0);
    figure("store group commits for " + std::to_string(options.sites) + " pushes",
           static_cast<double>(groups), "commits", 0);
}

void service(const Options& options) {
    server::store::SqliteRepository repo(options.work / "service");
    const auto devices = seed(repo, options);
    const auto requests = pushes(options);
    const server::auth::AccessPolicy policy(repo, [] { return kNow + 2; });
    server::sync::SyncService sync(repo, policy);
    const double seconds = run_pushes(options, [&](std::size_t i) {
        std::size_t accepted = 0;
        for (const auto& r : sync.push(devices[i], requests[i]).results) {
            accepted += r.outcome == protocol::PushOutcome::accepted ? 1 : 0;
        }
        return accepted;
    });
    figure("sync service push (" + label(options) + ")",
           static_cast<double>(options.sites * options.answers) / seconds, "changes/s", 0);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        auto options = parse(argc, argv);
        const bool own_work = options.work.empty();
        if (own_work) {
            options.work =
                fs::temp_directory_path() / ("dspt-store-bench-" + crypto::random_uuid());
        }
        fs::create_directories(options.work);
        raw_inserts(options);
        store_alone(options);
        service(options);
        if (own_work) {
            fs::remove_all(options.work);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dspt_store_bench: " << e.what() << "\n";
        return 1;
    }
}
