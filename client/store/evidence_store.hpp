#pragma once
// Evidence files in the local store.
//
// A file is split into 1 MiB chunks. Each file has its own random key, kept
// only wrapped by the data key; each chunk is sealed under the file key with
// "<evidence id>|<chunk index>" as associated data, so chunks cannot be
// reordered, swapped between files or dropped unnoticed. A sealed manifest
// (name, size, chunk count, BLAKE2b-256 of the content, item) is checked when the
// file is read back, so get() returns exactly the bytes that were added or fails.
// The row's clear item, size and chunk count must agree with the manifest: a row
// edited outside dspt is ErrorCode::corrupt in find(), list() and get().
//
// add() streams the file through a 1 MiB buffer, so memory stays bounded for
// files of hundreds of megabytes, and writes every chunk and the evidence row in
// one transaction: a process killed mid-way leaves no trace of the file.
//
// Sync (evidence_transfer.hpp): a file added here waits, marked for upload, until
// every chunk is on the server; only then is its register entry written to the
// outbox, so no other device learns of a file it cannot yet download. Files
// pulled from other devices are listed as soon as their record arrives and can
// be read once their chunks have downloaded. Files belong to an assessment
// (LocalStore::scope()): on a headquarters device, a branch's are kept apart
// from its own.
//
// Thread-safety: as LocalStore.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspt::client {

class LocalStore;

// Where a file's bytes are.
enum class EvidenceTransfer : std::uint8_t {
    to_upload = 0,    // added here; not yet all on the server
    synced = 1,       // on the server and here
    downloading = 2,  // added on another device; chunks still arriving
    // Kept from the previous standards year by `dspt year start`: not part of
    // the new year until its item is reviewed, when it becomes to_upload (the
    // server holds its chunks already, so only its new register travels).
    carried = 3,
};

struct EvidenceFile {
    std::string id;  // UUID
    std::string item_id;
    std::string name;  // the file's name when it was added
    std::uint64_t size = 0;
    std::uint64_t chunk_count = 0;
    std::int64_t added_at_ms = 0;
    EvidenceTransfer transfer = EvidenceTransfer::to_upload;
    // The assessment it belongs to (LocalStore::scope()): "" this store's own.
    std::string scope;
    std::string content_hash;  // BLAKE2b-256 of the content, hex: the same file twice
};

// Called after each chunk with the bytes done so far and the total.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// What evidence `id` is filed under, as stored: the item's id as its pack
// spells it, or assessment::kPlanDocumentSlot for an action-plan document;
// ErrorCode::not_found for anything else (LocalStore::item()).
std::string evidence_slot(const LocalStore& store, std::string_view id);

class EvidenceStore {
  public:
    static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
    // The largest file accepted: evidence is policies, registers and
    // certificates, not video.
    static constexpr std::uint64_t kMaxFileBytes = std::uint64_t{2} << 30;

    explicit EvidenceStore(LocalStore& store) : store_(store) {}

    // Adds `file` as evidence for `item_id` (an item, or the action-plan
    // document slot). ErrorCode::not_found for an unknown item or a missing file,
    // ErrorCode::limit_exceeded over kMaxFileBytes.
    EvidenceFile add(std::string_view item_id, const std::filesystem::path& file,
                     const ProgressFn& progress = {});

    // Evidence of one item, or of all items, of the store's chosen assessment
    // (LocalStore::use_scope), oldest first.
    std::vector<EvidenceFile> list(std::optional<std::string_view> item_id);

    // One file's metadata, by its id or a prefix of it only it has (as `dspt
    // evidence list` shows ids in full). ErrorCode::not_found when no file has
    // it; ErrorCode::invalid_argument, naming the files, when several do.
    EvidenceFile find(std::string_view evidence_id);

    // Writes the file's exact bytes to `out` (atomically: a temporary file is
    // renamed into place only after the content checks). ErrorCode::corrupt when
    // a chunk or the manifest fails its check; ErrorCode::already_exists when
    // `out` exists and `overwrite` is false; ErrorCode::failed_precondition while
    // a file from another device is still downloading.
    void get(std::string_view evidence_id, const std::filesystem::path& out, bool overwrite,
             const ProgressFn& progress = {});

    // Removes a file of the chosen assessment and, when other devices may know
    // of it, records the removal for sync. ErrorCode::forbidden for a file of
    // another assessment or of the organisation-wide answers on a branch.
    void remove(std::string_view evidence_id);

  private:
    LocalStore& store_;
};

}  // namespace dspt::client
