#pragma once
// EvidenceFiles: the sealed evidence chunks the embedded store keeps as files in
// `<data dir>/evidence/`, one file per chunk, beside server.db (docs/architecture.md,
// "Evidence chunks as files"). SqliteRepository's table chunk_files names each file;
// this class only writes, reads and removes them.
//
// Layout. `evidence/<first two characters of the evidence id>/<evidence id>.<chunk
// index>.<16 random hex digits>`. A file is written once under a name never used
// before and never changed afterwards: a chunk sent again gets a new file, and the
// row that names it replaces the old row. So a reader holding an old name reads the
// old, whole chunk or finds no file, never half of one.
//
// Durability. write() returns only after the file's bytes and its directory entry are
// flushed to disk (fdatasync, then fsync of the directory), and the caller commits the
// row that names it after that: after a power cut a committed row never names a file
// that is missing or short. A file whose row never committed (a crash, a refused
// chunk the caller could not remove) is left behind; sweep() removes those.
//
// Thread-safety: every method may be called from any thread at once.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"

namespace dspt::server::store {

class EvidenceFiles {
  public:
    // The directory inside a data directory: `<data_dir>/evidence`.
    static std::filesystem::path directory_in(const std::filesystem::path& data_dir);

    // Uses `directory`, creating it with mode 0700 if missing (its parent must exist).
    // Throws io if it cannot be created.
    explicit EvidenceFiles(std::filesystem::path directory);

    const std::filesystem::path& directory() const noexcept { return directory_; }

    // Writes chunk `index` of the evidence file to a new file, mode 0600, flushed to
    // disk, and returns its name (for path_of). Throws io, naming the path, when it
    // cannot be written; nothing is left behind then.
    std::string write(std::string_view evidence_id, std::uint32_t index,
                      crypto::ByteView sealed) const;

    // The chunk in the file `name`, which holds `bytes` bytes; nullopt when there is
    // no such file (it was removed after the caller read its name). Throws corrupt
    // when the file holds another number of bytes, io when it cannot be read.
    std::optional<crypto::Bytes> read(std::string_view name, std::uint64_t bytes) const;

    // Removes the file `name`; one already gone is passed over. Never throws: a file
    // that could not be removed is left for sweep().
    void remove(std::string_view name) const noexcept;

    // Removes every chunk file not in `named` that was last written before
    // `before_ms` (milliseconds since the epoch, as the store's clock), so a file
    // written for a row not yet committed is kept. Returns the files removed.
    std::uint64_t sweep(const std::set<std::string, std::less<>>& named,
                        std::int64_t before_ms) const;

    // The file `name`'s path. Throws invalid_argument when `name` is not a chunk
    // file's name (it could point outside the directory).
    std::filesystem::path path_of(std::string_view name) const;

  private:
    // Creates the shard directory `name` is in, once per process.
    void make_shard(const std::filesystem::path& shard) const;

    std::filesystem::path directory_;
    mutable std::mutex shards_mutex_;
    mutable std::set<std::string, std::less<>> shards_made_;  // known to exist
};

}  // namespace dspt::server::store
