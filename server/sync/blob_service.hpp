#pragma once
// Evidence chunks for authenticated devices (docs/security.md, "Evidence end to end"): a
// device uploads the sealed chunks of a file before its register entry, asks
// which chunks the server holds to resume an interrupted upload, and another
// device of the organisation downloads them. The server cannot open a chunk:
// it checks only who may reach the file and the chunk's size.
//
// Who reaches a file: its first chunk claims it for the uploading device's
// organisation and the scope named (the device's site, or for a headquarters
// device any site of its organisation or "" organisation-wide), with the same
// rules as pushing a change to that scope. Reading follows pulling: a branch
// device reads its own site's files and the organisation-wide ones, a
// headquarters device every file of its organisation, a partner device none.
//
// Thread-safety: as the repository.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "protocol/limits.hpp"
#include "protocol/sync_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"
#include "server/sync/scope_access.hpp"

namespace dspt::server::sync {

// A chunk is 1 MiB of a file sealed with XChaCha20-Poly1305 (nonce and tag).
inline constexpr std::size_t kMaxChunkBytes = (std::size_t{1} << 20) + 24 + 16;
inline constexpr std::size_t kMinChunkBytes = 24 + 16 + 1;
// Files are at most 2 GiB: 2048 chunks.
inline constexpr std::uint32_t kMaxChunkIndex = protocol::kMaxBlobChunks - 1;

class BlobService {
  public:
    // `quota_bytes`: the most evidence chunk bytes one organisation may hold
    // (0: no quota); a chunk that would take it past is refused with
    // limit_exceeded, saying how full it is.
    BlobService(store::Repository& repository, const auth::AccessPolicy& policy,
                std::uint64_t quota_bytes = 0)
        : repository_(repository), scopes_(repository, policy), quota_bytes_(quota_bytes) {}

    // The chunks held of a file the device may read; none for a file no chunk
    // has reached yet, and none for a file it may not read (another
    // organisation's, a sister site's), so that the answer never tells that
    // such a file exists. A partner device, which never syncs, is forbidden.
    protocol::BlobStatus status(const store::Device& device, const std::string& evidence_id) const;

    // Stores one chunk of a file of `scope`.
    void put(const store::Device& device, const std::string& evidence_id, std::uint32_t index,
             const std::string& scope, crypto::ByteView sealed, std::int64_t at_ms);

    // One chunk's sealed bytes; not_found when the server does not hold it or
    // the device may not read the file (one answer for both, as status()).
    crypto::Bytes get(const store::Device& device, const std::string& evidence_id,
                      std::uint32_t index) const;

  private:
    // Whether some chunk of the file has arrived and `device` may read it.
    bool readable(const store::Device& device, const std::string& evidence_id) const;

    store::Repository& repository_;
    ScopeAccess scopes_;
    std::uint64_t quota_bytes_;
};

// Checks an evidence id (a UUID as the client makes them) and a chunk index
// taken from a request path; invalid_argument otherwise.
void check_evidence_id(std::string_view evidence_id);
std::uint32_t parse_chunk_index(std::string_view text);

}  // namespace dspt::server::sync
