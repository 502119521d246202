#pragma once
// Shared helpers for the server store's unit tests: a fresh store per test, and
// builders for the registry, tokens and devices the tests enrol.
//
// The store is the embedded SqliteRepository in a fresh data directory, or, when the
// run tests PostgreSQL (DSPT_TEST_POSTGRES, tests/support/test_store.hpp), a
// PgRepository in a fresh schema: the same test cases run against both. Cases about
// the embedded store alone (its files, WAL, group commit) are tagged [sqlite] and
// left out of the PostgreSQL run.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <catch2/catch.hpp>

#include "common/crypto/bytes.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_store.hpp"

namespace dspt::server::store::test {

using dspt::test::require_error;

namespace fs = std::filesystem;

// A fixed time, so expected values are exact.
inline constexpr std::int64_t kT0 = 1'760'000'000'000;  // October 2025, in Unix ms

using TempDir = dspt::test::TempDir;

// Polls `done` until it holds or `limit` passes; says whether it held.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

// A data directory with an open repository, and the registry most tests start from:
// HQ "AB12" with sites "VA1B2" and "VA1B3", and single-site provider "VC9D8".
class StoreFixture {
  public:
    StoreFixture() { repo_ = open(); }

    fs::path data_dir() const { return dir_.path() / "data"; }

    // Opens the test's store (another connection to it when it is already open).
    std::unique_ptr<Repository> open() const {
        if (postgresql()) {
            return std::make_unique<PgRepository>(store_.location());
        }
        return std::make_unique<SqliteRepository>(data_dir());
    }
    // The embedded store with options: for [sqlite] cases only.
    std::unique_ptr<SqliteRepository> open_sqlite(SqliteOptions options) const {
        return std::make_unique<SqliteRepository>(data_dir(), options);
    }

    // Whether this run tests PostgreSQL.
    static bool postgresql() { return dspt::test::testing_postgresql(); }
    // The PostgreSQL location of this test's store ("" on the embedded store).
    const std::string& location() const { return store_.location(); }

    // Closes the repository and opens the same data directory again.
    void reopen() {
        repo_.reset();
        repo_ = open();
    }

    // Closes the repository (every connection); reopen() opens it again.
    void close() { repo_.reset(); }

    Repository& repo() { return *repo_; }
    // The embedded store: for [sqlite] cases only.
    SqliteRepository& sqlite_repo() { return dynamic_cast<SqliteRepository&>(*repo_); }

    void seed_registry() {
        repo().create_organisation(organisation("AB12", "Rose Care Group", true));
        repo().add_site(Site{"VA1B2", "AB12", "1-123456789", "Rose Lodge"});
        repo().add_site(Site{"VA1B3", "AB12", "1-987654321", "Rose Court"});
        repo().create_organisation(organisation("VC9D8", "Oak Homecare", false));
        repo().add_site(Site{"VC9D8", "VC9D8", "1-555555555", "Oak Homecare Office"});
    }

    static Organisation organisation(std::string ods, std::string name, bool hq) {
        return Organisation{std::move(ods), std::move(name), hq, std::nullopt, kT0};
    }

    static crypto::Bytes verifier(unsigned char fill = 0x5a) { return crypto::Bytes(32, fill); }

    // An unused branch token for site VA1B2 of AB12, valid for an hour from kT0.
    static EnrolmentToken branch_token(std::string token_id = "0123456789abcdef") {
        EnrolmentToken token;
        token.token_id = std::move(token_id);
        token.verifier = verifier();
        token.role = DeviceRole::branch;
        token.organisation_ods = "AB12";
        token.site_ods = "VA1B2";
        token.created_by = "admin";
        token.created_at_ms = kT0;
        token.expires_at_ms = kT0 + 3'600'000;
        token.organisation_key_envelope = crypto::Bytes(72, 0xe1);
        return token;
    }

    // A new device with the scope of `token` and fresh keys.
    static Device device_for(const EnrolmentToken& token, std::string name = "Reception PC") {
        Device device;
        device.id = crypto::random_uuid();
        device.role = token.role;
        device.organisation_ods = token.organisation_ods;
        device.site_ods = token.site_ods;
        device.partner_id = token.partner_id;
        device.signing_public_key = crypto::random_bytes(32);
        device.box_public_key = crypto::random_bytes(32);
        device.name = std::move(name);
        return device;
    }

    // Creates a token and enrols a device with it at kT0 + 1000.
    Device enrol(const EnrolmentToken& token, std::string name = "Reception PC") {
        repo().create_token(token);
        return repo().enrol_device(token.token_id, token.verifier, device_for(token, name),
                                   kT0 + 1000);
    }

  private:
    TempDir dir_;
    dspt::test::TestStore store_;  // destroyed after repo_ closes its connections
    std::unique_ptr<Repository> repo_;
};

}  // namespace dspt::server::store::test
