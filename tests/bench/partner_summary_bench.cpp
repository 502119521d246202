// Partner summary benchmark: how long a support partner's summary takes to
// compute and to render as the /web/partner page, on the embedded store, with
// many organisations registered and a partner holding many grants. In-process
// (no HTTP, no TLS): the server's own work for one page. Prints figures, one a
// line as `name: value unit`; asserts nothing beyond that the summary counts
// every granting organisation.
//
//   dspt_partner_summary_bench [--organisations N] [--grants G] [--runs R] [--work DIR]
//
// --organisations N (30000): registered organisations, one site each and every
// tenth a headquarters with three, each site with a branch device that reported
// its sync health (one organisation in seven last synced 40 days ago). --grants G (500): of them,
// grant the partner access, spread across the register; each has a headquarters device that synced
// answers (a share of the pack's items, different per organisation, with comments), its type in the
// profile, a sync health report, and one in four a publication. --runs R (20): summaries computed
// and rendered; the first is reported apart (a cold cache). --drop-device-index:
// without the index on devices(organisation_ods) that schema step 12 adds, to
// compare.
//
// Figures: wall-clock times (median and worst), and the median CPU time the page
// took (all threads), which other processes on a shared machine do not inflate.
//
// How the summary is computed (server/progress/partner_summary.hpp): per request,
// per granting organisation, the progress the dashboard shows (its registers read
// and evaluated) on up to four threads, then counted. Nothing is maintained between
// requests.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto/random.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "common/standards/bundled.hpp"
#include "server/auth/access_policy.hpp"
#include "server/progress/partner_summary.hpp"
#include "server/progress/progress_service.hpp"
#include "server/store/sqlite_repository.hpp"
#include "server/web/partner_summary_page.hpp"
#include "tests/bench/bench_figures.hpp"

namespace fs = std::filesystem;
using namespace dspt;
using dspt::bench::Clock;
using dspt::bench::figure;
using dspt::bench::ms_since;

namespace {

constexpr std::int64_t kBenchNow = 1'780'000'000'000;  // May 2026
constexpr std::string_view kBenchYear = "2025-26";

struct BenchOptions {
    bool drop_device_index = false;
    std::size_t organisations = 30000;
    std::size_t grants = 500;
    std::size_t runs = 20;
    fs::path work;
};

BenchOptions parse_options(int argc, char** argv) {
    BenchOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--organisations") {
            options.organisations = std::stoul(value());
        } else if (arg == "--grants") {
            options.grants = std::stoul(value());
        } else if (arg == "--runs") {
            options.runs = std::max<std::size_t>(1, std::stoul(value()));
        } else if (arg == "--drop-device-index") {
            options.drop_device_index = true;
        } else if (arg == "--work") {
            options.work = value();
        } else {
            std::cerr << "usage: dspt_partner_summary_bench [--organisations N] [--grants G] "
                         "[--runs R] [--work DIR] [--drop-device-index]\n";
            std::exit(2);
        }
    }
    options.grants = std::min(options.grants, options.organisations);
    return options;
}

std::string organisation_code(std::size_t i) {
    return "P" + std::to_string(100000 + i);
}

std::string site_code(std::size_t i, std::size_t site) {
    return "S" + std::to_string(100000 + i) + std::to_string(site);
}

server::store::Device enrol_headquarters(server::store::Repository& repo, const std::string& ods) {
    server::store::EnrolmentToken token;
    token.token_id = crypto::random_uuid();
    token.verifier = crypto::Bytes(32, 0x5a);
    token.role = server::store::DeviceRole::headquarters;
    token.organisation_ods = ods;
    token.created_by = "admin";
    token.created_at_ms = kBenchNow - 1000;
    token.expires_at_ms = kBenchNow + 3'600'000;
    token.organisation_key_envelope = crypto::Bytes(72, 0xe1);
    repo.create_token(token);
    server::store::Device device;
    device.id = crypto::random_uuid();
    device.role = token.role;
    device.organisation_ods = ods;
    device.signing_public_key = crypto::random_bytes(32);
    device.box_public_key = crypto::random_bytes(32);
    device.name = "Bench " + ods;
    return repo.enrol_device(token.token_id, token.verifier, device, kBenchNow - 900);
}

// Organisation `n` of the granting ones: answers a share of the items, sets its type.
std::vector<server::store::Change> answers_of(const standards::Pack& pack, std::size_t n) {
    static constexpr const char* kTypes[] = {"care_home", "homecare", "both", "other", ""};
    std::vector<server::store::Change> changes;
    const auto replica = crypto::random_uuid();
    std::int64_t seq = 0;
    const auto add = [&](std::string key, const nlohmann::json& payload) {
        ++seq;
        changes.push_back({replica,
                           seq,
                           (static_cast<std::uint64_t>(kBenchNow) << 16) + seq,
                           "",
                           std::move(key),
                           {},
                           payload.dump(),
                           "Bench Manager"});
    };
    const std::size_t share = 50 + n % 51;  // 50 to 100 per cent of the items
    for (std::size_t i = 0; i < pack.items.size() * share / 100; ++i) {
        const auto& item = pack.items[i];
        add(std::string(kBenchYear) + "/answer/" + item.id,
            {{"value", item.type == standards::AnswerType::confirm ? "yes" : "2026-03-31"},
             {"comment", "Reviewed by the board"},
             {"answered_by", "Bench Manager"}});
    }
    if (const auto* type = kTypes[n % 5]; *type) {
        add("profile/organisation_type", {{"type", type}});
    }
    return changes;
}

// A branch device with a sync health report for every site of every organisation,
// written straight into server.db in one transaction (enrolling 33,000 devices one
// by one would take minutes): what progress reads of a register this size.
void seed_branch_devices(const fs::path& data, const BenchOptions& options) {
    sqlite::Database db(data / "server.db");
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    sqlite::Statement device(db,
                             "INSERT INTO devices (id, role, organisation_ods, site_ods, "
                             "signing_public_key, box_public_key, name, enrolled_at_ms) "
                             "VALUES (?1, 'branch', ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite::Statement health(db,
                             "INSERT INTO sync_health (device_id, reported_at_ms, pending_changes, "
                             "pending_bytes, oldest_pending_age_ms, last_sync_at_ms) "
                             "VALUES (?1, ?2, ?3, 0, ?4, ?2)");
    for (std::size_t i = 0; i < options.organisations; ++i) {
        for (std::size_t s = 0; s < (i % 10 == 0 ? 3u : 1u); ++s) {
            const auto id = crypto::random_uuid();
            {
                const sqlite::ResetGuard use(device);
                device.bind(1, std::string_view(id));
                device.bind(2, std::string_view(organisation_code(i)));
                device.bind(3, std::string_view(site_code(i, s)));
                const auto signing = crypto::random_bytes(32);
                const auto box = crypto::random_bytes(32);
                device.bind(4, sqlite::Blob(signing.data(), signing.size()));
                device.bind(5, sqlite::Blob(box.data(), box.size()));
                device.bind(6, std::string_view("Bench branch"));
                device.bind(7, kBenchNow - 2000);
                device.execute();
            }
            const sqlite::ResetGuard use(health);
            health.bind(1, std::string_view(id));
            // One in seven last synced 40 days ago, with changes waiting.
            const bool stale = i % 7 == 0;
            health.bind(
                2, static_cast<std::int64_t>(kBenchNow - (stale ? 40 * 86'400'000LL : 3'600'000)));
            health.bind(3, static_cast<std::int64_t>(stale ? 12 : 0));
            health.bind(4, static_cast<std::int64_t>(stale ? 86'400'000 : 0));
            health.execute();
        }
    }
    tx.commit();
    if (options.drop_device_index) {
        db.execute("DROP INDEX devices_by_organisation");
    }
}

// The process's CPU time in milliseconds (every thread's): what a page costs whatever
// else the machine runs meanwhile.
double process_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1000.0 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    const fs::path work = options.work.empty() ? fs::temp_directory_path() /
                                                     ("dspt-partner-bench-" + crypto::random_uuid())
                                               : options.work;
    fs::create_directories(work);
    const auto& pack = standards::bundled_pack(std::string(kBenchYear));
    {
        server::store::SqliteRepository repo(work / "data");
        auto start = Clock::now();
        std::vector<server::store::RegistryRow> rows;
        for (std::size_t i = 0; i < options.organisations; ++i) {
            const bool hq = i % 10 == 0;
            for (std::size_t s = 0; s < (hq ? 3u : 1u); ++s) {
                rows.push_back({organisation_code(i), "Organisation " + std::to_string(i), hq,
                                site_code(i, s), "1-" + std::to_string(1000000000 + i * 3 + s),
                                "Site " + std::to_string(i) + "/" + std::to_string(s)});
            }
        }
        repo.import_registry(rows, kBenchNow - 10'000);
        figure("seed_registry_ms", ms_since(start), "ms");

        start = Clock::now();
        const auto partner = repo.create_partner("Bench Partners", kBenchNow - 5000);
        const std::size_t stride = options.organisations / options.grants;
        for (std::size_t n = 0; n < options.grants; ++n) {
            const auto ods = organisation_code(n * stride);
            const auto device = enrol_headquarters(repo, ods);
            repo.apply_changes(ods, device.id, answers_of(pack, n));
            repo.give_grant(ods, partner.id, device.id, kBenchNow - 800, std::nullopt);
            if (n % 3 == 0) {
                repo.set_partner_group(partner.id, ods, "Area " + std::to_string(n % 7),
                                       kBenchNow - 700);
            }
            repo.record_sync_health({device.id, kBenchNow - 600, 0, 0, 0, true});
            if (n % 4 == 0) {
                server::store::Publication publication;
                publication.organisation_ods = ods;
                for (const auto& site : repo.sites_of(ods)) {
                    publication.sites.push_back(site.ods);
                }
                publication.year = std::string(kBenchYear);
                publication.level = standards::Level::approaching;
                publication.published_at_ms = kBenchNow - 400;
                publication.device_id = device.id;
                publication.request_id = crypto::random_uuid();
                repo.record_publication(publication);
            }
        }
        figure("seed_grants_ms", ms_since(start), "ms");
    }

    {
        const auto start = Clock::now();
        seed_branch_devices(work / "data", options);
        figure("seed_devices_ms", ms_since(start), "ms");
    }

    // A fresh process's view: the store reopened, as a server would start.
    server::store::SqliteRepository repo(work / "data");
    server::auth::AccessPolicy policy(repo, [] { return kBenchNow; });
    server::progress::ProgressService progress(repo, policy);
    server::store::Device partner_device;
    partner_device.id = crypto::random_uuid();
    partner_device.role = server::store::DeviceRole::partner;
    partner_device.partner_id = repo.find_partner_by_name("Bench Partners")->id;
    const server::web::DashboardViewer viewer{"partner", "Bench Partners", std::string(kBenchYear)};

    std::vector<double> compute;
    std::vector<double> render;
    std::vector<double> total;
    std::vector<double> cpu;
    std::size_t bytes = 0;
    for (std::size_t run = 0; run < options.runs; ++run) {
        const auto cpu_start = process_cpu_ms();
        const auto start = Clock::now();
        const auto summary = server::progress::partner_summary(
            repo, progress, policy, partner_device, kBenchYear, kBenchNow);
        const auto computed = ms_since(start);
        const auto page = server::web::render_partner_summary(summary, viewer);
        const auto rendered = ms_since(start) - computed;
        cpu.push_back(process_cpu_ms() - cpu_start);
        if (summary.all.organisations != options.grants) {
            std::cerr << "the summary counts " << summary.all.organisations
                      << " organisations, not " << options.grants << "\n";
            return 1;
        }
        bytes = page.size();
        compute.push_back(computed);
        render.push_back(rendered);
        total.push_back(computed + rendered);
    }
    figure("organisations", static_cast<double>(options.organisations), "", 0);
    figure("grants", static_cast<double>(options.grants), "", 0);
    figure("first_page_ms", total.front(), "ms");
    if (total.size() > 1) {
        compute.erase(compute.begin());
        render.erase(render.begin());
        total.erase(total.begin());
        cpu.erase(cpu.begin());
    }
    std::sort(cpu.begin(), cpu.end());
    std::sort(compute.begin(), compute.end());
    std::sort(render.begin(), render.end());
    std::sort(total.begin(), total.end());
    figure("summary_compute_median_ms", compute[compute.size() / 2], "ms");
    figure("page_render_median_ms", render[render.size() / 2], "ms");
    figure("page_median_ms", total[total.size() / 2], "ms");
    figure("page_max_ms", total.back(), "ms");
    figure("page_cpu_median_ms (all threads)", cpu[cpu.size() / 2], "ms");
    figure("page_bytes", static_cast<double>(bytes), "bytes", 0);
    if (options.work.empty()) {
        fs::remove_all(work);
    }
    return 0;
}
