#pragma once
// `dspt-server admin backup`: one file holding the whole embedded store, made while
// servers go on using it.
//
// The embedded store is server.db and the evidence chunk files beside it
// (EvidenceFiles). The backup is a copy of server.db, taken as one snapshot with
// SQLite's online backup (sqlite::backup_database), into which the bytes of every chunk
// file the snapshot names are put back into the table blob_chunks. Restored as
// server.db in an empty data directory, it is a complete store: the server reads chunks
// from either place.

#include <cstdint>
#include <filesystem>

namespace dspt::server::store {

// Copies the embedded store in `data_dir` to the new file `out` (mode 0600). Returns
// the backup's size in bytes. When a chunk file the snapshot names is removed before
// it is read (collected, or replaced by the chunk sent again), the backup is taken
// again, up to three times. Throws:
//   - not_found if `data_dir` holds no embedded store;
//   - already_exists if `out` exists (it is never overwritten);
//   - failed_precondition if chunk files kept disappearing (nothing is left at `out`);
//   - corrupt if a chunk file holds another number of bytes than its row records;
//   - io / database / database_busy otherwise; a partial `out` is removed.
std::uintmax_t backup_store(const std::filesystem::path& data_dir,
                            const std::filesystem::path& out);

}  // namespace dspt::server::store
