// The deadline load for dspt-server (driven by tests/bench/deadline_bench.sh): every
// site of the country syncing its whole assessment in the last days before the
// deadline. Prints figures, one a line as `name: value unit` (lines starting with #
// describe); asserts nothing and is not a ctest test.
//
//   dspt_deadline_bench registry --sites S
//       Prints the registry CSV for `dspt-server admin import-sites`: S single-site
//       providers DL00001, ...
//
//   dspt_deadline_bench codes (--data DIR | --store LOCATION) --sites S
//       Makes an enrolment code for the branch device of each of the S sites in the
//       server's store, as `dspt-server admin enrol-code --org ODS --site ODS` does
//       (in one process, so 30,000 take seconds), and prints "ODS CODE" lines.
//
//   dspt_deadline_bench run --url URL --codes FILE [--sites S] [--concurrency C]
//       [--answers A] [--evidence-bytes B] [--enrol-concurrency E] [--old-requests]
//       Setup, not measured: enrols a device for each site (POST /v1/enrol, E at
//       a time). Then, measured: each device makes the requests of its first sync
//       as dspt does (client/sync/sync_engine.cpp), 3 of them: a sync exchange
//       (POST /v1/sync) pushing A answers (45) with its health and asking about
//       the evidence file, the file's one chunk of B bytes (100 KB), and an
//       exchange pushing the file's record. The first goes signed and opens a
//       request session in its target, the other two are MACed in it, as a
//       device's first run of dspt sync (client::RequestSession with a
//       SessionKeep, here kept in memory). --old-requests makes instead the 8
//       requests of the client before sync exchanges (sync health, a push, a
//       pull, the file's status, its chunk, the push of its record, the
//       publications, sync health; the first signed, the others in a session
//       opened by a ninth, POST /v1/session, which is timed with the push), to
//       compare. C devices at a time, each on one kept-alive connection as a
//       sync is. Prints the time to absorb the load, changes and requests per
//       second (the requests it times: 3 or 8 a site), and latency percentiles.
//
// Every request has the transport's deadline, and every loop is bounded by the
// sites. Exit status: 0 when every request succeeded, 1 when any failed (the
// figures are printed all the same), 2 for bad arguments.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/store/session_keep.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/transport.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/standards/bundled.hpp"
#include "protocol/enrolment_code.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/sync_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/auth/enrolment_service.hpp"
#include "server/store/open_repository.hpp"
#include "tests/bench/bench_devices.hpp"
#include "tests/bench/bench_figures.hpp"
#include "tests/bench/bench_flags.hpp"

namespace {

using namespace dspt;
using bench::Clock;
using bench::Device;
using bench::Failures;
using bench::figure;
using bench::ms_since;

constexpr std::string_view kYear = "2025-26";
constexpr std::string_view kAuthor = "Bench Manager";

struct Options {
    std::string mode;
    std::string data;
    std::string store;
    std::string url;
    std::filesystem::path codes;
    std::size_t sites = 30'000;
    std::size_t concurrency = 16;
    std::size_t enrol_concurrency = 16;
    std::size_t answers = 45;
    std::size_t evidence_bytes = 100'000;
    bool old_requests = false;  // the 8 requests of the client before sync exchanges
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "dspt_deadline_bench: " << problem << "\n"
              << "usage: dspt_deadline_bench registry --sites S\n"
              << "       dspt_deadline_bench codes (--data DIR | --store LOCATION) --sites S\n"
              << "       dspt_deadline_bench run --url URL --codes FILE [--sites S] "
                 "[--concurrency C]\n"
              << "           [--answers A] [--evidence-bytes B] [--enrol-concurrency E] "
                 "[--old-requests]\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    if (argc < 2) {
        usage("give a mode: registry, codes or run");
    }
    Options options;
    options.mode = argv[1];
    if (options.mode != "registry" && options.mode != "codes" && options.mode != "run") {
        usage("unknown mode \"" + options.mode + "\"");
    }
    // --old-requests stands alone; the other flags come in pairs.
    std::vector<char*> args(argv, argv + argc);
    const auto old_flag = std::find_if(args.begin() + 2, args.end(), [](const char* arg) {
        return std::string_view(arg) == "--old-requests";
    });
    if (old_flag != args.end()) {
        options.old_requests = true;
        args.erase(old_flag);
    }
    std::string codes;
    const auto problem = bench::parse_flags(
        static_cast<int>(args.size()), args.data(), 2,
        {
            {"--sites", {&options.sites, 1, 99'999}},
            {"--concurrency", {&options.concurrency, 1, 1024}},
            {"--enrol-concurrency", {&options.enrol_concurrency, 1, 1024}},
            {"--answers", {&options.answers, 1, 54}},
            {"--evidence-bytes", {&options.evidence_bytes, 1, std::size_t{1} << 20}},
        },
        {{"--data", &options.data},
         {"--store", &options.store},
         {"--url", &options.url},
         {"--codes", &codes}});
    if (problem) {
        usage(*problem);
    }
    options.codes = codes;
    if (options.mode == "codes" && options.data.empty() == options.store.empty()) {
        usage("codes needs --data DIR or --store LOCATION");
    }
    if (options.mode == "run" && (options.url.empty() || options.codes.empty())) {
        usage("run needs --url and --codes");
    }
    return options;
}

std::string site_ods(std::size_t n) {
    std::ostringstream out;
    out << "DL" << std::setw(5) << std::setfill('0') << n;
    return out.str();
}

void print_registry(const Options& options) {
    std::cout << "organisation_ods,organisation_name,headquarters,site_ods,cqc_location_id,"
                 "site_name\n";
    for (std::size_t i = 1; i <= options.sites; ++i) {
        const auto ods = site_ods(i);
        std::cout << ods << ",Deadline Care Home " << i << ",no," << ods << ",1-" << 500'000'000 + i
                  << ",Deadline Care Home " << i << "\n";
    }
}

std::int64_t wall_ms() {
    return static_cast<std::int64_t>(HybridClock::system_millis());
}

void print_codes(const Options& options) {
    const auto repository = server::store::open_repository({options.data, options.store});
    const server::auth::AccessPolicy policy(*repository, &wall_ms);
    server::auth::EnrolmentService service(*repository, policy, &wall_ms);
    for (std::size_t i = 1; i <= options.sites; ++i) {
        const auto ods = site_ods(i);
        std::cout << ods << " "
                  << service.create_admin_code(ods, ods, "", std::chrono::hours(24 * 7)).code
                  << "\n";
    }
}

// Latencies of each kind of request, in milliseconds.
class Latencies {
  public:
    template <class Fn>
    auto time(const std::string& kind, Fn&& fn) {
        const auto start = Clock::now();
        auto result = fn();
        const auto ms = ms_since(start);
        const std::lock_guard lock(mutex_);
        by_kind_[kind].push_back(ms);
        all_.push_back(ms);
        return result;
    }

    std::size_t count() const { return all_.size(); }

    void print() {
        print_line("all requests", all_);
        for (auto& [kind, values] : by_kind_) {
            print_line(kind, values);
        }
    }

  private:
    static void print_line(const std::string& kind, std::vector<double>& values) {
        if (values.empty()) {
            return;
        }
        std::sort(values.begin(), values.end());
        const auto at = [&](double q) {
            return values[std::min(values.size() - 1, static_cast<std::size_t>(
                                                          q * static_cast<double>(values.size())))];
        };
        std::cout << "latency " << kind << " (" << values.size() << "): p50 " << std::fixed
                  << std::setprecision(1) << at(0.50) << " ms, p99 " << at(0.99) << " ms, max "
                  << values.back() << " ms\n";
    }

    std::mutex mutex_;
    std::vector<double> all_;
    std::map<std::string, std::vector<double>> by_kind_;
};

std::vector<std::pair<std::string, std::string>> read_codes(const Options& options) {
    std::ifstream in(options.codes);
    if (!in) {
        usage("cannot read " + options.codes.string());
    }
    std::vector<std::pair<std::string, std::string>> codes;
    std::string ods;
    std::string code;
    while (codes.size() < options.sites && in >> ods >> code) {
        codes.emplace_back(ods, code);
    }
    return codes;
}

// The register entry of an evidence file of one chunk, as the client sends after
// the chunk (its key and manifest sealed: the server reads neither).
protocol::ChangeEntry evidence_record(const protocol::ChangeEntry& last_answer,
                                      const std::string& evidence_id, const std::string& item,
                                      std::size_t bytes) {
    const nlohmann::json value{{"id", evidence_id},
                               {"item", item},
                               {"size", bytes},
                               {"chunks", 1},
                               {"file_key", crypto::to_base64(crypto::random_bytes(72))},
                               {"sealed", crypto::to_base64(crypto::random_bytes(120))}};
    return {last_answer.replica_id,
            last_answer.seq + 1,
            last_answer.hlc + 1,
            last_answer.scope,
            std::string(kYear) + "/evidence/" + evidence_id,
            {},
            value.dump(),
            std::string(kAuthor)};
}

int run(const Options& options) {
    const auto codes = read_codes(options);
    const auto url = client::ServerUrl::parse(options.url);
    const auto transport = [&] { return client::make_http_transport(url, {}); };
    Failures failures;
    std::cout << "# deadline load: " << codes.size() << " sites, one device each pushing "
              << options.answers << " answers and a " << options.evidence_bytes
              << "-byte evidence file in its first sync ("
              << (options.old_requests ? "the 8 requests of the client before sync exchanges"
                                       : "3 requests in a request session, as dspt sync")
              << "), " << options.concurrency
              << " devices at a time, one kept-alive connection each; " << options.url << ", "
              << std::thread::hardware_concurrency() << " CPUs, clients on the same machine\n";
    std::cout.flush();

    std::vector<std::optional<Device>> enrolled(codes.size());
    const auto setup_start = Clock::now();
    bench::parallel_for(codes.size(), options.enrol_concurrency, failures, [&](std::size_t i) {
        const auto own = transport();
        enrolled[i] = bench::enrol_bare(*own, protocol::EnrolmentCode::parse(codes[i].second),
                                        "Deadline " + codes[i].first);
    });
    figure("setup: devices enrolled (" + std::to_string(options.enrol_concurrency) + " at a time)",
           ms_since(setup_start) / 1000.0, "s");
    std::vector<Device> devices;
    for (auto& device : enrolled) {
        if (device) {
            devices.push_back(std::move(*device));
        }
    }
    figure("setup: devices enrolled", static_cast<double>(devices.size()), "devices", 0);

    const auto& pack = standards::bundled_pack(kYear);
    const std::vector<standards::Item> items(
        pack.items.begin(), pack.items.begin() + static_cast<std::ptrdiff_t>(options.answers));
    // One sealed chunk's bytes (nonce, ciphertext, tag) for every file: the server
    // neither opens nor compares them.
    const auto chunk = crypto::random_bytes(options.evidence_bytes + 24 + 16);

    // The chunk's request body hash, as the client works it out ahead of each chunk.
    const auto chunk_hash = protocol::request_body_hash(
        std::string_view(reinterpret_cast<const char*>(chunk.data()), chunk.size()));

    Latencies latencies;
    std::atomic<std::uint64_t> accepted{0};
    const auto count_accepted = [&](const protocol::PushResponse& response) {
        for (const auto& result : response.results) {
            accepted += result.outcome == protocol::PushOutcome::accepted ? 1 : 0;
        }
        return response;
    };
    const auto start = Clock::now();
    bench::parallel_for(devices.size(), options.concurrency, failures, [&](std::size_t i) {
        const auto& device = devices[i];
        const auto own = transport();
        const auto signing = device.signing();
        // A device's first run of dspt sync: no session kept yet.
        client::SessionKeep keep;
        client::ApiClient api(*own, device.id, signing, &HybridClock::system_millis,
                              options.old_requests ? nullptr : &keep);
        auto answers = bench::answers_of(device, items, kYear, kAuthor);
        const auto evidence_id = crypto::random_uuid();
        protocol::PushRequest record;
        record.entries.push_back(evidence_record(answers.entries.back(), evidence_id,
                                                 items.front().id, options.evidence_bytes));
        const auto chunk_body = [&] { return std::string(chunk.begin(), chunk.end()); };
        if (options.old_requests) {
            protocol::SyncHealth health;
            health.pending_changes = answers.entries.size() + 1;
            latencies.time("sync health", [&] { return (api.sync_health(health), 0); });
            latencies.time("push answers", [&] { return count_accepted(api.push(answers)); });
            latencies.time("pull", [&] { return api.pull(0); });
            latencies.time("evidence status", [&] { return api.blob_status(evidence_id); });
            latencies.time("evidence chunk", [&] {
                return (api.put_blob_chunk(evidence_id, 0, device.site, chunk_body()), 0);
            });
            latencies.time("push evidence record",
                           [&] { return count_accepted(api.push(record)); });
            latencies.time("publications", [&] { return api.publications(); });
            health = {};
            health.finished = true;
            latencies.time("sync health", [&] { return (api.sync_health(health), 0); });
            return;
        }
        // As sync_once: every register change first, asking which chunks of the
        // file the server holds; then the missing chunk; then the file's record.
        protocol::SyncRequest first;
        first.entries = std::move(answers.entries);
        first.health.pending_changes = first.entries.size() + 1;  // the answers and the file
        first.health.pending_bytes = options.evidence_bytes;
        for (const auto& entry : first.entries) {
            first.health.pending_bytes += entry.payload.size();
        }
        first.evidence = {evidence_id};
        const auto answered = latencies.time("sync exchange, answers", [&] {
            auto response = api.exchange(first);
            count_accepted(response.push);
            return response;
        });
        if (answered.evidence.size() != 1 || !answered.evidence.front().held.empty()) {
            throw std::runtime_error("the server's first answer does not say it holds no chunk");
        }
        latencies.time("evidence chunk", [&] {
            return (api.put_blob_chunk(evidence_id, 0, device.site, chunk_body(), chunk_hash), 0);
        });
        protocol::SyncRequest second;
        second.entries = std::move(record.entries);
        second.since = answered.page.next_cursor;
        second.health.pending_changes = 1;
        second.health.pending_bytes = second.entries.front().payload.size();
        // The digest the client remembers from the first answer.
        second.publications_digest = answered.publications_changed ? answered.publications_digest
                                                                   : first.publications_digest;
        latencies.time("sync exchange, file record", [&] {
            auto response = api.exchange(second);
            count_accepted(response.push);
            return response;
        });
    });
    const double seconds = ms_since(start) / 1000.0;

    figure("time to absorb the load", seconds, "s", 2);
    figure("changes applied", static_cast<double>(accepted.load()), "changes", 0);
    figure("changes per second", static_cast<double>(accepted.load()) / seconds, "changes/s", 0);
    figure("requests", static_cast<double>(latencies.count()), "requests", 0);
    figure("requests per second", static_cast<double>(latencies.count()) / seconds, "requests/s",
           0);
    figure("evidence received per second",
           static_cast<double>(devices.size() * options.evidence_bytes) / 1e6 / seconds, "MB/s");
    latencies.print();
    const auto expected = devices.size() * (items.size() + 1);
    if (accepted != expected) {
        failures.record(std::to_string(accepted.load()) + " changes accepted of " +
                        std::to_string(expected));
    }
    figure("errors", static_cast<double>(failures.count()), "", 0);
    return failures.finish();
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    try {
        if (options.mode == "run") {
            return run(options);
        }
        (options.mode == "codes" ? print_codes : print_registry)(options);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dspt_deadline_bench: " << e.what() << "\n";
        return 1;
    }
}
