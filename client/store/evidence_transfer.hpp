#pragma once
// The sync side of evidence files (docs/security.md, "Evidence end to end"): what waits to be
// uploaded or downloaded, the sealed chunks as they travel, and the register
// entry of a file once every chunk is on the server.
//
// Chunks travel exactly as stored (evidence_format.hpp), so uploading reads
// rows and downloading writes them; each downloaded chunk is checked against
// the file's key before it is kept, so a server that altered, swapped or
// replayed a chunk is caught at once. Every call is its own transaction (or
// runs inside the caller's, for receive() and forget()), so a process killed
// at any point resumes where it stopped.
//
// Thread-safety: as LocalStore, but for sealed_chunk(): it reads through a
// read-only connection of its own (a store in a file), so one thread may read the
// next chunk while another uses the store meanwhile (the request that sends the
// chunk before it takes its MAC counters from the store). One sealed_chunk() at a
// time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/store/evidence_store.hpp"
#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/sqlite/database.hpp"

namespace dspt::client {

class LocalStore;

class EvidenceTransfers {
  public:
    explicit EvidenceTransfers(LocalStore& store) : store_(store) {}

    // Files of this store's assessment waiting to be uploaded, oldest first.
    std::vector<EvidenceFile> uploads_pending();

    // Their bytes.
    std::uint64_t upload_bytes_pending();

    // When the oldest of them was added (Unix ms); 0 when none waits.
    std::int64_t oldest_upload_added_at_ms();

    // One sealed chunk of a file, as uploaded (the body of its request), as
    // committed in the store, with the hash its request is authenticated with
    // (protocol::request_body_hash) when the store kept one ("" otherwise).
    struct SealedChunk {
        std::string sealed;
        std::string body_hash;
    };
    SealedChunk sealed_chunk(std::string_view evidence_id, std::uint32_t index);

    // True when sealed_chunk() reads through a connection of its own, so it may run on
    // one thread while another uses the store; false for a store in memory.
    bool reads_chunks_apart() const;

    // Records that every chunk of the file is on the server and writes its
    // register entry to the outbox, carrying the manifest and the file key
    // wrapped by `organisation_key`, in one transaction.
    void finish_upload(std::string_view evidence_id, const crypto::SecretKey& organisation_key);

    // Records a file another device added to `scope`'s assessment
    // (LocalStore::scope()), from its pulled register value, to be downloaded.
    // A file already here stays as it is, unless it was carried over from the
    // previous year: then another device reviewed its item, so the file is on
    // the server for the new year and its item's mark goes. Must run inside the
    // caller's transaction. invalid_argument for a value that is not a
    // well-formed evidence record; authentication_failed when its file key
    // does not open under `organisation_key`.
    void receive(const std::string& scope, const nlohmann::json& value,
                 const crypto::SecretKey& organisation_key);

    // Removes a file another device removed; inside the caller's transaction.
    void forget(std::string_view evidence_id);

    // Files pulled from other devices whose chunks are still arriving.
    std::vector<EvidenceFile> downloads_pending();

    // The chunk indexes already here.
    std::vector<std::uint32_t> chunks_here(std::string_view evidence_id);

    // Keeps one downloaded chunk after checking that it opens under the file's
    // key as chunk `index` of this file; ErrorCode::corrupt otherwise. The
    // file becomes readable with its last chunk.
    void store_chunk(std::string_view evidence_id, std::uint32_t index, crypto::ByteView sealed);

  private:
    crypto::SecretKey file_key(std::string_view evidence_id);
    // Records that the server holds the file for this year: synced, or
    // downloading while chunks are missing here.
    void mark_on_server(std::string_view evidence_id);

    LocalStore& store_;
    // sealed_chunk()'s connection, opened on its first call; none for a store in
    // memory, which has no second connection (then the store's own serves).
    std::optional<sqlite::Database> chunk_reader_;
};

}  // namespace dspt::client
