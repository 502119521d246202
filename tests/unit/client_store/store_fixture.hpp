#pragma once
// Shared helpers for the client store's unit tests: a temporary home with a
// freshly created store, raw SQL access to the same file through a second
// connection, and helpers to read files and evidence back.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/standards/bundled.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"

namespace Catch {
template <>
struct StringMaker<dspt::HlcTime> {
    static std::string convert(const dspt::HlcTime& time) { return time.to_string(); }
};
}  // namespace Catch

namespace dspt::client::test {

using dspt::test::require_error;
using dspt::test::thrown_error;

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

inline constexpr std::string_view kPassphrase = "correct horse battery staple";
inline constexpr std::string_view kYear = "2025-26";
// Items of the 2025-26 pack used by the tests, by answer type.
inline constexpr std::string_view kTextItem = "1.1.1";      // text
inline constexpr std::string_view kDocumentItem = "1.1.2";  // document
inline constexpr std::string_view kConfirmItem = "1.1.6";   // confirm

using TempDir = dspt::test::TempDir;

inline CreateOptions test_options(std::string site_name = "Rose Lodge Care Home") {
    CreateOptions options;
    options.site_name = std::move(site_name);
    options.pack = standards::bundled_pack(kYear);
    options.kdf_strength = crypto::KdfStrength::minimal;
    return options;
}

inline Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    REQUIRE(out);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out);
}

// `size` bytes that differ from file to file (seeded) and from chunk to chunk.
inline Bytes pseudo_random_bytes(std::size_t size, std::uint32_t seed) {
    std::mt19937 random(seed);
    Bytes bytes(size);
    std::generate(bytes.begin(), bytes.end(),
                  [&random] { return static_cast<unsigned char>(random() & 0xff); });
    return bytes;
}

inline bool contains(const Bytes& haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

// The bytes of the database file and of its write-ahead log, if there is one.
inline Bytes store_file_bytes(const fs::path& path) {
    Bytes bytes = read_bytes(path);
    const fs::path wal = path.string() + "-wal";
    if (fs::exists(wal)) {
        const Bytes log = read_bytes(wal);
        bytes.insert(bytes.end(), log.begin(), log.end());
    }
    return bytes;
}

inline std::string hash_of(const Bytes& bytes) {
    return crypto::to_hex(crypto::blake2b(bytes));
}

// A branch device of organisation `ods` (`name`), site `site`, with new keys.
inline DeviceIdentity branch_device(std::string ods, std::string name, std::string site,
                                    std::string device_id = "device-1",
                                    std::string server_url = "http://127.0.0.1:9") {
    DeviceIdentity identity;
    identity.server_url = std::move(server_url);
    identity.device_id = std::move(device_id);
    identity.role = protocol::Role::branch;
    identity.organisation_ods = std::move(ods);
    identity.organisation_name = std::move(name);
    identity.site_ods = std::move(site);
    identity.signing = crypto::SigningKeyPair::generate();
    identity.box = crypto::BoxKeyPair::generate();
    return identity;
}

// A branch device of Acorn Homecare (AB1), site VA1B2, with new keys.
inline DeviceIdentity acorn_branch_device(std::string device_id = "device-1",
                                          std::string server_url = "http://127.0.0.1:9") {
    return branch_device("AB1", "Acorn Homecare", "VA1B2", std::move(device_id),
                         std::move(server_url));
}

// A second connection to the store's file, as someone editing it outside dspt.
class RawDb {
  public:
    explicit RawDb(const fs::path& path) : db_(path, {sqlite::OpenMode::read_write}) {}

    void execute(std::string_view sql) { db_.execute(sql); }

    std::int64_t integer(std::string_view sql, std::optional<std::string_view> param = {}) {
        sqlite::Statement select(db_, sql);
        if (param) {
            select.bind(1, *param);
        }
        REQUIRE(select.step());
        return select.column_int64(0);
    }

    Bytes blob(std::string_view sql, std::optional<std::string_view> param = {}) {
        sqlite::Statement select(db_, sql);
        if (param) {
            select.bind(1, *param);
        }
        REQUIRE(select.step());
        return select.column_blob(0);
    }

    // Every row's columns of a query, as bytes, in the query's order.
    std::vector<Bytes> rows(std::string_view sql) {
        sqlite::Statement select(db_, sql);
        std::vector<Bytes> result;
        while (select.step()) {
            for (int i = 0; i < select.column_count(); ++i) {
                result.push_back(select.column_blob(i));
            }
        }
        return result;
    }

    // Runs an UPDATE/DELETE with a blob as ?1 and optional text as ?2.
    void run(std::string_view sql, const Bytes& blob, std::optional<std::string_view> text = {}) {
        sqlite::Statement statement(db_, sql);
        statement.bind(1, sqlite::Blob(blob));
        if (text) {
            statement.bind(2, *text);
        }
        statement.execute();
        REQUIRE(db_.changes() > 0);
    }

    void run(std::string_view sql, std::string_view text) {
        sqlite::Statement statement(db_, sql);
        statement.bind(1, text);
        statement.execute();
        REQUIRE(db_.changes() > 0);
    }

    void checkpoint() { db_.execute("PRAGMA wal_checkpoint(TRUNCATE)"); }

    sqlite::Database& db() noexcept { return db_; }

  private:
    sqlite::Database db_;
};

// A temporary home holding a new store, created with the test passphrase.
struct StoreHome {
    TempDir dir;
    fs::path path = LocalStore::file_in(dir.path() / "home");

    explicit StoreHome(const CreateOptions& options = test_options()) {
        LocalStore::create(path, kPassphrase, options);
    }

    std::unique_ptr<LocalStore> open(std::string_view passphrase = kPassphrase) const {
        return LocalStore::open(path, passphrase);
    }

    // Writes `content` to a file called `name` in the temp dir and returns its path.
    fs::path make_file(std::string_view name, const Bytes& content) const {
        const auto file = dir.file(name);
        write_bytes(file, content);
        return file;
    }

    fs::path make_file(std::string_view name, std::string_view content) const {
        return make_file(name, Bytes(content.begin(), content.end()));
    }

    // Reads evidence back through get() into a fresh file and returns its bytes.
    Bytes read_evidence(LocalStore& store, std::string_view id) const {
        const auto out = dir.file("out-" + std::string(id));
        std::error_code ignored;
        fs::remove(out, ignored);
        store.evidence().get(id, out, false);
        auto bytes = read_bytes(out);
        fs::remove(out);
        return bytes;
    }
};

inline assessment::PlanEntry plan_entry(std::string_view item, std::string action,
                                        std::string owner = "Registered Manager",
                                        std::string_view due = "2026-03-31") {
    const auto date = Date::parse(due);
    REQUIRE(date.has_value());
    return {std::string(item), std::move(action), std::move(owner), *date};
}

inline Bytes flip_byte(Bytes bytes, std::size_t index) {
    REQUIRE(index < bytes.size());
    bytes[index] ^= 0x01;
    return bytes;
}

}  // namespace dspt::client::test
