#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "common/crypto/random.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "server/store/shared_counter.hpp"
#include "server/store/sqlite_connections.hpp"
#include "sync_fixture.hpp"

namespace dspt::server::store::test {

namespace {

unsigned mode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return static_cast<unsigned>(info.st_mode) & 0777u;
}

}  // namespace

TEST_CASE_METHOD(StoreFixture, "the data directory is private and the database uses WAL",
                 "[unit][server_store][sqlite]") {
    const auto file = SqliteRepository::file_in(data_dir());
    CHECK(sqlite_repo().path() == file);
    CHECK(file.filename() == "server.db");
    CHECK(mode_of(data_dir()) == 0700u);
    CHECK(mode_of(file) == 0600u);

    sqlite::Database db(file, {sqlite::OpenMode::read_only});
    CHECK(db.journal_mode() == "wal");
    CHECK(db.user_version() == kServerSchemaVersion);
}

TEST_CASE_METHOD(StoreFixture,
                 "a register lookup is compiled once, whatever register it is bound to next",
                 "[unit][server_store][sqlite]") {
    // A partial index whose condition a lookup's "column = ?" might meet makes SQLite
    // compile that lookup again at every new binding: the schema must have none.
    sqlite::Database db(SqliteRepository::file_in(data_dir()), {sqlite::OpenMode::read_only});
    sqlite::Statement lookup(db, std::string(select_register_values_sql()));
    for (const char* key : {"profile/organisation_type", "2025-26/answer/1.1.1",
                            "profile/organisation_type", "profile/security_lead"}) {
        for (const char* scope : {"", "VA001"}) {
            lookup.bind(1, std::string_view("AB1"));
            lookup.bind(2, std::string_view(scope));
            lookup.bind(3, std::string_view(key));
            while (lookup.step()) {
            }
            lookup.reset();
        }
    }
    CHECK(sqlite3_stmt_status(lookup.handle(), SQLITE_STMTSTATUS_REPREPARE, 0) == 0);
}

TEST_CASE_METHOD(SyncFixture,
                 "a site's pull reads its own scopes' registers, not every register of its "
                 "organisation",
                 "[unit][server_store][sqlite]") {
    // A sister site's 400 registers, then 3 of the site's own and 2 organisation-wide.
    std::vector<Change> batch;
    for (int i = 1; i <= 400; ++i) {
        batch.push_back(change("r1", i, "answer/" + std::to_string(i), 0, "v", 0, "VA1B3"));
    }
    for (int i = 401; i <= 405; ++i) {
        batch.push_back(
            change("r1", i, "answer/" + std::to_string(i), 0, "v", 0, i <= 403 ? "VA1B2" : ""));
    }
    REQUIRE(push(branch, batch).size() == batch.size());

    // The page statement as registers_since runs it for the site's device, and the
    // work it does: SQLite's count of its virtual machine's steps.
    sqlite::Database db(SqliteRepository::file_in(data_dir()), {sqlite::OpenMode::read_only});
    const auto steps_to_read = [&](const std::vector<std::string>& scopes) {
        sqlite::Statement select(db, registers_since_sql(scopes.size()));
        select.bind(1, std::string_view("AB12"));
        select.bind(2, std::int64_t{0});
        select.bind(3, std::int64_t{1000});
        for (std::size_t i = 0; i < scopes.size(); ++i) {
            select.bind(static_cast<int>(i + 4), std::string_view(scopes[i]));
        }
        int rows = 0;
        while (select.step()) {
            ++rows;
        }
        return std::pair{rows, sqlite3_stmt_status(select.handle(), SQLITE_STMTSTATUS_VM_STEP, 1)};
    };
    const auto [rows, steps] = steps_to_read({"", "VA1B2"});
    CHECK(rows == 5);
    // About 110 steps, for the 5 rows and the two reads' set-up. A walk of the
    // organisation's registers by version visits all 405, five steps or more each
    // (over 2,000 steps).
    CHECK(steps < 600);
    // The sister site's pull reads its 400 and the 2 shared ones.
    CHECK(steps_to_read({"", "VA1B3"}).first == 402);
}

TEST_CASE_METHOD(StoreFixture, "a nested data directory is created",
                 "[unit][server_store][sqlite]") {
    const auto nested = data_dir() / "a" / "b";
    const SqliteRepository repository(nested);
    CHECK(fs::exists(SqliteRepository::file_in(nested)));
    CHECK(mode_of(nested) == 0700u);
}

TEST_CASE_METHOD(StoreFixture, "reopening the data directory keeps everything",
                 "[unit][server_store]") {
    seed_registry();
    const auto expires = Date::parse("2026-09-30");
    repo().set_cyber_essentials_plus("AB12", expires);
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    const Grant revoked = [&] {
        (void)repo().give_grant("VC9D8", partner.id, "admin", kT0 + 1, std::nullopt);
        return repo().revoke_grant("VC9D8", partner.id, "admin", kT0 + 2);
    }();
    const Grant live = repo().give_grant("AB12", partner.id, "admin", kT0 + 3, std::nullopt);
    const Device device = enrol(branch_token());
    repo().revoke_device(device.id, kT0 + 4);
    auto pending = branch_token("pending");
    pending.site_ods = "VA1B3";
    repo().create_token(pending);
    repo().put_recovery_envelope("AB12", crypto::Bytes(72, 7), device.id, kT0 + 5);

    const auto organisations = repo().list_organisations();
    const auto sites = repo().sites_of("AB12");
    const auto devices = repo().list_devices();
    const auto used = repo().find_token("0123456789abcdef");

    reopen();

    CHECK(repo().list_organisations() == organisations);
    CHECK(repo().find_organisation("AB12")->cyber_essentials_plus_expires == expires);
    CHECK(repo().sites_of("AB12") == sites);
    CHECK(repo().find_partner_by_name("better security partners") == partner);
    CHECK(repo().grants_of_organisation("VC9D8") == std::vector<Grant>{revoked});
    CHECK(repo().live_grant("AB12", partner.id, kT0 + 100) == live);
    CHECK(repo().list_devices() == devices);
    CHECK(repo().find_device(device.id)->revoked_at_ms == kT0 + 4);
    CHECK(repo().find_token("0123456789abcdef") == used);
    CHECK(repo().find_token("pending") == pending);
    CHECK(repo().find_recovery_envelope("AB12")->sealed == crypto::Bytes(72, 7));

    // The ids continue after the stored ones.
    CHECK(repo().create_partner("Care IT Support", kT0).id > partner.id);
}

TEST_CASE("a database written by a newer dsptsync is refused", "[unit][server_store][sqlite]") {
    TempDir dir;
    const auto data_dir = dir.path() / "data";
    { const SqliteRepository repository(data_dir); }
    {
        sqlite::Database db(SqliteRepository::file_in(data_dir));
        db.set_user_version(kServerSchemaVersion + 1);
    }
    const auto message = require_error(ErrorCode::schema_too_new,
                                       [&] { const SqliteRepository repository(data_dir); });
    CHECK_THAT(message, Catch::Contains(std::to_string(kServerSchemaVersion + 1)));

    sqlite::Database db(SqliteRepository::file_in(data_dir), {sqlite::OpenMode::read_only});
    CHECK(db.user_version() == kServerSchemaVersion + 1);
}

TEST_CASE("opening refuses a bad data directory, file or option", "[unit][server_store][sqlite]") {
    TempDir dir;
    SECTION("the data directory is a file") {
        const auto file = dir.path() / "plain-file";
        std::ofstream(file) << "x";
        require_error(ErrorCode::io, [&] { const SqliteRepository repository(file); });
    }
    SECTION("server.db is not a database") {
        const auto data_dir = dir.path() / "data";
        fs::create_directory(data_dir);
        std::ofstream(SqliteRepository::file_in(data_dir)) << std::string(4096, 'x');
        require_error(ErrorCode::database, [&] { const SqliteRepository repository(data_dir); });
    }
    SECTION("no reader connections") {
        SqliteOptions options;
        options.reader_connections = 0;
        require_error(ErrorCode::invalid_argument,
                      [&] { const SqliteRepository repository(dir.path() / "data", options); });
    }
}

TEST_CASE_METHOD(StoreFixture, "reads and writes from many threads see every committed write",
                 "[unit][server_store][sqlite]") {
    SqliteOptions options;
    options.reader_connections = 2;  // fewer than the readers below, so some wait
    const auto repository = open_sqlite(options);
    repository->create_organisation(organisation("AB12", "Rose Care Group", true));

    constexpr int kSites = 40;
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&] {
            std::size_t last = 0;
            while (!done.load()) {
                try {
                    const std::size_t seen = repository->sites_of("AB12").size();
                    if (seen < last) {
                        ++failures;  // a read went back in time
                    }
                    last = seen;
                    (void)repository->find_device("00000000-0000-4000-8000-000000000000");
                } catch (const Error&) {
                    ++failures;
                }
            }
        });
    }
    for (int i = 0; i < kSites; ++i) {
        const std::string code = "VS" + std::to_string(100 + i);
        repository->add_site(Site{code, "AB12", "1-" + std::to_string(100000000 + i), code});
        // A write that returned is visible to the next read on any connection.
        REQUIRE(repository->find_site(code));
    }
    done = true;
    for (auto& thread : readers) {
        thread.join();
    }
    CHECK(failures == 0);
    CHECK(repository->sites_of("AB12").size() == static_cast<std::size_t>(kSites));
}

TEST_CASE_METHOD(SyncFixture, "the WAL is checkpointed on the repository's own thread",
                 "[unit][server_store][sqlite]") {
    // Eight answers of 1 MiB each: about 2,000 WAL pages, past kCheckpointPages.
    std::vector<Change> changes;
    for (int i = 0; i < 8; ++i) {
        changes.push_back(change("r1", i + 1, "2025-26/answers/1.1." + std::to_string(i + 1), 0,
                                 std::string(1 << 20, static_cast<char>('a' + i))));
        REQUIRE(push(branch, {changes.back()}).front().outcome == ChangeOutcome::accepted);
    }
    CHECK(wait_until([&] { return sqlite_repo().TEST_background_checkpoints() > 0; },
                     std::chrono::seconds(20)));
    // Every answer reads back, before and after a reopen.
    const auto read_back = [&] {
        const auto page = repo().registers_since("AB12", {"VA1B2"}, 0, 20);
        REQUIRE(page.registers.size() == changes.size());
        for (const auto& held : page.registers) {
            REQUIRE(held.values.size() == 1);
            const auto sent = std::find_if(changes.begin(), changes.end(), [&](const Change& c) {
                return c.register_key == held.register_key;
            });
            REQUIRE(sent != changes.end());
            CHECK(held.values.front().payload == sent->payload);
        }
    };
    read_back();
    reopen();
    read_back();
}

}  // namespace dspt::server::store::test

namespace dspt::server::store::test {

TEST_CASE(
    "a revocations counter file is shared by everyone who opens it, and a stranger "
    "file is refused",
    "[unit][server_store][sqlite]") {
    const TempDir dir;
    const auto file = dir.path() / "counter";
    const auto owner = dir.path();
    SharedCounter first(file, owner);
    CHECK(first.load() == 0);
    CHECK(mode_of(file) == 0600u);
    {
        SharedCounter second(file, owner);  // as another process would
        CHECK(second.increment() == 1);
        CHECK(first.load() == 1);
        CHECK(first.increment() == 2);
        CHECK(second.load() == 2);
    }
    CHECK(SharedCounter(file, owner).load() == 2);  // kept in the file

    const auto other = dir.path() / "not-a-counter";
    std::ofstream(other) << "something else altogether";
    CHECK_THROWS_WITH(SharedCounter(other, owner), Catch::Contains("not a counter"));
}

TEST_CASE_METHOD(StoreFixture,
                 "a revocation counts for every repository on the data directory, after it "
                 "commits",
                 "[unit][server_store][sqlite]") {
    SqliteRepository other(data_dir());
    const auto before = repo().device_revocations();
    REQUIRE(before.has_value());
    CHECK(other.device_revocations() == before);
    CHECK(fs::exists(data_dir() / kRevocationsFile));
    seed_registry();
    const auto device = enrol(branch_token());
    other.revoke_device(device.id, kT0 + 2000);
    CHECK(repo().device_revocations() == *before + 1);
    CHECK(repo().find_device(device.id)->revoked_at_ms == kT0 + 2000);
    // A refused revocation counts nothing.
    CHECK_THROWS(other.revoke_device(device.id, kT0 + 3000));
    CHECK(repo().device_revocations() == *before + 1);
}

}  // namespace dspt::server::store::test
