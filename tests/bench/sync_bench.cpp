// Sync benchmark for dsptsync (driven by tests/bench/sync_bench.sh). Prints
// figures, one a line as `name: value unit` (lines starting with # describe);
// asserts nothing and is not a ctest test.
//
//   dspt_sync_bench registry [flags]
//       Prints the registry CSV for `dspt-server admin import-sites`: one
//       single-site provider per workload site (BS0001, ...), and one
//       headquarters organisation (BTHQ) with a branch per throughput site.
//
//   dspt_sync_bench answers [flags]
//       Prints, as one JSON object, the answers the workload gives every
//       site (the payloads as the client stores them), the item each round
//       changes and its value in each round: tests/bench/compare_couchdb.sh
//       gives the peer exactly this content.
//
//   dspt_sync_bench run --port P --codes FILE --hq-code CODE --work DIR [flags]
//       Runs every measurement against the dspt-server on 127.0.0.1:P. FILE
//       holds "ODS CODE" lines: an enrolment code for each workload site;
//       CODE enrols a headquarters device of BTHQ. DIR receives the stores.
//
// Flags (both modes): --sites S (20) --rounds R (5) --files K (2)
// --file-bytes B (1048576) --concurrency C (4) --throughput-sites N (1000)
// --throughput-answers A (45) --throughput-connections T (8)
// --throughput-protocol sync|push (sync) --incremental-runs I (20) --upload-bytes U (100000000)
// --upload-lanes L (2).
//
// What runs, in order, with the client library in-process (a LocalStore per
// site, an ApiClient over make_http_transport, sync_once):
//   1. setup: S stores (cheap KDF), each enrolled with its code; every item
//      answered and K evidence files of B random bytes added;
//   2. the first push: every site syncs, C at a time;
//   3. R rounds: every site changes one answer, then every site syncs;
//   4. wire bytes per changed answer: site 1 changes every answer and syncs;
//      then changes one and syncs;
//   5. incremental sync: site 1 changes one answer and syncs, I times;
//   6. server throughput: the headquarters device invites and enrols a branch
//      device for each of N sites; then each device sends A answers in one
//      request, from T threads (a new connection for each request). With
//      --throughput-protocol sync (the default) the request is the client's own
//      exchange (POST /v1/sync), MACed in the request session the device opened
//      before the clock started, as a site sends it while its kept session lives;
//      with `push`, the signed POST /v1/sync/push of older clients;
//   7. evidence upload: site 1 adds a file of U random bytes and syncs, with
//      chunks L at a time (2: a side lane, as `dspt sync` has; 1: one connection).
// Phases 2-4 go through a counting TCP relay (counting_relay.hpp), so wire
// bytes are exact; phases 5-7 connect to the server directly. HTTP requests are
// counted by a Transport decorator. Every network call has the transport's
// deadline, and every loop is bounded by its flag.
//
// Exit status: 0 when every operation succeeded, 1 when any failed (the
// figures are printed all the same), 2 for bad arguments.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/store/session_keep.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/enrolment.hpp"
#include "client/sync/recovery_upload.hpp"
#include "client/sync/sync_engine.hpp"
#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/random.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "protocol/enrolment_code.hpp"
#include "tests/bench/bench_devices.hpp"
#include "tests/bench/bench_figures.hpp"
#include "tests/bench/bench_flags.hpp"
#include "tests/bench/counting_relay.hpp"

namespace {

namespace fs = std::filesystem;
using namespace dspt;
using bench::answer_value;
using bench::Clock;
using bench::Device;
using bench::enrol_bare;
using bench::Failures;
using bench::figure;
using bench::ms_since;
using bench::parallel_for;
using client::ApiClient;
using client::LocalStore;
using client::Transport;

constexpr std::string_view kYear = "2025-26";
constexpr std::string_view kPassphrase = "benchmark passphrase";
constexpr std::string_view kAuthor = "Bench Manager";
constexpr std::string_view kHeadquarters = "BTHQ";

// ------------------------------------------------------------------ options

struct Options {
    std::string mode;
    std::uint16_t port = 0;
    fs::path codes;
    std::string hq_code;
    fs::path work;
    std::size_t sites = 20;
    std::size_t rounds = 5;
    std::size_t files = 2;
    std::size_t file_bytes = 1 << 20;
    std::size_t concurrency = 4;
    std::size_t throughput_sites = 1000;
    std::size_t throughput_answers = 45;
    std::size_t throughput_connections = 8;
    std::string throughput_protocol = "sync";
    std::size_t incremental_runs = 20;
    std::size_t upload_bytes = 100'000'000;
    std::size_t upload_lanes = 2;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "dspt_sync_bench: " << problem << "\n"
              << "usage: dspt_sync_bench registry [flags]\n"
              << "       dspt_sync_bench answers [flags]\n"
              << "       dspt_sync_bench run --port P --codes FILE --hq-code CODE --work DIR "
                 "[flags]\n"
              << "flags: --sites S --rounds R --files K --file-bytes B --concurrency C\n"
              << "       --throughput-sites N --throughput-answers A --throughput-connections T\n"
              << "       --throughput-protocol sync|push\n"
              << "       --incremental-runs I --upload-bytes U\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    if (argc < 2) {
        usage("give a mode: registry, answers or run");
    }
    Options options;
    options.mode = argv[1];
    if (options.mode != "registry" && options.mode != "answers" && options.mode != "run") {
        usage("unknown mode \"" + options.mode + "\"");
    }
    std::size_t port = 0;
    std::string codes;
    std::string work;
    const auto problem = bench::parse_flags(
        argc, argv, 2,
        {
            {"--sites", {&options.sites, 1, 9999}},
            {"--rounds", {&options.rounds, 0, 10'000}},
            {"--files", {&options.files, 0, 100}},
            {"--file-bytes", {&options.file_bytes, 1, std::size_t{1} << 30}},
            {"--concurrency", {&options.concurrency, 1, 256}},
            {"--throughput-sites", {&options.throughput_sites, 1, 9999}},
            {"--throughput-answers", {&options.throughput_answers, 1, 54}},
            {"--throughput-connections", {&options.throughput_connections, 1, 256}},
            {"--incremental-runs", {&options.incremental_runs, 1, 10'000}},
            {"--upload-bytes", {&options.upload_bytes, 1, std::size_t{2} << 30}},
            {"--upload-lanes", {&options.upload_lanes, 1, 2}},
            {"--port", {&port, 1, 65535}},
        },
        {{"--codes", &codes},
         {"--hq-code", &options.hq_code},
         {"--work", &work},
         {"--throughput-protocol", &options.throughput_protocol}});
    if (problem) {
        usage(*problem);
    }
    if (options.throughput_protocol != "sync" && options.throughput_protocol != "push") {
        usage("--throughput-protocol is sync or push, not \"" + options.throughput_protocol + "\"");
    }
    options.port = static_cast<std::uint16_t>(port);
    options.codes = codes;
    options.work = work;
    if (options.mode == "run" && (options.port == 0 || options.codes.empty() ||
                                  options.hq_code.empty() || options.work.empty())) {
        usage("run needs --port, --codes, --hq-code and --work");
    }
    return options;
}

std::string numbered(std::string_view prefix, std::size_t n) {
    std::ostringstream out;
    out << prefix << std::setw(4) << std::setfill('0') << n;
    return out.str();
}

void print_registry(const Options& options) {
    std::cout << "organisation_ods,organisation_name,headquarters,site_ods,cqc_location_id,"
                 "site_name\n";
    for (std::size_t i = 1; i <= options.sites; ++i) {
        const auto ods = numbered("BS", i);
        std::cout << ods << ",Bench Care Home " << i << ",no," << ods << ",1-" << 300'000'000 + i
                  << ",Bench Care Home " << i << "\n";
    }
    for (std::size_t i = 1; i <= options.throughput_sites; ++i) {
        std::cout << kHeadquarters << ",Bench Care Group,yes," << numbered("BT", i) << ",1-"
                  << 400'000'000 + i << ",Bench Group Home " << i << "\n";
    }
}

// The first text item: the one every round changes.
const standards::Item& round_item(const standards::Pack& pack) {
    for (const auto& item : pack.items) {
        if (item.type == standards::AnswerType::text) {
            return item;
        }
    }
    return pack.items.front();
}

// The workload's content as JSON, for a peer that must carry the same.
void print_answers(const Options& options) {
    const auto pack = standards::bundled_pack(kYear);
    nlohmann::json answers = nlohmann::json::array();
    for (const auto& item : pack.items) {
        answers.push_back({{"item", item.id},
                           {"value", answer_value(item, 0)},
                           {"comment", ""},
                           {"answered_by", kAuthor}});
    }
    const auto& changed = round_item(pack);
    nlohmann::json rounds = nlohmann::json::array();
    for (std::size_t round = 1; round <= options.rounds; ++round) {
        rounds.push_back(answer_value(changed, round));
    }
    std::cout << nlohmann::json{{"year", kYear},
                                {"answers", answers},
                                {"round_item", changed.id},
                                {"round_values", rounds}}
                     .dump()
              << "\n";
}

// ------------------------------------------------------------------ helpers

// Counts the requests sent through it.
class CountingTransport final : public Transport {
  public:
    CountingTransport(std::unique_ptr<Transport> inner, std::atomic<std::uint64_t>& requests)
        : inner_(std::move(inner)), requests_(requests) {}

    client::HttpResponse send(client::HttpRequest request) override {
        ++requests_;
        return inner_->send(std::move(request));
    }

  private:
    std::unique_ptr<Transport> inner_;
    std::atomic<std::uint64_t>& requests_;
};

class Network {
  public:
    explicit Network(std::uint16_t server_port) : server_port_(server_port), relay_(server_port) {}

    // A transport straight to the server, or through the counting relay.
    std::unique_ptr<Transport> transport(bool through_relay) {
        const auto port = through_relay ? relay_.port() : server_port_;
        auto inner = client::make_http_transport(
            client::ServerUrl::parse("http://127.0.0.1:" + std::to_string(port)), {});
        return std::make_unique<CountingTransport>(std::move(inner), requests_);
    }

    std::string server_url() const { return "http://127.0.0.1:" + std::to_string(server_port_); }

    // Requests the server has authenticated by a device's signature so far (its
    // /metrics): a phase that should run in request sessions shows none.
    std::uint64_t signed_requests() {
        const auto http = transport(false);
        const auto response = http->send({"GET", "/metrics", {}, "text/plain", ""});
        constexpr std::string_view kLine = "dspt_http_authenticated_total{by=\"signature\"} ";
        const auto at = response.body.find(kLine);
        if (response.status != 200 || at == std::string::npos) {
            fail(ErrorCode::internal, "the server's /metrics has no count of signed requests");
        }
        return std::stoull(response.body.substr(at + kLine.size()));
    }

    struct Snapshot {
        Clock::time_point at;
        bench::RelayCounts wire;
        std::uint64_t requests = 0;
    };
    Snapshot snapshot() const { return {Clock::now(), relay_.counts(), requests_.load()}; }

    // Prints `name`'s wall time, wire bytes and requests since `before`.
    void report(const std::string& name, const Snapshot& before, bool with_wire = true) const {
        const auto after = snapshot();
        figure(name, std::chrono::duration<double, std::milli>(after.at - before.at).count(), "ms");
        if (with_wire) {
            const auto wire = after.wire - before.wire;
            figure(name + " wire bytes", static_cast<double>(wire.total()), "bytes", 0);
            figure(name + " HTTP requests", static_cast<double>(after.requests - before.requests),
                   "requests", 0);
        }
    }

  private:
    std::uint16_t server_port_;
    bench::CountingRelay relay_;
    std::atomic<std::uint64_t> requests_{0};
};

// ------------------------------------------------------------------ sites

struct Site {
    std::string ods;
    std::string code;
    std::unique_ptr<LocalStore> store;
    client::DeviceIdentity identity;
};

void change_answer(Site& site, const standards::Item& item, std::size_t variant) {
    site.store->set_answer(item.id, answer_value(item, variant), std::nullopt, kAuthor);
}

std::vector<Site> read_codes(const Options& options) {
    std::ifstream in(options.codes);
    if (!in) {
        usage("cannot read " + options.codes.string());
    }
    std::vector<Site> sites;
    std::string ods;
    std::string code;
    while (sites.size() < options.sites && in >> ods >> code) {
        sites.push_back({ods, code, nullptr, {}});
    }
    if (sites.size() < options.sites) {
        usage(options.codes.string() + " has " + std::to_string(sites.size()) + " codes for " +
              std::to_string(options.sites) + " sites");
    }
    return sites;
}

void write_random_file(const fs::path& path, std::size_t bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    constexpr std::size_t kPiece = 1 << 20;
    for (std::size_t done = 0; done < bytes; done += kPiece) {
        const auto piece = crypto::random_bytes(std::min(kPiece, bytes - done));
        out.write(reinterpret_cast<const char*>(piece.data()),
                  static_cast<std::streamsize>(piece.size()));
    }
    if (!out) {
        fail(ErrorCode::io, "cannot write " + path.string());
    }
}

// A store for the site, enrolled with its code, every item answered and the
// evidence files added.
void set_up_site(Site& site, std::size_t index, const Options& options, Network& network) {
    const auto home = options.work / "sites" / site.ods;
    const auto path = LocalStore::file_in(home);
    client::CreateOptions create;
    create.site_name = "Bench Care Home " + std::to_string(index + 1);
    create.pack = standards::bundled_pack(kYear);
    create.kdf_strength = crypto::KdfStrength::minimal;
    LocalStore::create(path, kPassphrase, create);
    site.store = LocalStore::open(path, kPassphrase);

    const auto transport = network.transport(false);
    auto enrolment =
        client::enrol_device(*site.store, *transport, protocol::EnrolmentCode::parse(site.code),
                             {network.server_url(), "", ""});
    site.identity = std::move(enrolment.identity);
    ApiClient api(*transport, site.identity.device_id, site.identity.signing);
    std::ostringstream warnings;
    if (!client::send_pending_recovery(*site.store, api, warnings)) {
        fail(ErrorCode::network, "the recovery copy was not sent: " + warnings.str());
    }

    for (const auto& item : site.store->pack().items) {
        change_answer(site, item, 0);
    }
    const auto& document = [&]() -> const standards::Item& {
        for (const auto& item : site.store->pack().items) {
            if (item.type == standards::AnswerType::document) {
                return item;
            }
        }
        return site.store->pack().items.front();
    }();
    for (std::size_t f = 0; f < options.files; ++f) {
        const auto file = home / ("evidence-" + std::to_string(f) + ".bin");
        write_random_file(file, options.file_bytes);
        site.store->evidence().add(document.id, file);
        fs::remove(file);
    }
}

// One sync as `dspt sync` makes it: a new connection, and the request session
// kept in the site's store (the relay reaches the same server), and evidence
// chunks two at a time on a second connection unless `lanes` is 1.
client::SyncReport sync_site(Site& site, Network& network, bool through_relay,
                             std::size_t lanes = 2) {
    const auto transport = network.transport(through_relay);
    client::SessionKeep keep(*site.store, site.identity.device_id, network.server_url());
    ApiClient api(*transport, site.identity.device_id, site.identity.signing,
                  &HybridClock::system_millis, &keep);
    if (lanes == 2) {
        api.set_side_lane([&network, through_relay] { return network.transport(through_relay); });
    }
    return client::sync_once(*site.store, api, site.identity);
}

void sync_all(std::vector<Site>& sites, Network& network, const Options& options,
              Failures& failures) {
    parallel_for(sites.size(), options.concurrency, failures,
                 [&](std::size_t i) { sync_site(sites[i], network, true); });
}

// ------------------------------------------------------------------ phases

void run_workload(std::vector<Site>& sites, Network& network, const Options& options,
                  Failures& failures) {
    auto before = network.snapshot();
    parallel_for(sites.size(), options.concurrency, failures,
                 [&](std::size_t i) { set_up_site(sites[i], i, options, network); });
    network.report("setup (stores, enrolment, answers, evidence added)", before, false);
    if (failures.count() > 0) {
        return;
    }

    before = network.snapshot();
    sync_all(sites, network, options, failures);
    network.report("first push", before);

    for (std::size_t round = 1; round <= options.rounds; ++round) {
        for (auto& site : sites) {
            change_answer(site, round_item(site.store->pack()), round);
        }
        before = network.snapshot();
        sync_all(sites, network, options, failures);
        network.report("round " + std::to_string(round), before);
    }
}

void run_wire_per_change(Site& site, Network& network) {
    const auto& items = site.store->pack().items;
    for (const auto& item : items) {
        change_answer(site, item, 1001);
    }
    auto before = network.snapshot();
    sync_site(site, network, true);
    auto wire = network.snapshot().wire - before.wire;
    figure("wire bytes per changed answer in a batch (" + std::to_string(items.size()) +
               " answers, one sync)",
           static_cast<double>(wire.total()) / static_cast<double>(items.size()), "bytes");

    change_answer(site, round_item(site.store->pack()), 1002);
    before = network.snapshot();
    sync_site(site, network, true);
    wire = network.snapshot().wire - before.wire;
    figure("wire bytes for a single changed answer (one sync)", static_cast<double>(wire.total()),
           "bytes", 0);
    figure("wire bytes for a single changed answer, client to server", static_cast<double>(wire.up),
           "bytes", 0);
    figure("wire bytes for a single changed answer, server to client",
           static_cast<double>(wire.down), "bytes", 0);
}

void run_incremental(Site& site, Network& network, const Options& options) {
    std::vector<double> times;
    for (std::size_t run = 0; run < options.incremental_runs; ++run) {
        change_answer(site, round_item(site.store->pack()), 2000 + run);
        const auto start = Clock::now();
        sync_site(site, network, false);
        times.push_back(ms_since(start));
    }
    std::sort(times.begin(), times.end());
    const auto label = "incremental sync after one changed answer";
    figure(std::string(label) + " (median of " + std::to_string(times.size()) + ")",
           times[times.size() / 2], "ms", 2);
    figure(std::string(label) + " (slowest)", times.back(), "ms", 2);
}

// A branch device for each of the headquarters' first `count` sites, invited
// by the headquarters device as `dspt invite --site` does.
std::vector<Device> enrol_branches(const Device& hq, const std::string& organisation,
                                   const Options& options, Network& network, Failures& failures) {
    const auto transport = network.transport(false);
    const auto hq_signing = hq.signing();
    ApiClient hq_api(*transport, hq.id, hq_signing);
    auto sites = hq_api.organisation(organisation).sites;
    if (sites.size() < options.throughput_sites) {
        fail(ErrorCode::not_found, organisation + " has " + std::to_string(sites.size()) +
                                       " sites, not " + std::to_string(options.throughput_sites));
    }
    sites.resize(options.throughput_sites);
    const auto organisation_key = crypto::SecretKey::generate();
    std::vector<std::optional<Device>> devices(sites.size());
    parallel_for(sites.size(), options.throughput_connections, failures, [&](std::size_t i) {
        const auto own = network.transport(false);
        ApiClient api(*own, hq.id, hq_signing);
        const auto code = protocol::EnrolmentCode::generate();
        protocol::InviteRequest invite;
        invite.token_id = code.token_id();
        invite.role = protocol::Role::branch;
        invite.site_ods = sites[i].ods;
        invite.verifier = protocol::verifier(protocol::auth_key(code.secret()));
        invite.organisation_key_envelope = protocol::seal_organisation_key(
            code, protocol::CodePurpose::enrolment, organisation_key);
        invite.expires_at_ms = static_cast<std::int64_t>(HybridClock::system_millis()) + 3'600'000;
        api.invite(invite);
        devices[i] = enrol_bare(*own, code, "Bench branch " + sites[i].ods);
    });
    std::vector<Device> enrolled;
    for (auto& device : devices) {
        if (device) {
            enrolled.push_back(std::move(*device));
        }
    }
    return enrolled;
}

void run_throughput(const Options& options, Network& network, Failures& failures) {
    const auto transport = network.transport(false);
    const auto hq = enrol_bare(*transport, protocol::EnrolmentCode::parse(options.hq_code),
                               "Bench headquarters");
    const auto setup_start = Clock::now();
    const auto devices = enrol_branches(hq, std::string(kHeadquarters), options, network, failures);
    figure("throughput setup (" + std::to_string(devices.size()) +
               " branch devices invited and enrolled)",
           ms_since(setup_start), "ms");

    const auto& pack = standards::bundled_pack(kYear);
    const std::vector<standards::Item> items(
        pack.items.begin(),
        pack.items.begin() + static_cast<std::ptrdiff_t>(options.throughput_answers));
    // The requests and each device's key pair are made before the clock starts: the
    // figure is the server's, and the clients share its two cores here. So is each
    // device's request session (sync): opened by an exchange with nothing to push,
    // and kept in memory as a site's store keeps it between syncs.
    const bool exchange = options.throughput_protocol == "sync";
    std::vector<protocol::PushRequest> requests;
    std::vector<crypto::SigningKeyPair> keys;
    std::vector<client::SessionKeep> sessions(devices.size());
    requests.reserve(devices.size());
    keys.reserve(devices.size());
    for (const auto& device : devices) {
        requests.push_back(bench::answers_of(device, items, kYear, kAuthor));
        keys.push_back(device.signing());
    }
    if (exchange) {
        const auto sessions_start = Clock::now();
        parallel_for(devices.size(), options.throughput_connections, failures, [&](std::size_t i) {
            const auto own = network.transport(false);
            ApiClient api(*own, devices[i].id, keys[i], &HybridClock::system_millis, &sessions[i]);
            api.exchange(protocol::SyncRequest{});
        });
        figure("throughput sessions opened (" + std::to_string(devices.size()) +
                   " signed exchanges with nothing to push)",
               ms_since(sessions_start), "ms");
    }

    std::mutex versions_mutex;
    std::set<std::int64_t> versions;
    std::atomic<std::size_t> accepted{0};
    const auto signed_before = network.signed_requests();
    const auto start = Clock::now();
    parallel_for(devices.size(), options.throughput_connections, failures, [&](std::size_t i) {
        const auto own = network.transport(false);
        // An older client keeps no session: without a keep, its one request is signed.
        ApiClient api(*own, devices[i].id, keys[i], &HybridClock::system_millis,
                      exchange ? &sessions[i] : nullptr);
        protocol::PushResponse response;
        if (exchange) {
            protocol::SyncRequest request;
            request.entries = std::move(requests[i].entries);  // each request is sent once
            response = api.exchange(request).push;
        } else {
            response = api.push(requests[i]);
        }
        std::size_t ok = 0;
        for (const auto& result : response.results) {
            ok += result.outcome == protocol::PushOutcome::accepted ? 1 : 0;
        }
        accepted += ok;
        const std::lock_guard lock(versions_mutex);
        for (const auto& result : response.results) {
            versions.insert(result.version);
        }
    });
    const double seconds = ms_since(start) / 1000.0;
    const auto signed_during = network.signed_requests() - signed_before;
    const auto label =
        std::to_string(devices.size()) + " sites x " + std::to_string(items.size()) + " answers, " +
        (exchange ? "POST /v1/sync in a request session" : "signed POST /v1/sync/push") + ", " +
        std::to_string(options.throughput_connections) + " at a time";
    figure("server changes applied per second (" + label + ")",
           static_cast<double>(accepted.load()) / seconds, "changes/s", 0);
    figure("server pushes per second (" + label + ")",
           static_cast<double>(devices.size()) / seconds, "requests/s", 0);
    figure("server requests authenticated by signature (" + label + ")",
           static_cast<double>(signed_during), "requests", 0);
    const auto expected = devices.size() * items.size();
    if (exchange && signed_during != 0) {
        failures.record("throughput: " + std::to_string(signed_during) +
                        " requests were signed, not sent in the sessions opened before");
    }
    if (accepted != expected || versions.size() != expected) {
        failures.record("throughput: " + std::to_string(accepted.load()) + " accepted and " +
                        std::to_string(versions.size()) + " distinct versions of " +
                        std::to_string(expected) + " changes");
    }
}

void run_upload(Site& site, Network& network, const Options& options) {
    const auto file = options.work / "upload.bin";
    write_random_file(file, options.upload_bytes);
    const auto& item = site.store->pack().items.front();
    site.store->evidence().add(item.id, file);
    fs::remove(file);
    const auto start = Clock::now();
    const auto report = sync_site(site, network, false, options.upload_lanes);
    const double seconds = ms_since(start) / 1000.0;
    if (report.files_uploaded != 1) {
        fail(ErrorCode::internal,
             "the upload sync uploaded " + std::to_string(report.files_uploaded) + " files, not 1");
    }
    figure("evidence upload of a " + std::to_string(options.upload_bytes) +
               "-byte file (one sync, loopback, " + std::to_string(options.upload_lanes) +
               (options.upload_lanes == 1 ? " lane)" : " lanes)"),
           static_cast<double>(report.bytes_uploaded) / 1e6 / seconds, "MB/s");
}

// Runs one phase; a failure is recorded and the next phase runs.
void phase(Failures& failures, const std::string& name, const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        failures.record(name + ": " + e.what());
    }
}

int run(const Options& options) {
    auto sites = read_codes(options);
    Network network(options.port);
    Failures failures;
    std::cout << "# dspt sync benchmark: " << options.sites << " sites, " << options.rounds
              << " rounds, " << options.files << " evidence files of " << options.file_bytes
              << " bytes per site, concurrency " << options.concurrency << "; "
              << std::thread::hardware_concurrency() << " CPUs, server and clients on loopback\n"
              << "# wire bytes: counted by a TCP relay in the bench between the clients and "
                 "the server (HTTP headers and bodies as sent, compressed, both ways)\n"
              << "# HTTP requests: counted by a Transport decorator; the client keeps one "
                 "connection per sync\n";
    std::cout.flush();
    phase(failures, "workload", [&] { run_workload(sites, network, options, failures); });
    if (sites.front().store) {
        phase(failures, "wire bytes", [&] { run_wire_per_change(sites.front(), network); });
        phase(failures, "incremental sync",
              [&] { run_incremental(sites.front(), network, options); });
    }
    phase(failures, "throughput", [&] { run_throughput(options, network, failures); });
    if (sites.front().store) {
        phase(failures, "evidence upload", [&] { run_upload(sites.front(), network, options); });
    }
    return failures.finish();
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    try {
        if (options.mode == "registry") {
            print_registry(options);
            return 0;
        }
        if (options.mode == "answers") {
            print_answers(options);
            return 0;
        }
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "dspt_sync_bench: " << e.what() << "\n";
        return 1;
    }
}
