// BlobService: sealed evidence chunks go up and come back only to devices that
// may read the file's site, and the server says which chunks it holds.

#include "server/sync/blob_service.hpp"

#include <catch2/catch.hpp>

#include "protocol/codec.hpp"
#include "server/api/router.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::auth::test {

namespace {

constexpr const char* kFile = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

crypto::Bytes chunk_of(std::size_t size, unsigned char fill) {
    return crypto::Bytes(size, fill);
}

std::string text_of(const crypto::Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE_METHOD(AuthFixture,
                 "chunks uploaded by a branch come back to its site and headquarters only",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    auto& blobs = context.blobs;
    CHECK(blobs.status(branch.device, kFile).held.empty());

    blobs.put(branch.device, kFile, 0, "VA1B2", chunk_of(100, 1), now);
    blobs.put(branch.device, kFile, 2, "VA1B2", chunk_of(60, 3), now);
    CHECK(blobs.status(branch.device, kFile).held == std::vector<std::uint32_t>{0, 2});
    // A chunk sent again replaces the first copy; nothing doubles.
    blobs.put(branch.device, kFile, 2, "VA1B2", chunk_of(61, 4), now);
    CHECK(blobs.status(branch.device, kFile).held == std::vector<std::uint32_t>{0, 2});
    CHECK(blobs.get(branch.device, kFile, 2) == chunk_of(61, 4));

    const auto second = enrol_branch("VA1B2");
    CHECK(blobs.get(second.device, kFile, 0) == chunk_of(100, 1));
    const auto hq = enrol_headquarters();
    CHECK(blobs.status(hq.device, kFile).held.size() == 2);
    CHECK(blobs.get(hq.device, kFile, 0) == chunk_of(100, 1));
    CHECK_THAT(require_error(ErrorCode::not_found, [&] { (void)blobs.get(hq.device, kFile, 1); }),
               Catch::Contains("chunk 1"));

    // The sister site, another organisation and a partner reach nothing; the
    // first two are answered as for a file that does not exist, so they cannot
    // tell that it does.
    const auto sister = enrol_branch("VA1B3");
    const auto stranger = enrol_headquarters("XY34");
    for (const auto* outsider : {&sister, &stranger}) {
        CHECK(blobs.status(outsider->device, kFile).held.empty());
        CHECK(require_error(ErrorCode::not_found, [&] {
                  (void)blobs.get(outsider->device, kFile, 0);
              }) == std::string("the server does not hold chunk 0 of evidence file ") + kFile);
    }
    require_error(ErrorCode::forbidden,
                  [&] { blobs.put(sister.device, kFile, 1, "VA1B3", chunk_of(100, 9), now); });
    require_error(ErrorCode::forbidden,
                  [&] { blobs.put(stranger.device, kFile, 1, "VX9Y8", chunk_of(100, 9), now); });
    const auto partner = enrol_partner();
    CHECK_THAT(
        require_error(ErrorCode::forbidden, [&] { (void)blobs.get(partner.device, kFile, 0); }),
        Catch::Contains("partner"));
    require_error(ErrorCode::forbidden, [&] { (void)blobs.status(partner.device, kFile); });
    CHECK(blobs.get(branch.device, kFile, 0) == chunk_of(100, 1));

    // A branch device writes its own site only; organisation-wide is headquarters'.
    constexpr const char* kOther = "1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    require_error(ErrorCode::forbidden,
                  [&] { blobs.put(branch.device, kOther, 0, "VA1B3", chunk_of(100, 1), now); });
    require_error(ErrorCode::forbidden,
                  [&] { blobs.put(branch.device, kOther, 0, "", chunk_of(100, 1), now); });
    blobs.put(hq.device, kOther, 0, "", chunk_of(100, 1), now);
    CHECK(blobs.get(branch.device, kOther, 0) == chunk_of(100, 1));
    CHECK(blobs.get(sister.device, kOther, 0) == chunk_of(100, 1));
}

TEST_CASE_METHOD(AuthFixture, "malformed chunk requests are refused", "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    auto& blobs = context.blobs;
    require_error(ErrorCode::invalid_argument, [&] {
        blobs.put(branch.device, "not-a-uuid", 0, "VA1B2", chunk_of(100, 1), now);
    });
    require_error(ErrorCode::invalid_argument, [&] {
        blobs.put(branch.device, kFile, 0, "VA1B2", chunk_of(sync::kMinChunkBytes - 1, 1), now);
    });
    require_error(ErrorCode::invalid_argument, [&] {
        blobs.put(branch.device, kFile, 0, "VA1B2", chunk_of(sync::kMaxChunkBytes + 1, 1), now);
    });
    blobs.put(branch.device, kFile, 0, "VA1B2", chunk_of(sync::kMaxChunkBytes, 1), now);
    CHECK(sync::parse_chunk_index("2047") == 2047);
    require_error(ErrorCode::invalid_argument, [] { (void)sync::parse_chunk_index("2048"); });
    require_error(ErrorCode::invalid_argument, [] { (void)sync::parse_chunk_index("-1"); });
    require_error(ErrorCode::invalid_argument, [] { (void)sync::parse_chunk_index("1x"); });
    require_error(ErrorCode::invalid_argument, [] { (void)sync::parse_chunk_index(""); });
}

TEST_CASE_METHOD(AuthFixture, "chunks through the router, signed", "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    const api::Router router(context);
    const auto path = std::string("/v1/blobs/") + kFile;
    const auto sealed = text_of(chunk_of(500, 7));
    CHECK(router.handle(sign(branch, "PUT", path + "/0?scope=VA1B2", sealed)).status == 204);
    CHECK(router.handle(sign(branch, "PUT", path + "/1?scope=VA1B3", sealed)).status == 403);
    CHECK(router.handle(sign(branch, "PUT", path + "/x?scope=VA1B2", sealed)).status == 400);
    CHECK(router.handle(sign(branch, "PUT", path + "/1?other=1", sealed)).status == 400);
    CHECK(router.handle(plain_request("PUT", path + "/1?scope=VA1B2", sealed)).status == 401);

    const auto status = router.handle(sign(branch, "GET", path));
    REQUIRE(status.status == 200);
    CHECK(protocol::decode<protocol::BlobStatus>(status.body).held ==
          std::vector<std::uint32_t>{0});
    const auto chunk = router.handle(sign(branch, "GET", path + "/0"));
    REQUIRE(chunk.status == 200);
    CHECK(chunk.body == sealed);
    CHECK(chunk.content_type == "application/octet-stream");
    CHECK(router.handle(sign(branch, "GET", path + "/1")).status == 404);
}

TEST_CASE_METHOD(AuthFixture,
                 "an organisation's evidence stops at its quota, and what no record names is "
                 "collected after its grace",
                 "[unit][server_sync]") {
    const auto branch = enrol_branch("VA1B2");
    server::sync::BlobService quota(*context.repository, context.policy, 250);
    quota.put(branch.device, kFile, 0, "VA1B2", chunk_of(100, 1), now);
    quota.put(branch.device, kFile, 1, "VA1B2", chunk_of(100, 2), now);
    CHECK_THAT(
        require_error(ErrorCode::limit_exceeded,
                      [&] { quota.put(branch.device, kFile, 2, "VA1B2", chunk_of(100, 3), now); }),
        Catch::Contains("storage on the server is full"));
    // A chunk sent again replaces the first copy and is not counted twice.
    quota.put(branch.device, kFile, 1, "VA1B2", chunk_of(140, 4), now);
    CHECK(quota.status(branch.device, kFile).held == std::vector<std::uint32_t>{0, 1});
    // Another organisation has its own quota.
    const auto other = enrol_headquarters("XY34");
    constexpr const char* kTheirs = "2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    quota.put(other.device, kTheirs, 0, "", chunk_of(200, 5), now);

    CHECK(context.repository->storage_use() ==
          std::vector<store::StorageUse>{{"AB12", 1, 240}, {"XY34", 1, 200}});

    // No register names either file: within the grace both stay, after it both go.
    CHECK(context.repository->collect_unreferenced_blobs(now - 1) == store::StorageUse{"", 0, 0});
    CHECK(context.repository->collect_unreferenced_blobs(now + 1) == store::StorageUse{"", 2, 440});
    CHECK(context.repository->storage_use().empty());
    CHECK(quota.status(branch.device, kFile).held.empty());
}

}  // namespace dspt::server::auth::test
