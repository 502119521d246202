// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void blobs_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
std::optional<BlobOwner> PgRepository::find_blob(std::string_view evidence_id) const {
    blobs_not_yet("find_blob");
}

void PgRepository::put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner,
                                  std::uint32_t index, crypto::ByteView sealed, std::int64_t at_ms,
                                  std::uint64_t quota_bytes) {
    blobs_not_yet("put_blob_chunk");
}

std::vector<StorageUse> PgRepository::storage_use() const {
    blobs_not_yet("storage_use");
}

StorageUse PgRepository::collect_unreferenced_blobs(std::int64_t before_ms) {
    blobs_not_yet("collect_unreferenced_blobs");
}

std::vector<std::uint32_t> PgRepository::blob_chunks_held(std::string_view evidence_id) const {
    blobs_not_yet("blob_chunks_held");
}

std::optional<crypto::Bytes> PgRepository::blob_chunk(std::string_view evidence_id,
                                                      std::uint32_t index) const {
    blobs_not_yet("blob_chunk");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
