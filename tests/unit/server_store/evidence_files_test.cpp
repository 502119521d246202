// The embedded store keeps evidence chunks as files beside server.db: each chunk is
// one private file that reads back byte for byte, a chunk sent again or collected
// leaves no file behind, a file no row names is swept once it is old enough, and
// chunks an earlier version kept in the table still read, count and get replaced.

#include "server/store/evidence_files.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "common/clock/hybrid_clock.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/server_store/sync_fixture.hpp"

namespace dspt::server::store::test {

namespace {

constexpr const char* kEvidenceOne = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
constexpr const char* kEvidenceTwo = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

std::int64_t now_in_ms() {
    return static_cast<std::int64_t>(HybridClock::system_millis());
}

// Every regular file under `dir`, by name.
std::set<std::string> files_under(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) {
            names.insert(entry.path().filename().string());
        }
    }
    return names;
}

// Sets the file's modification time `age` into the past.
void make_older(const std::filesystem::path& file, std::chrono::minutes age) {
    std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() - age);
}

}  // namespace

TEST_CASE("an evidence chunk file is private, reads back whole and is checked for its size",
          "[unit][server_store]") {
    dspt::test::TempDir dir;
    const EvidenceFiles files(dir.path() / "evidence");
    const crypto::Bytes chunk(5000, 0x42);
    const auto name = files.write(kEvidenceOne, 3, chunk);
    CHECK(name.rfind(std::string(kEvidenceOne) + ".3.", 0) == 0);
    const auto path = files.path_of(name);
    CHECK(path.parent_path().parent_path() == dir.path() / "evidence");
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    REQUIRE(::stat((dir.path() / "evidence").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);

    CHECK(files.read(name, chunk.size()) == chunk);
    // The same chunk again is another file: a reader of the first never sees it change.
    const auto again = files.write(kEvidenceOne, 3, chunk);
    CHECK(again != name);

    // A file cut short (or grown) is refused, not served.
    std::filesystem::resize_file(path, 4000);
    CHECK_THAT(require_error(ErrorCode::corrupt, [&] { files.read(name, chunk.size()); }),
               Catch::Contains(path.string()));

    files.remove(name);
    files.remove(name);  // already gone: nothing to do
    CHECK_FALSE(files.read(name, chunk.size()));
    CHECK(files.read(again, chunk.size()) == chunk);

    // A shard directory removed while the store is open is made again.
    std::filesystem::remove_all(path.parent_path());
    const auto after_removal = files.write(kEvidenceOne, 4, chunk);
    CHECK(files.read(after_removal, chunk.size()) == chunk);

    // A name never leads out of the directory.
    for (const auto* bad : {"../../etc/passwd", "ab/cd", "..", "x", ".hidden", "AB.1"}) {
        require_error(ErrorCode::invalid_argument, [&] { files.path_of(bad); });
    }
}

TEST_CASE("a sweep removes old chunk files nothing names and keeps the rest",
          "[unit][server_store]") {
    dspt::test::TempDir dir;
    const EvidenceFiles files(dir.path() / "evidence");
    const crypto::Bytes chunk(100, 0x07);
    const auto named = files.write(kEvidenceOne, 0, chunk);
    const auto stray = files.write(kEvidenceOne, 1, chunk);
    const auto fresh = files.write(kEvidenceTwo, 0, chunk);
    make_older(files.path_of(named), std::chrono::minutes(60));
    make_older(files.path_of(stray), std::chrono::minutes(60));

    CHECK(files.sweep({named}, now_in_ms() - 30 * 60 * 1000) == 1);
    CHECK(files_under(dir.path()) == std::set<std::string>{named, fresh});
    CHECK(files.sweep({named}, now_in_ms() - 30 * 60 * 1000) == 0);
}

TEST_CASE_METHOD(SyncFixture, "the embedded store keeps each chunk as one file beside it",
                 "[unit][server_store][sqlite]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    const auto evidence = EvidenceFiles::directory_in(data_dir());
    const auto first = crypto::random_bytes(3000);
    repo().put_blob_chunk(kEvidenceOne, lodge, 0, first, kT0, 0);
    repo().put_blob_chunk(kEvidenceOne, lodge, 1, crypto::random_bytes(10), kT0, 0);
    CHECK(files_under(evidence).size() == 2);
    CHECK(repo().blob_chunk(kEvidenceOne, 0) == first);

    // Sent again: the new bytes, and still one file for the chunk.
    const auto second = crypto::random_bytes(2900);
    repo().put_blob_chunk(kEvidenceOne, lodge, 0, second, kT0, 0);
    CHECK(files_under(evidence).size() == 2);
    CHECK(repo().blob_chunk(kEvidenceOne, 0) == second);
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 1, 2910}});
    reopen();
    CHECK(repo().blob_chunk(kEvidenceOne, 0) == second);

    // Refused (another site's file): no file is left behind.
    require_error(ErrorCode::forbidden, [&] {
        repo().put_blob_chunk(kEvidenceOne, BlobOwner{"AB12", "VA1B3"}, 2, crypto::random_bytes(9),
                              kT0, 0);
    });
    CHECK(files_under(evidence).size() == 2);

    // Collected: the rows and the files go.
    CHECK(repo().collect_unreferenced_blobs(kT0 + 1) == StorageUse{"", 1, 2910});
    CHECK(files_under(evidence).empty());
    CHECK_FALSE(repo().blob_chunk(kEvidenceOne, 0));
}

TEST_CASE_METHOD(SyncFixture,
                 "a collection sweeps chunk files left by a write that never committed",
                 "[unit][server_store][sqlite]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    repo().put_blob_chunk(kEvidenceOne, lodge, 0, crypto::random_bytes(100), kT0, 0);
    auto named = change("r1", 1, std::string("2025-26/evidence/") + kEvidenceOne, 0, "a");
    push(branch, {named});
    // As a crash between writing a file and committing its row leaves them.
    const EvidenceFiles files(EvidenceFiles::directory_in(data_dir()));
    const auto old_stray = files.write(kEvidenceTwo, 0, crypto::random_bytes(50));
    const auto new_stray = files.write(kEvidenceTwo, 1, crypto::random_bytes(50));
    make_older(files.path_of(old_stray), std::chrono::minutes(11));
    const auto kept = files_under(files.directory());
    REQUIRE(kept.size() == 3);

    // Even with no grace at all, a file younger than ten minutes may be a chunk whose
    // row is about to commit: it stays.
    CHECK(repo().collect_unreferenced_blobs(now_in_ms() + 1000) == StorageUse{"", 0, 0});
    auto left = kept;
    left.erase(old_stray);
    CHECK(files_under(files.directory()) == left);
    CHECK(repo().blob_chunks_held(kEvidenceOne) == std::vector<std::uint32_t>{0});
    CHECK(repo().blob_chunk(kEvidenceOne, 0));
    (void)new_stray;
}

TEST_CASE_METHOD(SyncFixture, "chunks an earlier version kept in the table still serve",
                 "[unit][server_store][sqlite]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    repo().put_blob_chunk(kEvidenceOne, lodge, 1, crypto::random_bytes(40), kT0, 0);
    const crypto::Bytes legacy(70, 0x11);
    {
        // As a store from before chunk files holds it (or a restored backup).
        sqlite::Database db(SqliteRepository::file_in(data_dir()));
        sqlite::Statement insert(
            db, "INSERT INTO blob_chunks (evidence_id, idx, data) VALUES (?1, 0, ?2)");
        insert.bind(1, std::string(kEvidenceOne));
        insert.bind(2, sqlite::Blob(legacy.data(), legacy.size()));
        insert.execute();
    }
    CHECK(repo().blob_chunks_held(kEvidenceOne) == std::vector<std::uint32_t>{0, 1});
    CHECK(repo().blob_chunk(kEvidenceOne, 0) == legacy);
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 1, 110}});
    // The quota counts it, and replacing it counts only the difference.
    require_error(ErrorCode::limit_exceeded, [&] {
        repo().put_blob_chunk(kEvidenceOne, lodge, 2, crypto::random_bytes(91), kT0, 200);
    });
    const auto replacement = crypto::random_bytes(160);
    repo().put_blob_chunk(kEvidenceOne, lodge, 0, replacement, kT0, 200);
    CHECK(repo().blob_chunk(kEvidenceOne, 0) == replacement);
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 1, 200}});
    {
        sqlite::Database db(SqliteRepository::file_in(data_dir()));
        sqlite::Statement count(db, "SELECT COUNT(*) FROM blob_chunks");
        REQUIRE(count.step());
        CHECK(count.column_int64(0) == 0);
    }
    CHECK(repo().collect_unreferenced_blobs(kT0 + 1) == StorageUse{"", 1, 200});
    CHECK(files_under(EvidenceFiles::directory_in(data_dir())).empty());
}

}  // namespace dspt::server::store::test
