// Sealed evidence chunks in the server store: a file belongs to the organisation and
// scope of its first chunk, the quota refuses a write without changing anything, and
// a collection removes only the files nothing names any more.

#include <catch2/catch.hpp>

#include "tests/unit/server_store/sync_fixture.hpp"

namespace dspt::server::store::test {

namespace {

constexpr const char* kFileA = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
constexpr const char* kFileB = "1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

crypto::Bytes sealed_chunk(std::size_t size, unsigned char fill) {
    return crypto::Bytes(size, fill);
}

}  // namespace

TEST_CASE_METHOD(SyncFixture, "an evidence file's chunks belong to the scope of its first chunk",
                 "[unit][server_store]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    CHECK_FALSE(repo().find_blob(kFileA));
    CHECK(repo().blob_chunks_held(kFileA).empty());

    repo().put_blob_chunk(kFileA, lodge, 2, sealed_chunk(60, 2), kT0, 0);
    repo().put_blob_chunk(kFileA, lodge, 0, sealed_chunk(100, 1), kT0, 0);
    CHECK(repo().find_blob(kFileA) == lodge);
    CHECK(repo().blob_chunks_held(kFileA) == std::vector<std::uint32_t>{0, 2});
    // A chunk sent again replaces the first copy.
    repo().put_blob_chunk(kFileA, lodge, 2, sealed_chunk(61, 3), kT0, 0);
    CHECK(repo().blob_chunk(kFileA, 2) == sealed_chunk(61, 3));
    CHECK_FALSE(repo().blob_chunk(kFileA, 1));

    // Another site or organisation cannot add to it.
    for (const auto& stranger :
         {BlobOwner{"AB12", "VA1B3"}, BlobOwner{"AB12", ""}, BlobOwner{"VC9D8", "VC9D8"}}) {
        CHECK_THAT(
            require_error(
                ErrorCode::forbidden,
                [&] { repo().put_blob_chunk(kFileA, stranger, 1, sealed_chunk(5, 9), kT0, 0); }),
            Catch::Contains(kFileA));
    }
    CHECK(repo().blob_chunks_held(kFileA) == std::vector<std::uint32_t>{0, 2});
    require_error(ErrorCode::not_found, [&] {
        repo().put_blob_chunk(kFileB, BlobOwner{"ZZ99", ""}, 0, sealed_chunk(5, 9), kT0, 0);
    });
    CHECK_FALSE(repo().find_blob(kFileB));

    repo().put_blob_chunk(kFileB, BlobOwner{"VC9D8", "VC9D8"}, 0, sealed_chunk(40, 4), kT0, 0);
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 1, 161}, {"VC9D8", 1, 40}});
}

TEST_CASE_METHOD(SyncFixture,
                 "a chunk over the organisation's quota is refused and changes nothing",
                 "[unit][server_store]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    constexpr std::uint64_t kQuota = 300;
    repo().put_blob_chunk(kFileA, lodge, 0, sealed_chunk(200, 1), kT0, kQuota);
    // Replacing a chunk counts only the difference.
    repo().put_blob_chunk(kFileA, lodge, 0, sealed_chunk(250, 2), kT0, kQuota);
    CHECK_THAT(
        require_error(
            ErrorCode::limit_exceeded,
            [&] { repo().put_blob_chunk(kFileB, lodge, 0, sealed_chunk(51, 3), kT0, kQuota); }),
        Catch::Contains("full"));
    CHECK_FALSE(repo().find_blob(kFileB));
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 1, 250}});
    repo().put_blob_chunk(kFileB, lodge, 0, sealed_chunk(50, 3), kT0, kQuota);
    // Another organisation's room is its own.
    repo().put_blob_chunk("2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", BlobOwner{"VC9D8", "VC9D8"}, 0,
                          sealed_chunk(300, 4), kT0, kQuota);
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 2, 300}, {"VC9D8", 1, 300}});
}

TEST_CASE_METHOD(SyncFixture,
                 "the quota counts the room a collection by another connection gave back",
                 "[unit][server_store]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    constexpr std::uint64_t kQuota = 250;
    repo().put_blob_chunk(kFileA, lodge, 0, sealed_chunk(100, 1), kT0, kQuota);
    repo().put_blob_chunk(kFileA, lodge, 1, sealed_chunk(100, 2), kT0, kQuota);
    require_error(ErrorCode::limit_exceeded, [&] {
        repo().put_blob_chunk(kFileB, lodge, 0, sealed_chunk(100, 3), kT0, kQuota);
    });

    // As `dspt-server admin collect-evidence` beside the running server: nothing names
    // file A, so its room comes back.
    CHECK(open()->collect_unreferenced_blobs(kT0 + 1000) == StorageUse{"", 1, 200});
    repo().put_blob_chunk(kFileB, lodge, 0, sealed_chunk(100, 3), kT0, kQuota);
    repo().put_blob_chunk(kFileB, lodge, 1, sealed_chunk(100, 4), kT0, kQuota);
    // A chunk stored without a quota still counts when one applies again.
    repo().put_blob_chunk(kFileB, lodge, 2, sealed_chunk(40, 5), kT0, 0);
    require_error(ErrorCode::limit_exceeded, [&] {
        repo().put_blob_chunk(kFileB, lodge, 3, sealed_chunk(20, 6), kT0, kQuota);
    });
    // Replacing a chunk counts only the difference, as before.
    repo().put_blob_chunk(kFileB, lodge, 2, sealed_chunk(50, 7), kT0, kQuota);
    CHECK(repo().storage_use() == std::vector<StorageUse>{{"AB12", 1, 250}});
}

TEST_CASE_METHOD(SyncFixture, "a collection removes the files no live evidence register names",
                 "[unit][server_store]") {
    const BlobOwner lodge{"AB12", "VA1B2"};
    constexpr const char* kRemoved = "2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    constexpr const char* kNew = "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    repo().put_blob_chunk(kFileA, lodge, 0, sealed_chunk(100, 1), kT0, 0);  // named
    repo().put_blob_chunk(kFileB, lodge, 0, sealed_chunk(70, 2), kT0, 0);   // never named
    repo().put_blob_chunk(kFileB, lodge, 1, sealed_chunk(30, 2), kT0, 0);
    repo().put_blob_chunk(kRemoved, lodge, 0, sealed_chunk(10, 3), kT0, 0);     // removed
    repo().put_blob_chunk(kNew, lodge, 0, sealed_chunk(10, 4), kT0 + 5000, 0);  // uploading

    auto named = change("r1", 1, std::string("2025-26/evidence/") + kFileA, 0, "a");
    auto removed = change("r1", 2, std::string("2025-26/evidence/") + kRemoved, 0, "b");
    auto removal = change("r1", 3, std::string("2025-26/evidence/") + kRemoved, 2, "");
    removal.payload = R"({"deleted":true})";
    push(branch, {named, removed, removal});

    CHECK(repo().collect_unreferenced_blobs(kT0 + 1000) == StorageUse{"", 2, 110});
    CHECK(repo().find_blob(kFileA));
    CHECK_FALSE(repo().find_blob(kFileB));
    CHECK(repo().blob_chunks_held(kFileB).empty());
    CHECK_FALSE(repo().find_blob(kRemoved));
    CHECK(repo().find_blob(kNew));
    CHECK(repo().collect_unreferenced_blobs(kT0 + 1000) == StorageUse{"", 0, 0});
}

}  // namespace dspt::server::store::test
