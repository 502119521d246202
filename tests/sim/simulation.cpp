#include "tests/sim/simulation.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "client/actions/answer_change.hpp"
#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/enrolment.hpp"
#include "client/sync/recovery_upload.hpp"
#include "client/sync/retry.hpp"
#include "client/sync/sync_engine.hpp"
#include "client/sync/sync_run.hpp"
#include "client/sync/transport.hpp"
#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/standards/bundled.hpp"
#include "protocol/codec.hpp"
#include "protocol/enrolment_code.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/sync_messages.hpp"
#include "server/store/model.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/sim/seeded_random.hpp"
#include "tests/sim/sim_server.hpp"
#include "tests/sim/write_model.hpp"
#include "tests/support/temp_dir.hpp"

namespace dspt::sim {

namespace {

namespace fs = std::filesystem;

// 2025-08-01T00:00:00Z: 2024-25, the stores' year, is then the version open for
// publishing (2025-26 opens on 18 September 2025).
constexpr std::int64_t kStartMs = 1'754'006'400'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kDeadlineMs = 30'000;  // the transport's default per request
constexpr std::string_view kPassphrase = "simulated passphrase";
constexpr std::string_view kOrganisation = "AB12";
constexpr std::string_view kSiteOne = "VA1B2";  // two branch devices
constexpr std::string_view kSiteTwo = "VA1B3";  // a third, when the seed has one
constexpr std::size_t kMaxHealRounds = 12;
// The stores start in the first year; one device may begin the next (`dspt
// year start`). Both are bundled, so the server holds the standards of each.
constexpr std::string_view kFirstYear = "2024-25";
constexpr std::string_view kNextYear = "2025-26";
constexpr int kYearStartTries = 3;              // a refused year start is tried again, this often
constexpr std::size_t kPublishSyncs = 3;        // `dspt publish` syncs first, retrying this often
constexpr std::string_view kFiller = "filler";  // who answers the items nobody else writes
constexpr double kPublishFaultRate = 0.3;       // the least chance of a fault on a publish request

// The faults the transport and the scheduler inject.
enum class Fault {
    none,
    request_lost,      // the server never sees the request
    response_lost,     // the server committed; the answer never arrives
    stall_before,      // no answer until the deadline; the server never saw it
    stall_after,       // no answer until the deadline; the server committed
    duplicated,        // the request reaches the server twice
    crash_before,      // the device's process ends before the request leaves
    crash_after,       // the device's process ends after the server committed
    delayed,           // another device's whole sync overtakes this exchange
    write_during,      // someone edits on the syncing device while it waits
    server_restart,    // the server stops and starts before the request arrives
    corrupt_download,  // a chunk's bytes change on the way to the device
    corrupt_upload,    // a chunk's bytes change on the way to the server
};

constexpr Fault kRequestFaults[] = {
    Fault::request_lost, Fault::response_lost,  Fault::stall_before,     Fault::stall_after,
    Fault::duplicated,   Fault::crash_before,   Fault::crash_after,      Fault::delayed,
    Fault::write_during, Fault::server_restart, Fault::corrupt_download, Fault::corrupt_upload,
};

const char* fault_name(Fault fault) {
    switch (fault) {
        case Fault::none:
            return "none";
        case Fault::request_lost:
            return "request lost";
        case Fault::response_lost:
            return "response lost";
        case Fault::stall_before:
            return "stall (not delivered)";
        case Fault::stall_after:
            return "stall (delivered)";
        case Fault::duplicated:
            return "request delivered twice";
        case Fault::crash_before:
            return "client crash before request";
        case Fault::crash_after:
            return "client crash after server commit";
        case Fault::delayed:
            return "exchange overtaken by another device's sync";
        case Fault::write_during:
            return "edit during sync";
        case Fault::server_restart:
            return "server restart mid-sync";
        case Fault::corrupt_download:
            return "chunk corrupted to the device";
        case Fault::corrupt_upload:
            return "chunk corrupted to the server";
    }
    return "?";
}

// Everything random in a run comes from here, seeded once.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
    }
    bool chance(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }

  private:
    std::mt19937_64 engine_;
};

// A device's process ends: not a dspt::Error, so nothing in the client catches it.
struct DeviceCrash {};

// The first invariant broken ends the run.
struct InvariantBroken {
    std::string invariant;
    std::string detail;
};

// A register the workload writes: its standards year, its scope on the server
// ("" organisation-wide, or a site) and its key as the store keeps it
// ("answer/1.1.1", "plan/1.1.1"). A store holds one year: a device reads a
// register only while its store is in the register's year.
struct RegisterRef {
    std::string year;
    std::string scope;
    std::string key;
    std::string item;
    bool answer = true;
};

struct EvidenceRecord {
    std::string id;
    std::string year;
    std::string scope;  // on the server
    std::string bytes;
    std::size_t device = 0;
    std::optional<std::size_t> removed_by;  // the first device that removed it
};

// The level and sites a publish asks for, and its store's year: what the
// store's kept request id answers for.
struct PublishIntent {
    std::string year;
    standards::Level level = standards::Level::met;
    std::vector<std::string> sites;  // empty: a branch's own site

    bool operator==(const PublishIntent&) const = default;
};

// One `dspt publish` run, from the moment its request left the device.
struct PublishAttempt {
    std::size_t device = 0;
    PublishIntent intent;
    std::set<std::string> request_ids;  // sent (normally one, however often retried)
    bool told_published = false;        // a "published" answer reached the device
    // Runs of one device that ask again for what an earlier run asked, that
    // earlier run having heard of no publication, share a chain: a person
    // retrying one publication. A chain publishes at most once.
    std::size_t chain = 0;
};

class Simulation;

// client::Transport into the simulation: every request goes through its faults.
class SimTransport final : public client::Transport {
  public:
    SimTransport(Simulation& sim, std::size_t device) : sim_(sim), device_(device) {}
    client::HttpResponse send(client::HttpRequest request) override;

  private:
    Simulation& sim_;
    std::size_t device_;
};

enum class SyncOutcome { done, failed, crashed };

struct Device {
    std::string name;
    std::string site;  // the scope it writes on the server: "" for headquarters
    fs::path file;     // its store
    std::int64_t skew_ms = 0;
    std::unique_ptr<client::LocalStore> store;
    std::optional<client::DeviceIdentity> identity;
    std::unique_ptr<SimTransport> transport;
    bool syncing = false;
};

std::string token_of(const RegisterRef& reg, const nlohmann::json& value) {
    const char* field = reg.answer ? "answered_by" : "owner";
    if (value.is_object() && value.contains(field) && value[field].is_string()) {
        return value[field].get<std::string>();
    }
    return "<" + value.dump() + ">";
}

// A conflict sibling's value: {replica_id, author, hlc, version, value}.
nlohmann::json value_of(const nlohmann::json& sibling) {
    return sibling.contains("value") ? sibling.at("value") : nlohmann::json();
}

std::string join(const std::set<std::string>& tokens) {
    std::string out = "{";
    for (const auto& token : tokens) {
        out += (out.size() > 1 ? ", " : "") + token;
    }
    return out + "}";
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

class Simulation {
  public:
    Simulation(std::uint64_t seed, const SimOptions& options)
        : options_(options),
          rng_(seed),
          server_(
              dir_.path() / "server", [this] { return now_; },
              std::chrono::milliseconds(8 * kDayMs)) {
        result_.seed = seed;
    }

    SimResult run() {
        try {
            setup();
            workload();
            heal();
            check();
        } catch (const InvariantBroken& broken) {
            result_.passed = false;
            result_.invariant = broken.invariant;
            result_.detail = broken.detail;
        } catch (const std::exception& e) {
            result_.passed = false;
            result_.invariant = "no unexpected error";
            result_.detail = e.what();
        }
        result_.devices = devices_.size();
        result_.writes = model_.size();
        result_.evidence_files = evidence_.size();
        return result_;
    }

    client::HttpResponse deliver(std::size_t d, client::HttpRequest request);

  private:
    // ---- the world ------------------------------------------------------------------
    void log(const std::string& line) {
        if (options_.verbose) {
            std::cerr << "[" << (now_ - kStartMs) << "ms] " << line << "\n";
        }
    }

    void advance(std::int64_t ms) { now_ += ms; }

    HybridClock::WallClock wall_of(std::size_t d) {
        return [this, d] { return static_cast<std::uint64_t>(now_ + devices_[d].skew_ms); };
    }

    std::unique_ptr<client::LocalStore> open_store(std::size_t d) {
        return client::LocalStore::open(devices_[d].file, kPassphrase, wall_of(d));
    }

    // Where device `d` keeps the server scope `scope`, if it may read it.
    std::optional<std::string> local_scope(std::size_t d, const std::string& scope) const {
        const auto& site = devices_[d].site;
        if (site.empty()) {
            return scope;  // headquarters: its own "" and each site under its code
        }
        if (scope == site) {
            return std::string();
        }
        if (scope.empty()) {
            return std::string(client::LocalStore::kOrganisationScope);
        }
        return std::nullopt;
    }

    // Where `store` (device `d`'s) keeps the server scope `scope` of `year`, if
    // it may read it: only while the store is in that year.
    std::optional<std::string> reads(client::LocalStore& store, std::size_t d,
                                     const std::string& year, const std::string& scope) const {
        if (store.info().year != year) {
            return std::nullopt;
        }
        return local_scope(d, scope);
    }

    // The scopes on the server device `d` writes: its site, or headquarters'
    // own and every site's.
    bool writes(std::size_t d, const std::string& scope) const {
        return devices_[d].site.empty() || devices_[d].site == scope;
    }

    void count(Fault fault) { ++result_.faults[fault_name(fault)]; }

    // ---- setup ----------------------------------------------------------------------
    void setup();
    void add_device(const std::string& name, const std::string& site);
    void enrol(std::size_t d, const std::string& code);
    std::string invite(std::size_t hq, const std::string& site);

    // ---- workload -------------------------------------------------------------------
    void workload();
    std::set<std::string> view(client::LocalStore& store, std::size_t d, std::size_t reg);
    void write(std::size_t d, client::LocalStore& store);
    void write_answer(std::size_t d, client::LocalStore& store, std::size_t reg);
    void write_plan(std::size_t d, client::LocalStore& store, std::size_t reg);
    void add_evidence(std::size_t d, client::LocalStore& store);
    bool remove_evidence(std::size_t d, client::LocalStore& store);
    void fill(std::size_t d, client::LocalStore& store, const std::string& scope, bool certificate);
    void fix(std::size_t d, const protocol::PublishResponse& answer);
    void publish(std::size_t d);
    std::optional<protocol::PublishResponse> publish_run(std::size_t d,
                                                         const PublishIntent& intent);
    void start_year(std::size_t d);
    SyncOutcome sync(std::size_t d, int depth);
    client::SyncReport sync_once(std::size_t d);
    void crash(std::size_t d);
    Fault draw_fault(const client::HttpRequest& request);
    void note_publish_request(std::size_t d, const std::string& body);
    void note_publish_answer(const std::string& request_body, const http::Response& response,
                             bool reached_device);

    // ---- the end --------------------------------------------------------------------
    void heal();
    void check();
    void check_registers();
    void check_applied();
    void check_evidence();
    void check_published();

    SimOptions options_;
    Rng rng_;
    std::int64_t now_ = kStartMs;
    test::TempDir dir_;
    SimServer server_;
    std::vector<Device> devices_;
    std::vector<std::string> sites_;  // the registered sites the devices write
    std::vector<RegisterRef> registers_;
    std::vector<std::string> document_items_;
    WriteModel model_;
    std::vector<EvidenceRecord> evidence_;
    std::set<std::pair<std::string, std::int64_t>> delivered_;  // pushed (replica, seq)
    std::size_t next_token_ = 1;
    bool faults_on_ = false;
    int depth_ = 0;  // syncs nested inside another device's exchange
    // The seed's fault profile.
    double fault_rate_ = 0;
    std::set<Fault> enabled_;
    double restart_rate_ = 0;
    // Publishing: whether the seed fills in assessments and publishes; every
    // run of `dspt publish` from the moment its request left; the latest such
    // run of each device; which run sent each request id; and the
    // publications the server answered each request id with.
    bool publishing_ = false;
    std::vector<PublishAttempt> publish_attempts_;
    std::optional<std::size_t> publishing_now_;
    std::map<std::size_t, std::size_t> last_publish_;
    std::map<std::string, std::size_t> request_attempt_;
    std::map<std::string, std::set<std::int64_t>> answered_;
    std::size_t chains_ = 0;
    // The next year: which device begins it, from which step, tries so far.
    std::optional<std::size_t> year_start_device_;
    std::int64_t year_start_step_ = 0;
    int year_start_tries_ = 0;
    SimResult result_;
};

client::HttpResponse SimTransport::send(client::HttpRequest request) {
    return sim_.deliver(device_, std::move(request));
}

// ---- setup ------------------------------------------------------------------------

void Simulation::setup() {
    // The registry, as `dspt-server admin create-org / add-site` make it.
    auto& repo = *server_.context().repository;
    server::store::Organisation organisation;
    organisation.ods = std::string(kOrganisation);
    organisation.name = "Rose Care Group";
    organisation.is_headquarters = true;
    organisation.created_at_ms = now_;
    repo.create_organisation(organisation);
    repo.add_site({std::string(kSiteOne), std::string(kOrganisation), "1-123456789", "Rose Lodge"});
    repo.add_site({std::string(kSiteTwo), std::string(kOrganisation), "1-987654321", "Rose Court"});

    const bool third_branch = rng_.chance(0.5);
    const bool skewed = rng_.chance(0.5);
    add_device("hq", "");
    add_device("b1", std::string(kSiteOne));
    add_device("b2", std::string(kSiteOne));
    if (third_branch) {
        add_device("b3", std::string(kSiteTwo));
    }
    for (auto& device : devices_) {
        device.skew_ms = skewed ? rng_.between(-3 * kDayMs, 3 * kDayMs) : rng_.between(-2000, 2000);
    }

    // The headquarters device enrols with an administrator's code and creates
    // the organisation key; it invites the branch devices, as `dspt invite`.
    const auto admin = server_.context().enrolment.create_admin_code(std::string(kOrganisation), "",
                                                                     "", std::chrono::hours(24));
    enrol(0, admin.code);
    for (std::size_t d = 1; d < devices_.size(); ++d) {
        enrol(d, invite(0, devices_[d].site));
    }

    // The registers the workload writes: a few items, so that writes overlap,
    // in each year (every item of the first year is in the next).
    const auto& pack = devices_[0].store->pack();
    const auto& next_pack = standards::bundled_pack(kNextYear);
    std::vector<std::string> text_items;
    for (const auto& item : pack.items) {
        if (next_pack.find(item.id) == nullptr) {
            continue;
        }
        if (item.type == standards::AnswerType::text && text_items.size() < 3) {
            text_items.push_back(item.id);
        }
        if (item.type == standards::AnswerType::document && document_items_.size() < 2) {
            document_items_.push_back(item.id);
        }
    }
    sites_.emplace_back(kSiteOne);
    if (third_branch) {
        sites_.emplace_back(kSiteTwo);
    }
    std::vector<std::string> scopes{""};
    scopes.insert(scopes.end(), sites_.begin(), sites_.end());
    for (const auto year : {kFirstYear, kNextYear}) {
        for (const auto& scope : scopes) {
            for (const auto& item : text_items) {
                registers_.push_back({std::string(year), scope, "answer/" + item, item, true});
            }
            registers_.push_back(
                {std::string(year), scope, "plan/" + text_items[0], text_items[0], false});
        }
    }

    // The seed's weather.
    if (!rng_.chance(0.15)) {
        fault_rate_ = 0.02 + static_cast<double>(rng_.below(1000)) / 1000.0 * 0.18;
        for (const auto fault : kRequestFaults) {
            if (rng_.chance(0.7)) {
                enabled_.insert(fault);
            }
        }
        restart_rate_ = rng_.chance(0.5) ? 0.05 : 0.0;
    }
    // What the people do besides editing: fill in and publish, begin the next year.
    publishing_ = rng_.chance(0.6);
    if (rng_.chance(0.3)) {
        year_start_device_ = static_cast<std::size_t>(rng_.below(devices_.size()));
    }
    log("devices " + std::to_string(devices_.size()) + ", fault rate " +
        std::to_string(fault_rate_) + (skewed ? ", clocks days apart" : "") +
        (publishing_ ? ", publishing" : "") +
        (year_start_device_
             ? ", " + devices_[*year_start_device_].name + " begins " + std::string(kNextYear)
             : ""));
}

void Simulation::add_device(const std::string& name, const std::string& site) {
    Device device;
    device.name = name;
    device.site = site;
    device.file = client::LocalStore::file_in(dir_.path() / name);
    client::CreateOptions create;
    create.site_name = name;
    create.pack = standards::bundled_pack(kFirstYear);
    create.kdf_strength = crypto::KdfStrength::minimal;
    client::LocalStore::create(device.file, kPassphrase, create);
    devices_.push_back(std::move(device));
    const auto d = devices_.size() - 1;
    devices_[d].transport = std::make_unique<SimTransport>(*this, d);
    devices_[d].store = open_store(d);
}

void Simulation::enrol(std::size_t d, const std::string& code) {
    auto& device = devices_[d];
    const auto enrolment =
        client::enrol_device(*device.store, *device.transport, protocol::EnrolmentCode::parse(code),
                             {"http://sim.invalid", "", device.name});
    device.identity = client::load_identity(*device.store);
    if (enrolment.recovery_code) {
        client::ApiClient api(*device.transport, device.identity->device_id,
                              device.identity->signing, wall_of(d));
        std::ostringstream notices;
        if (!client::send_pending_recovery(*device.store, api, notices)) {
            throw InvariantBroken{"setup", "the recovery copy was not sent: " + notices.str()};
        }
    }
}

std::string Simulation::invite(std::size_t hq, const std::string& site) {
    auto& device = devices_[hq];
    const auto organisation_key = client::load_organisation_key(*device.store);
    if (!organisation_key) {
        throw InvariantBroken{"setup", "headquarters holds no organisation key"};
    }
    const auto code = protocol::EnrolmentCode::generate();
    protocol::InviteRequest request;
    request.role = protocol::Role::branch;
    request.site_ods = site;
    request.token_id = code.token_id();
    request.verifier = protocol::verifier(protocol::auth_key(code.secret()));
    request.organisation_key_envelope =
        protocol::seal_organisation_key(code, protocol::CodePurpose::enrolment, *organisation_key);
    request.expires_at_ms = 0;  // the server's default lifetime, whatever this device's clock says
    client::ApiClient api(*device.transport, device.identity->device_id, device.identity->signing,
                          wall_of(hq));
    api.invite(request);
    return code.to_string();
}

// ---- the transport ----------------------------------------------------------------

Fault Simulation::draw_fault(const client::HttpRequest& request) {
    // A publish is one exchange where a sync is dozens: it draws its faults
    // more often, so that the ones that matter to it (an answer lost after the
    // server published, a crash, a duplicate) happen on enough seeds.
    const bool publish = request.target == "/v1/publish";
    if (enabled_.empty() ||
        !rng_.chance(publish ? std::max(fault_rate_, kPublishFaultRate) : fault_rate_)) {
        return Fault::none;
    }
    std::vector<Fault> choices(enabled_.begin(), enabled_.end());
    const auto fault = choices[rng_.below(choices.size())];
    const bool chunk =
        request.target.starts_with("/v1/blobs/") &&
        request.target.find('/', std::string_view("/v1/blobs/").size()) != std::string::npos;
    if ((fault == Fault::corrupt_download && !(chunk && request.method == "GET")) ||
        (fault == Fault::corrupt_upload && !(chunk && request.method == "PUT"))) {
        return Fault::none;
    }
    if ((fault == Fault::delayed || fault == Fault::write_during) && depth_ > 0) {
        return Fault::none;  // one level of nesting is enough
    }
    return fault;
}

void Simulation::note_publish_request(std::size_t d, const std::string& body) {
    if (!publishing_now_) {
        throw InvariantBroken{"published once",
                              devices_[d].name + " sent a publish request outside `dspt publish`"};
    }
    const auto request = protocol::decode<protocol::PublishRequest>(body);
    auto& attempt = publish_attempts_[*publishing_now_];
    if (attempt.request_ids.empty()) {
        // The run's first request: a retry of the device's previous run when
        // that asked for the same and heard of no publication.
        const auto last = last_publish_.find(d);
        if (last != last_publish_.end() && !publish_attempts_[last->second].told_published &&
            publish_attempts_[last->second].intent == attempt.intent) {
            attempt.chain = publish_attempts_[last->second].chain;
        } else {
            attempt.chain = chains_++;
        }
        last_publish_[d] = *publishing_now_;
    }
    attempt.request_ids.insert(request.request_id);
    request_attempt_.emplace(request.request_id, *publishing_now_);
}

void Simulation::note_publish_answer(const std::string& request_body,
                                     const http::Response& response, bool reached_device) {
    if (response.status != 200 && response.status != 201) {
        return;
    }
    const auto answer = protocol::decode<protocol::PublishResponse>(response.body);
    if (!answer.published) {
        return;
    }
    const auto request = protocol::decode<protocol::PublishRequest>(request_body);
    answered_[request.request_id].insert(answer.publication.id);
    if (reached_device && publishing_now_) {
        publish_attempts_[*publishing_now_].told_published = true;
    }
}

client::HttpResponse Simulation::deliver(std::size_t d, client::HttpRequest request) {
    ++result_.requests;
    advance(rng_.between(1, 400));
    const bool publish_request = request.method == "POST" && request.target == "/v1/publish";
    const auto publish_body = publish_request ? request.body : std::string();
    if (publish_request) {
        note_publish_request(d, publish_body);
    }
    const auto fault = faults_on_ && devices_[d].syncing ? draw_fault(request) : Fault::none;
    if (fault != Fault::none) {
        count(fault);
        log(devices_[d].name + " " + request.method + " " + request.target + ": " +
            fault_name(fault));
    }
    switch (fault) {
        case Fault::request_lost:
            fail(ErrorCode::network, "simulated: the connection was reset");
        case Fault::stall_before:
            advance(kDeadlineMs);
            fail(ErrorCode::timeout, "simulated: no answer within the deadline");
        case Fault::crash_before:
            throw DeviceCrash{};
        case Fault::server_restart:
            server_.restart();
            break;
        case Fault::delayed: {
            std::vector<std::size_t> others;
            for (std::size_t o = 0; o < devices_.size(); ++o) {
                if (!devices_[o].syncing) {
                    others.push_back(o);
                }
            }
            if (!others.empty()) {
                sync(others[rng_.below(others.size())], depth_ + 1);
            }
            break;
        }
        case Fault::write_during: {
            // `dspt answer` in another process while this sync waits.
            auto second = open_store(d);
            write(d, *second);
            break;
        }
        case Fault::corrupt_upload:
            if (!request.body.empty()) {
                request.body[rng_.below(request.body.size())] ^= 0x20;
            }
            break;
        default:
            break;
    }

    http::Request http;
    http.method = request.method;
    http.target = request.target;
    const auto question = request.target.find('?');
    http.path = request.target.substr(0, question);
    http.query = question == std::string::npos ? "" : request.target.substr(question + 1);
    for (const auto& [name, value] : request.headers) {
        http.headers[name] = value;
    }
    http.headers["Content-Type"] = request.content_type;
    http.body = std::move(request.body);
    http.remote_address = "sim:" + devices_[d].name;

    auto handle = [&] {
        auto response = server_.handle(http);
        if (http.path == "/v1/sync/push" && response.status == 200) {
            for (const auto& entry : protocol::decode<protocol::PushRequest>(http.body).entries) {
                delivered_.emplace(entry.replica_id, entry.seq);
            }
        }
        if (http.path == "/v1/sync" && response.status == 200) {
            for (const auto& entry : protocol::decode<protocol::SyncRequest>(http.body).entries) {
                delivered_.emplace(entry.replica_id, entry.seq);
            }
        }
        if (publish_request) {
            note_publish_answer(publish_body, response, false);
        }
        return response;
    };
    auto response = handle();
    switch (fault) {
        case Fault::duplicated: {
            auto second = handle();
            if (rng_.chance(0.5)) {
                response = std::move(second);
            }
            break;
        }
        case Fault::response_lost:
            fail(ErrorCode::network, "simulated: the connection closed before the answer");
        case Fault::stall_after:
            advance(kDeadlineMs);
            fail(ErrorCode::timeout, "simulated: no answer within the deadline");
        case Fault::crash_after:
            throw DeviceCrash{};
        case Fault::corrupt_download:
            if (response.status == 200 && !response.body.empty()) {
                response.body[rng_.below(response.body.size())] ^= 0x01;
            }
            break;
        default:
            break;
    }
    if (publish_request) {
        note_publish_answer(publish_body, response, true);
    }
    return {response.status, response.content_type, std::move(response.body)};
}

// ---- the workload -----------------------------------------------------------------

std::set<std::string> Simulation::view(client::LocalStore& store, std::size_t d, std::size_t reg) {
    const auto& ref = registers_[reg];
    std::set<std::string> tokens;
    const auto scope = reads(store, d, ref.year, ref.scope);
    if (!scope) {
        return tokens;
    }
    const auto previous = store.scope();
    store.use_scope(*scope);
    // The conflict's siblings, and the value the store holds beside them (a
    // change of this device's own, made since).
    if (const auto conflict = client::find_conflict(store, ref.key)) {
        for (const auto& sibling : conflict->siblings) {
            tokens.insert(token_of(ref, value_of(sibling)));
        }
    }
    if (ref.answer) {
        // An answer carried over from the previous year is not part of this
        // year until it is reviewed: it never left the device, and the
        // register's versions on this device start empty beside it.
        if (const auto answer = store.answer(ref.item);
            answer && !store.items_to_review(*scope).contains(ref.item)) {
            tokens.insert(answer->answered_by);
        }
    } else {
        const auto plan = store.plan();
        if (const auto it = plan.find(ref.item); it != plan.end()) {
            tokens.insert(it->second.owner);
        }
    }
    store.use_scope(previous);
    return tokens;
}

void Simulation::write(std::size_t d, client::LocalStore& store) {
    const auto roll = rng_.below(100);
    if (roll < 12) {
        add_evidence(d, store);
        return;
    }
    if (roll < 17 && remove_evidence(d, store)) {
        return;
    }
    std::vector<std::size_t> writable;
    for (std::size_t r = 0; r < registers_.size(); ++r) {
        if (registers_[r].year == store.info().year && writes(d, registers_[r].scope)) {
            writable.push_back(r);
        }
    }
    const auto reg = writable[rng_.below(writable.size())];
    if (registers_[reg].answer) {
        write_answer(d, store, reg);
    } else {
        write_plan(d, store, reg);
    }
}

void Simulation::write_answer(std::size_t d, client::LocalStore& store, std::size_t reg) {
    const auto& ref = registers_[reg];
    const auto n = std::to_string(next_token_++);
    const auto token = devices_[d].name + "-w" + n;
    const auto seen = view(store, d, reg);
    store.use_scope(*local_scope(d, ref.scope));
    std::string what;
    if (const auto conflict = client::find_conflict(store, ref.key)) {
        // `dspt answer` is refused here; the person resolves instead.
        bool resolved = false;
        if (rng_.chance(0.5) && !conflict->siblings.empty()) {
            const auto& sibling = conflict->siblings[rng_.below(conflict->siblings.size())];
            try {
                client::resolve_conflict(store, ref.item, sibling.value("replica_id", ""),
                                         std::nullopt, token);
                resolved = true;
                what = "resolve keeping " + token_of(ref, value_of(sibling));
            } catch (const Error& e) {
                if (e.code() != ErrorCode::invalid_argument && e.code() != ErrorCode::not_found) {
                    throw;
                }
            }
        }
        if (!resolved) {
            client::resolve_conflict(store, ref.item, "", "r" + n, token);
            what = "resolve with a new value";
        }
    } else {
        client::AnswerChange change;
        change.item = ref.item;
        if (store.answer(ref.item) && rng_.chance(0.3)) {
            change.comment = "c" + n;
            what = "comment";
        } else {
            change.value = "v" + n;
            if (rng_.chance(0.5)) {
                change.comment = "c" + n;
            }
            what = "answer";
        }
        client::apply_answer_change(store, change, token);
    }
    store.use_scope("");
    model_.record(reg, token, d, seen);
    log(devices_[d].name + " " + what + " " + ref.year + "/" + ref.scope + ":" + ref.key + " = " +
        token + " having seen " + join(seen));
}

void Simulation::write_plan(std::size_t d, client::LocalStore& store, std::size_t reg) {
    const auto& ref = registers_[reg];
    const auto n = std::to_string(next_token_++);
    const auto token = devices_[d].name + "-w" + n;
    const auto seen = view(store, d, reg);
    store.use_scope(*local_scope(d, ref.scope));
    store.set_plan_entry({ref.item, "action " + n, token, *Date::parse("2026-09-30")});
    store.use_scope("");
    model_.record(reg, token, d, seen);
    log(devices_[d].name + " plan " + ref.year + "/" + ref.scope + ":" + ref.key + " = " + token +
        " having seen " + join(seen));
}

void Simulation::add_evidence(std::size_t d, client::LocalStore& store) {
    std::string scope = devices_[d].site;
    if (scope.empty() && rng_.chance(0.5)) {
        scope = sites_[rng_.below(sites_.size())];  // headquarters adds a file for a site
    }
    // Mostly small files; now and then one of two chunks.
    const auto size = rng_.chance(0.05) ? client::EvidenceStore::kChunkBytes + rng_.below(4096)
                                        : 1 + rng_.below(4096);
    std::string bytes(size, '\0');
    for (auto& byte : bytes) {
        byte = static_cast<char>(rng_.below(256));
    }
    const auto path = dir_.path() / ("upload-" + std::to_string(evidence_.size()) + ".bin");
    {
        std::ofstream out(path, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    store.use_scope(*local_scope(d, scope));
    const auto file =
        store.evidence().add(document_items_[rng_.below(document_items_.size())], path);
    store.use_scope("");
    fs::remove(path);
    evidence_.push_back({file.id, store.info().year, scope, std::move(bytes), d, std::nullopt});
    log(devices_[d].name + " evidence " + store.info().year + "/" + scope + ":" + file.id + " (" +
        std::to_string(size) + " bytes)");
}

// `dspt evidence remove`: a file of an assessment the device writes, which
// the device lists (its own, or one it has pulled). Returns false when there
// is none.
bool Simulation::remove_evidence(std::size_t d, client::LocalStore& store) {
    std::vector<std::size_t> listed;
    for (std::size_t f = 0; f < evidence_.size(); ++f) {
        const auto& file = evidence_[f];
        if (!writes(d, file.scope)) {
            continue;
        }
        const auto scope = reads(store, d, file.year, file.scope);
        if (!scope) {
            continue;
        }
        try {
            if (store.evidence().find(file.id).scope == *scope) {
                listed.push_back(f);
            }
        } catch (const Error& e) {
            if (e.code() != ErrorCode::not_found) {
                throw;
            }
        }
    }
    if (listed.empty()) {
        return false;
    }
    auto& file = evidence_[listed[rng_.below(listed.size())]];
    store.use_scope(*reads(store, d, file.year, file.scope));
    store.evidence().remove(file.id);
    store.use_scope("");
    if (!file.removed_by) {
        file.removed_by = d;
    }
    ++result_.evidence_removed;
    log(devices_[d].name + " removes evidence " + file.year + "/" + file.scope + ":" + file.id);
    return true;
}

// Answers every item a publication needs in the assessment of server scope
// `scope` (one the device writes), as a person completing it would: the
// items the workload tracks through write_answer (so the model knows of them;
// a conflict among them is resolved), the others with a fixed value every
// device writes alike, so that two devices filling the same assessment agree
// instead of conflicting. Headquarters may record a Cyber Essentials Plus
// certificate, which Standards Exceeded needs.
void Simulation::fill(std::size_t d, client::LocalStore& store, const std::string& scope,
                      bool certificate) {
    const auto year = store.info().year;
    const auto local = *local_scope(d, scope);
    ++result_.fills;
    log(devices_[d].name + " fills in " + year + "/" + scope);
    for (const auto& item : store.pack().items) {
        if (!item.mandatory_approaching && !item.mandatory_met) {
            continue;
        }
        store.use_scope(local);
        const bool to_review = store.items_to_review(local).contains(item.id);
        const bool answered = store.answer(item.id).has_value() && !to_review;
        std::optional<std::size_t> tracked;
        for (std::size_t r = 0; r < registers_.size(); ++r) {
            const auto& ref = registers_[r];
            if (ref.answer && ref.year == year && ref.scope == scope && ref.item == item.id) {
                tracked = r;
            }
        }
        if (tracked) {
            if (!answered || client::find_conflict(store, "answer/" + item.id)) {
                store.use_scope("");
                write_answer(d, store, *tracked);
            }
            continue;
        }
        if (answered) {
            continue;
        }
        client::AnswerChange change;
        change.item = item.id;
        switch (item.type) {
            case standards::AnswerType::confirm:
                change.value = "yes";
                break;
            case standards::AnswerType::text:
                change.value = "filled in";
                break;
            case standards::AnswerType::date:
                change.value = "2026-01-31";
                break;
            case standards::AnswerType::document:
                change.location = "the shared drive";
                break;
        }
        try {
            client::apply_answer_change(store, change, kFiller);
        } catch (const Error& e) {
            if (e.code() != ErrorCode::failed_precondition) {
                throw;  // a conflict is left for a person to resolve
            }
        }
    }
    store.use_scope("");
    if (certificate && devices_[d].site.empty()) {
        store.set_cyber_essentials_plus_expires(Date::parse("2027-03-31"));
        log(devices_[d].name + " records a Cyber Essentials Plus certificate");
    }
}

// A person told "not published" fills in what the problems name: a branch
// its own assessment; headquarters the organisation's, each site whose
// registers are in conflict, and the certificate when it is missing.
void Simulation::fix(std::size_t d, const protocol::PublishResponse& answer) {
    auto& store = *devices_[d].store;
    if (!devices_[d].site.empty()) {
        fill(d, store, devices_[d].site, false);
        return;
    }
    std::set<std::string> conflicted;
    bool certificate = false;
    for (const auto& problem : answer.problems) {
        if (!problem.site.empty() && problem.message.find("conflicting") != std::string::npos) {
            conflicted.insert(problem.site);
        }
        if (problem.message.find("Cyber Essentials Plus") != std::string::npos) {
            certificate = true;
        }
    }
    fill(d, store, "", certificate);
    for (const auto& site : conflicted) {
        fill(d, store, site, false);
    }
}

// `dspt publish`, by a person who runs it again when it fails, or, told what
// is missing, fills that in first.
void Simulation::publish(std::size_t d) {
    auto& device = devices_[d];
    PublishIntent intent;
    intent.year = device.store->info().year;
    const auto roll = rng_.below(10);
    intent.level = roll < 6   ? standards::Level::met
                   : roll < 9 ? standards::Level::approaching
                              : standards::Level::exceeded;
    if (device.site.empty()) {
        // Headquarters names the sites: one or both registered.
        const auto pick = rng_.below(3);
        if (pick != 1) {
            intent.sites.emplace_back(kSiteOne);
        }
        if (pick != 0) {
            intent.sites.emplace_back(kSiteTwo);
        }
    }
    std::string sites;
    for (const auto& site : intent.sites) {
        sites += (sites.empty() ? " for " : ", ") + site;
    }
    for (int run = 0; run < 3; ++run) {
        log(device.name + " publishes " + intent.year + " at " +
            std::string(standards::to_string(intent.level)) + sites);
        const auto answer = publish_run(d, intent);
        if (answer && answer->published) {
            return;
        }
        // Not told of a publication: the person runs it again, mostly after a
        // failure, sometimes after filling in what the server said was missing.
        if (!rng_.chance(answer ? 0.6 : 0.9)) {
            return;
        }
        if (answer) {
            fix(d, *answer);
            // Told the assessment already reaches Standards Met, the person
            // publishes at Standards Met instead.
            for (const auto& problem : answer->problems) {
                if (problem.message.find("already reaches Standards Met") != std::string::npos) {
                    intent.level = standards::Level::met;
                }
            }
        }
    }
}

// One run of `dspt publish`: a sync (tried again, as the command does), then
// the publish request, under the same faults as a sync. Returns the answer
// the device was given, if any.
std::optional<protocol::PublishResponse> Simulation::publish_run(std::size_t d,
                                                                 const PublishIntent& intent) {
    auto& device = devices_[d];
    ++result_.publishes;
    for (std::size_t attempt = 0; attempt < kPublishSyncs; ++attempt) {
        const auto outcome = sync(d, 0);
        if (outcome == SyncOutcome::crashed) {
            return std::nullopt;
        }
        if (outcome == SyncOutcome::done) {
            break;
        }
        advance(rng_.between(500, 30'000));
    }

    publish_attempts_.push_back({d, intent, {}, false, 0});
    publishing_now_ = publish_attempts_.size() - 1;
    device.syncing = true;
    client::ApiClient api(*device.transport, device.identity->device_id, device.identity->signing,
                          wall_of(d));
    // The pauses between tries pass on the simulated clock, drawn from the seed.
    const client::Sleeper pause = [this](std::chrono::milliseconds) {
        advance(rng_.between(1, 30'000));
    };
    std::optional<protocol::PublishResponse> told;
    try {
        const auto answer = client::publish_synced(*device.store, api, intent.level, intent.sites,
                                                   client::RetryPolicy{}, {}, pause);
        told = answer;
        if (answer.published) {
            log(device.name + " was told: published as publication " +
                std::to_string(answer.publication.id) +
                (answer.duplicate ? " (recorded before)" : ""));
        } else {
            ++result_.publishes_refused;
            std::string problems;
            for (std::size_t p = 0; p < answer.problems.size() && p < 3; ++p) {
                const auto& problem = answer.problems[p];
                problems +=
                    "; " + (problem.site.empty() ? "" : problem.site + ": ") + problem.message;
            }
            log(device.name + " was told: not published, " +
                std::to_string(answer.problems.size()) + " problem(s)" + problems);
        }
    } catch (const DeviceCrash&) {
        device.syncing = false;
        publishing_now_.reset();
        crash(d);
        return std::nullopt;
    } catch (const Error& e) {
        log(device.name + " publish failed: " + e.what());
    }
    device.syncing = false;
    publishing_now_.reset();
    return told;
}

// `dspt year start`: the person syncs first, as the command asks, then begins
// the next year; the finished year is kept as a store of its own. A start
// refused because changes still wait is tried again at a later step.
void Simulation::start_year(std::size_t d) {
    auto& device = devices_[d];
    ++year_start_tries_;
    log(device.name + " begins " + std::string(kNextYear));
    if (sync(d, 0) == SyncOutcome::crashed) {
        return;
    }
    client::YearStartOptions options;
    options.pack = standards::bundled_pack(kNextYear);
    options.archive_home = dir_.path() / (device.name + "-years") / std::string(kFirstYear);
    try {
        const auto report = device.store->start_year(options, kPassphrase);
        ++result_.year_starts;
        year_start_device_.reset();
        log(device.name + " is in " + report.new_year + ": " +
            std::to_string(report.answers_to_review) + " answer(s) and " +
            std::to_string(report.evidence_to_review) + " file(s) to review");
    } catch (const Error& e) {
        if (e.code() != ErrorCode::failed_precondition) {
            throw;
        }
        log(device.name + " year start refused: " + e.what());
        return;
    }
    const auto archive = client::LocalStore::open(client::LocalStore::file_in(options.archive_home),
                                                  kPassphrase, wall_of(d));
    if (!archive->info().archived || archive->info().year != kFirstYear) {
        throw InvariantBroken{"year start", device.name + "'s kept copy of " +
                                                std::string(kFirstYear) + " holds " +
                                                archive->info().year +
                                                (archive->info().archived ? "" : ", not archived")};
    }
}

client::SyncReport Simulation::sync_once(std::size_t d) {
    auto& device = devices_[d];
    client::ApiClient api(*device.transport, device.identity->device_id, device.identity->signing,
                          wall_of(d));
    return client::sync_once(*device.store, api, *device.identity);
}

SyncOutcome Simulation::sync(std::size_t d, int depth) {
    auto& device = devices_[d];
    ++result_.syncs;
    log(device.name + " syncs");
    device.syncing = true;
    const auto outer_depth = depth_;
    depth_ = depth;
    auto outcome = SyncOutcome::done;
    try {
        sync_once(d);
    } catch (const DeviceCrash&) {
        device.syncing = false;
        depth_ = outer_depth;
        crash(d);
        return SyncOutcome::crashed;
    } catch (const Error& e) {
        log(device.name + " sync failed: " + e.what());
        outcome = SyncOutcome::failed;
    }
    device.syncing = false;
    depth_ = outer_depth;
    return outcome;
}

void Simulation::crash(std::size_t d) {
    log(devices_[d].name + " crashed; its store opens again");
    devices_[d].store.reset();
    devices_[d].store = open_store(d);
}

void Simulation::workload() {
    faults_on_ = true;
    const auto steps = rng_.between(20, 80);
    if (year_start_device_) {
        year_start_step_ = rng_.between(steps / 4, 3 * steps / 4);
    }
    for (std::int64_t step = 0; step < steps; ++step) {
        // Seconds to hours between steps.
        advance(rng_.chance(0.1) ? rng_.between(kHourMs, 8 * kHourMs) : rng_.between(1, 60'000));
        if (year_start_device_ && step >= year_start_step_ && year_start_tries_ < kYearStartTries) {
            start_year(*year_start_device_);
            year_start_step_ = step + rng_.between(1, 5);
            continue;
        }
        const auto d = static_cast<std::size_t>(rng_.below(devices_.size()));
        const auto action = rng_.below(100);
        if (action < 50) {
            write(d, *devices_[d].store);
        } else if (action < 92) {
            if (publishing_ && action >= 84) {
                if (action < 87) {
                    // Headquarters fills in its own assessment or a site's.
                    std::string scope = devices_[d].site;
                    if (scope.empty() && rng_.chance(0.3)) {
                        scope = sites_[rng_.below(sites_.size())];
                    }
                    fill(d, *devices_[d].store, scope, rng_.chance(0.3));
                } else {
                    publish(d);
                }
            } else {
                sync(d, 0);
            }
        } else if (action < 96) {
            if (restart_rate_ > 0) {
                count(Fault::server_restart);
                log("server restarts");
                server_.restart();
            }
        } else if (!enabled_.empty()) {
            ++result_.faults["client crash between syncs"];
            crash(d);
        }
    }
}

// ---- healing and the invariants ---------------------------------------------------

void Simulation::heal() {
    faults_on_ = false;
    log("the network heals");
    for (std::size_t round = 0; round < kMaxHealRounds; ++round) {
        ++result_.heal_rounds;
        bool quiet = true;
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            advance(rng_.between(1, 5000));
            client::SyncReport report;
            try {
                report = sync_once(d);
            } catch (const Error& e) {
                throw InvariantBroken{"settles", devices_[d].name +
                                                     "'s sync on a healed network "
                                                     "failed: " +
                                                     e.what()};
            }
            if (report.pushed > 0 || report.pulled > 0 || report.files_uploaded > 0 ||
                report.files_downloaded > 0 || report.files_waiting > 0 ||
                !report.refused.empty()) {
                quiet = false;
            }
        }
        if (!quiet) {
            continue;
        }
        for (auto& device : devices_) {
            const auto backlog = client::sync_backlog(*device.store);
            if (backlog.changes > 0) {
                throw InvariantBroken{"settles", device.name + " still has " +
                                                     std::to_string(backlog.changes) +
                                                     " change(s) to send after a quiet round"};
            }
        }
        return;
    }
    throw InvariantBroken{"settles", "devices still exchanging changes after " +
                                         std::to_string(kMaxHealRounds) + " rounds"};
}

void Simulation::check() {
    check_registers();
    check_applied();
    check_evidence();
    check_published();
}

void Simulation::check_registers() {
    for (std::size_t reg = 0; reg < registers_.size(); ++reg) {
        const auto& ref = registers_[reg];
        const auto name = ref.year + "/" +
                          (ref.scope.empty() ? std::string("(organisation)") : ref.scope) + ":" +
                          ref.key;
        std::optional<std::set<std::string>> first;
        std::size_t first_device = 0;
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            if (!reads(*devices_[d].store, d, ref.year, ref.scope)) {
                continue;
            }
            auto shown = view(*devices_[d].store, d, reg);
            if (!first) {
                first = std::move(shown);
                first_device = d;
            } else if (shown != *first) {
                throw InvariantBroken{"converges", name + ": " + devices_[first_device].name +
                                                       " shows " + join(*first) + ", " +
                                                       devices_[d].name + " shows " + join(shown)};
            }
        }
        if (!first) {
            continue;  // no device is in this register's year
        }
        const auto shown = *first;
        const auto expected = model_.expected(reg);
        for (const auto& token : expected) {
            if (!shown.contains(token)) {
                throw InvariantBroken{"no lost write", name + ": " + token +
                                                           " was replaced by no later write, "
                                                           "but every device shows " +
                                                           join(shown) + " (expected " +
                                                           join(expected) + ")"};
            }
        }
        for (const auto& token : shown) {
            if (!model_.known(token)) {
                throw InvariantBroken{"no resurrection",
                                      name + ": shows " + token + ", which nobody wrote"};
            }
        }
        for (const auto& a : shown) {
            for (const auto& b : shown) {
                if (model_.replaced(a, b)) {
                    throw InvariantBroken{"conflict only between concurrent writes",
                                          name + ": siblings " + join(shown) + " hold " + a +
                                              " beside " + b + ", whose writer had seen it"};
                }
            }
        }
        for (const auto& token : shown) {
            if (!expected.contains(token)) {
                throw InvariantBroken{"no resurrection",
                                      name + ": shows " + token +
                                          ", which a later write replaced (expected " +
                                          join(expected) + ", shown " + join(shown) + ")"};
            }
        }
    }
}

void Simulation::check_applied() {
    std::set<std::pair<std::string, std::int64_t>> written;
    for (auto& device : devices_) {
        const auto& replica = device.store->info().replica_id;
        for (std::int64_t seq = 1; seq <= device.store->outbox().last_seq(); ++seq) {
            written.emplace(replica, seq);
        }
    }
    sqlite::Database db(server::store::SqliteRepository::file_in(server_.data_dir()),
                        {sqlite::OpenMode::read_only});
    std::set<std::pair<std::string, std::int64_t>> applied;
    std::size_t rows = 0;
    {
        sqlite::Statement select(db, "SELECT replica_id, seq FROM applied_changes");
        while (select.step()) {
            applied.emplace(select.column_text(0), select.column_int64(1));
            ++rows;
        }
    }
    if (rows != applied.size()) {
        throw InvariantBroken{"applied once", "a (replica, seq) is recorded twice"};
    }
    {
        sqlite::Statement twice(db,
                                "SELECT replica_id, seq, COUNT(*) FROM register_values"
                                " GROUP BY replica_id, seq HAVING COUNT(*) > 1");
        if (twice.step()) {
            throw InvariantBroken{
                "applied once", "change " + std::to_string(twice.column_int64(1)) + " of replica " +
                                    twice.column_text(0) + " is held " +
                                    std::to_string(twice.column_int64(2)) + " times"};
        }
    }
    for (const auto& pair : written) {
        if (!applied.contains(pair)) {
            throw InvariantBroken{"applied once", "change " + std::to_string(pair.second) +
                                                      " of replica " + pair.first +
                                                      " never reached the server"};
        }
    }
    for (const auto& pair : applied) {
        if (!written.contains(pair) || !delivered_.contains(pair)) {
            throw InvariantBroken{"applied once", "the server applied change " +
                                                      std::to_string(pair.second) + " of replica " +
                                                      pair.first + ", which was never sent"};
        }
    }
}

void Simulation::check_evidence() {
    for (const auto& file : evidence_) {
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            auto& store = *devices_[d].store;
            if (!reads(store, d, file.year, file.scope)) {
                continue;
            }
            if (file.removed_by) {
                // Every removal is made by a device that held the file's
                // record, so it replaces that record on the server: nothing
                // concurrent keeps the file, and it goes with its chunks.
                const auto& remover = devices_[*file.removed_by].name;
                try {
                    store.evidence().find(file.id);
                    throw InvariantBroken{"evidence", "file " + file.id + " removed on " + remover +
                                                          " is still listed on " +
                                                          devices_[d].name};
                } catch (const Error& e) {
                    if (e.code() != ErrorCode::not_found) {
                        throw;
                    }
                }
                sqlite::Statement chunks(
                    store.database(),
                    "SELECT COUNT(*) FROM evidence_chunks WHERE evidence_id = ?1");
                chunks.bind(1, file.id);
                chunks.step();
                if (chunks.column_int64(0) != 0) {
                    throw InvariantBroken{"evidence", "file " + file.id + " removed on " + remover +
                                                          " still has chunks on " +
                                                          devices_[d].name};
                }
                continue;
            }
            const auto out = dir_.path() / "read-back.bin";
            try {
                store.evidence().get(file.id, out, true);
            } catch (const Error& e) {
                throw InvariantBroken{
                    "evidence", "file " + file.id + " added on " + devices_[file.device].name +
                                    " does not read on " + devices_[d].name + ": " + e.what()};
            }
            if (read_bytes(out) != file.bytes) {
                throw InvariantBroken{
                    "evidence", "file " + file.id + " reads differently on " + devices_[d].name};
            }
            fs::remove(out);
        }
    }
}

void Simulation::check_published() {
    sqlite::Database db(server::store::SqliteRepository::file_in(server_.data_dir()),
                        {sqlite::OpenMode::read_only});
    std::map<std::string, std::vector<std::int64_t>> by_request;
    std::map<std::size_t, std::vector<std::int64_t>> by_chain;
    sqlite::Statement select(db, "SELECT id, request_id FROM publications ORDER BY id");
    while (select.step()) {
        const auto id = select.column_int64(0);
        const auto request_id = select.column_text(1);
        ++result_.published;
        by_request[request_id].push_back(id);
        const auto attempt = request_attempt_.find(request_id);
        if (attempt == request_attempt_.end()) {
            throw InvariantBroken{"published once", "publication " + std::to_string(id) +
                                                        " answers request " + request_id +
                                                        ", which no device sent"};
        }
        by_chain[publish_attempts_[attempt->second].chain].push_back(id);
    }
    for (const auto& [request_id, ids] : by_request) {
        if (ids.size() > 1) {
            throw InvariantBroken{"published once", "request " + request_id + " was published " +
                                                        std::to_string(ids.size()) + " times"};
        }
    }
    for (const auto& [request_id, ids] : answered_) {
        const auto held = by_request.find(request_id);
        for (const auto id : ids) {
            if (held == by_request.end() || held->second.front() != id) {
                throw InvariantBroken{"published once", "request " + request_id +
                                                            " was answered with publication " +
                                                            std::to_string(id) +
                                                            ", which the server does not hold "
                                                            "for it"};
            }
        }
    }
    for (const auto& [chain, ids] : by_chain) {
        if (ids.size() > 1) {
            std::string devices;
            std::string requests;
            for (const auto& attempt : publish_attempts_) {
                if (attempt.chain != chain || attempt.request_ids.empty()) {
                    continue;
                }
                for (const auto& id : attempt.request_ids) {
                    requests += (requests.empty() ? "" : ", ") + id;
                }
                devices = devices_[attempt.device].name;
            }
            throw InvariantBroken{
                "published once",
                devices +
                    " asked again for a publication it had not been told of, and the "
                    "server published " +
                    std::to_string(ids.size()) + " times (publications " +
                    std::to_string(ids.front()) + " and " + std::to_string(ids.back()) +
                    "; requests " + requests + ")"};
        }
    }
}

}  // namespace

SimResult run_simulation(std::uint64_t seed, const SimOptions& options) {
    const SeededRandom random(seed);  // outlives the stores and the server
    Simulation simulation(seed, options);
    return simulation.run();
}

}  // namespace dspt::sim
