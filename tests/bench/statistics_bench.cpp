// Public statistics benchmark: how long the embedded store (SqliteRepository) takes to
// count a year's statistics (server/publish/statistics.hpp) for a register the size
// of England's care providers, and to render them as JSON, CSV and the HTML section.
// Prints figures, one a line as `name: value unit`; asserts nothing.
//
//   dspt_statistics_bench [--organisations N] [--registers R] [--runs K] [--work DIR]
//
// --organisations N (30,000): each with one site, every tenth with three; 80% state an
// organisation type; 75% published for 2025-26 (a tenth of those after the 30 June
// deadline, some twice), 60% for 2024-25. --registers R (40): answer registers each
// organisation holds besides its profile, so the store is as large as a real one.
// --runs K (50): timed reads after one untimed. --work DIR: build the store there and
// keep it (tests/bench/statistics_bench.sh then serves it over HTTP); else a
// temporary directory, removed.
//
// Setup writes the rows in one SQL transaction (it is not what is measured).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/crypto/random.hpp"
#include "common/date.hpp"
#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "server/publish/statistics.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/bench/bench_figures.hpp"

namespace fs = std::filesystem;
using namespace dspt;
using dspt::bench::Clock;
using dspt::bench::figure;
using dspt::bench::ms_since;

namespace {

struct Options {
    std::size_t organisations = 30'000;
    std::size_t registers = 40;
    std::size_t runs = 50;
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
        if (flag == "--organisations") {
            options.organisations = std::stoul(value);
        } else if (flag == "--registers") {
            options.registers = std::stoul(value);
        } else if (flag == "--runs") {
            options.runs = std::max<std::size_t>(1, std::stoul(value));
        } else if (flag == "--work") {
            options.work = value;
        } else {
            fail(ErrorCode::invalid_argument, "unknown flag " + flag);
        }
    }
    if (options.organisations == 0 || options.organisations > 900'000) {
        fail(ErrorCode::invalid_argument, "--organisations is 1 to 900000");
    }
    return options;
}

std::string organisation_ods(std::size_t i) {
    std::string ods = "B";
    ods += std::to_string(100000 + i);
    return ods;
}

std::int64_t noon_of(const char* day, int plus_days) {
    const auto date = Date::parse(day);
    return date->end_unix_ms() + 1 - 12LL * 3600 * 1000 + plus_days * 86'400'000LL;
}

void seed(const fs::path& dir, const Options& options) {
    std::vector<server::store::RegistryRow> rows;
    for (std::size_t i = 0; i < options.organisations; ++i) {
        const auto ods = organisation_ods(i);
        const std::size_t sites = i % 10 == 0 ? 3 : 1;
        for (std::size_t s = 0; s < sites; ++s) {
            const auto site = sites == 1 ? ods : ods + "S" + std::to_string(s);
            rows.push_back({ods, "Care Provider " + ods, sites > 1, site,
                            "1-" + std::to_string(100000000 + i * 3 + s), "Site " + site});
        }
    }
    {
        server::store::SqliteRepository repo(dir);
        repo.import_registry(rows, noon_of("2025-01-01", 0));
    }
    sqlite::Database db(dir / "server.db");
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    sqlite::Statement value(db,
                            "INSERT INTO register_values (organisation_ods, scope, register_key, "
                            "version, replica_id, seq, hlc, base_version, payload, author) VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?4, ?4, 0, ?6, 'Bench Manager')");
    sqlite::Statement reg(db,
                          "INSERT INTO registers (organisation_ods, scope, register_key, version) "
                          "VALUES (?1, ?2, ?3, ?4)");
    sqlite::Statement publication(
        db,
        "INSERT INTO publications (organisation_ods, year, level, published_at_ms, device_id, "
        "request_id) VALUES (?1, ?2, ?3, ?4, 'admin', ?5)");
    sqlite::Statement covers(
        db, "INSERT INTO publication_sites (publication_id, site_ods) VALUES (?1, ?2)");
    const char* types[] = {"care_home", "homecare", "both", "other"};
    const auto put = [&](const std::string& ods, const std::string& scope, const std::string& key,
                         std::int64_t version, const std::string& payload) {
        const auto replica = "replica-" + ods;
        {
            const sqlite::ResetGuard use(value);
            value.bind(1, ods);
            value.bind(2, scope);
            value.bind(3, key);
            value.bind(4, version);
            value.bind(5, replica);
            value.bind(6, payload);
            value.execute();
        }
        const sqlite::ResetGuard use(reg);
        reg.bind(1, ods);
        reg.bind(2, scope);
        reg.bind(3, key);
        reg.bind(4, version);
        reg.execute();
    };
    const auto publish = [&](const std::string& ods, const std::string& site, const char* year,
                             const char* level, std::int64_t at_ms) {
        {
            const sqlite::ResetGuard use(publication);
            publication.bind(1, ods);
            publication.bind(2, year);
            publication.bind(3, level);
            publication.bind(4, at_ms);
            publication.bind(5, crypto::random_uuid());
            publication.execute();
        }
        const sqlite::ResetGuard use(covers);
        covers.bind(1, db.last_insert_rowid());
        covers.bind(2, site);
        covers.execute();
    };
    for (std::size_t i = 0; i < options.organisations; ++i) {
        const auto ods = organisation_ods(i);
        const auto site = i % 10 == 0 ? ods + "S0" : ods;
        std::int64_t version = 0;
        for (std::size_t r = 0; r < options.registers; ++r) {
            const auto item = std::to_string(r / 10 + 1) + "." + std::to_string(r % 10 + 1) + ".1";
            put(ods, site, "2025-26/answer/" + item, ++version,
                R"({"item":")" + item +
                    R"(","value":"Yes, reviewed by the board in March","comment":"",)"
                    R"("answered_by":"Bench Manager"})");
        }
        if (i % 5 != 4) {
            put(ods, "", "profile/organisation_type", ++version,
                std::string(R"({"type":")") + types[i % 4] + "\"}");
        }
        if (i % 4 != 3) {  // 75% publish for 2025-26, from April to August
            const auto day = static_cast<int>(i % 130);
            publish(ods, site, "2025-26", i % 3 == 0 ? "exceeded" : "met",
                    noon_of("2026-04-01", day));
            if (i % 20 == 0) {
                publish(ods, site, "2025-26", "exceeded", noon_of("2026-04-01", day + 5));
            }
        }
        if (i % 5 < 3) {  // 60% for 2024-25
            publish(ods, site, "2024-25", "met", noon_of("2025-04-01", static_cast<int>(i % 100)));
        }
    }
    tx.commit();
}

struct Timing {
    double median = 0;
    double p95 = 0;
    double most = 0;
};

template <typename Fn>
Timing time_runs(std::size_t runs, Fn&& fn) {
    fn();  // one untimed run: the page cache and the statement cache
    std::vector<double> times;
    for (std::size_t i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        fn();
        times.push_back(ms_since(start));
    }
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], times[std::min(times.size() - 1, times.size() * 95 / 100)],
            times.back()};
}

void print(const std::string& name, const Timing& timing) {
    figure(name + " median", timing.median, "ms", 2);
    figure(name + " p95", timing.p95, "ms", 2);
    figure(name + " max", timing.most, "ms", 2);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto options = parse(argc, argv);
        const bool keep = !options.work.empty();
        const auto dir =
            keep ? options.work
                 : fs::temp_directory_path() / ("dspt-statistics-bench-" + crypto::random_uuid());
        if (keep && fs::exists(dir / "server.db")) {
            fail(ErrorCode::invalid_argument, (dir / "server.db").string() + " exists already");
        }
        fs::create_directories(dir);
        const auto setup = Clock::now();
        seed(dir, options);
        figure("setup", ms_since(setup) / 1000, "s");
        figure("store size", static_cast<double>(fs::file_size(dir / "server.db")) / 1e6, "MB");

        server::store::SqliteRepository repo(dir);
        const auto today = *Date::parse("2026-12-07");
        const std::string year = "2025-26";
        const auto read = server::publish::read_statistics(repo, year, today);
        figure("organisations", static_cast<double>(read.organisations), "", 0);
        figure("published by the deadline", static_cast<double>(read.all.by_deadline), "", 0);

        const auto deadline_end = Date::parse("2026-07-01")->end_unix_ms() + 1 - 86'400'000;
        print("store year_counts",
              time_runs(options.runs, [&] { (void)repo.year_counts(year, deadline_end); }));
        print("store publications_per_week", time_runs(options.runs, [&] {
                  (void)repo.publications_per_week(year, deadline_end - 91LL * 86'400'000, 13);
              }));
        print("statistics counted", time_runs(options.runs, [&] {
                  (void)server::publish::read_statistics(repo, year, today);
              }));
        print("statistics counted and rendered as JSON", time_runs(options.runs, [&] {
                  (void)server::publish::statistics_json(
                      server::publish::read_statistics(repo, year, today));
              }));
        print("statistics section rendered from counts",
              time_runs(options.runs, [&] { (void)server::publish::statistics_section(read); }));
        if (!keep) {
            fs::remove_all(dir);
        }
    } catch (const std::exception& e) {
        std::cerr << "dspt_statistics_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
