#include "server/sync/blob_service.hpp"

#include <charconv>

#include "common/error.hpp"

namespace dspt::server::sync {

void check_evidence_id(std::string_view evidence_id) {
    // 8-4-4-4-12 lower-case hex digits.
    bool ok = evidence_id.size() == 36;
    for (std::size_t i = 0; ok && i < evidence_id.size(); ++i) {
        const char c = evidence_id[i];
        ok = (i == 8 || i == 13 || i == 18 || i == 23)
                 ? c == '-'
                 : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
    if (!ok) {
        fail(ErrorCode::invalid_argument, "an evidence id is a lower-case UUID");
    }
}

std::uint32_t parse_chunk_index(std::string_view text) {
    std::uint32_t index = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
        index > kMaxChunkIndex) {
        fail(ErrorCode::invalid_argument,
             "a chunk index is a whole number from 0 to " + std::to_string(kMaxChunkIndex));
    }
    return index;
}

bool BlobService::readable(const store::Device& device, const std::string& evidence_id) const {
    const auto owner = repository_.find_blob(evidence_id);
    if (!owner) {
        return false;
    }
    try {
        scopes_.require(device, owner->organisation_ods, owner->scope, auth::Access::read);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::forbidden) {
            throw;
        }
        return false;  // answered as a file no chunk has reached
    }
    return true;
}

protocol::BlobStatus BlobService::status(const store::Device& device,
                                         const std::string& evidence_id) const {
    check_evidence_id(evidence_id);
    require_syncing_device(device);
    protocol::BlobStatus status;
    status.evidence_id = evidence_id;
    if (readable(device, evidence_id)) {
        status.held = repository_.blob_chunks_held(evidence_id);
    }
    return status;
}

void BlobService::put(const store::Device& device, const std::string& evidence_id,
                      std::uint32_t index, const std::string& scope, crypto::ByteView sealed,
                      std::int64_t at_ms) {
    check_evidence_id(evidence_id);
    scopes_.require(device, device.organisation_ods, scope, auth::Access::write);
    if (sealed.size() < kMinChunkBytes || sealed.size() > kMaxChunkBytes) {
        fail(ErrorCode::invalid_argument, "a sealed chunk is " + std::to_string(kMinChunkBytes) +
                                              " to " + std::to_string(kMaxChunkBytes) +
                                              " bytes, not " + std::to_string(sealed.size()));
    }
    repository_.put_blob_chunk(evidence_id, {device.organisation_ods, scope}, index, sealed, at_ms,
                               quota_bytes_);
}

crypto::Bytes BlobService::get(const store::Device& device, const std::string& evidence_id,
                               std::uint32_t index) const {
    check_evidence_id(evidence_id);
    require_syncing_device(device);
    auto chunk =
        readable(device, evidence_id) ? repository_.blob_chunk(evidence_id, index) : std::nullopt;
    if (!chunk) {
        fail(ErrorCode::not_found, "the server does not hold chunk " + std::to_string(index) +
                                       " of evidence file " + evidence_id);
    }
    return std::move(*chunk);
}

}  // namespace dspt::server::sync
