#pragma once
// A consistent copy of a live database file, made with SQLite's online backup API
// while other connections, in this process or another, go on reading and writing.

#include <cstdint>
#include <filesystem>

namespace dspt::sqlite {

// Copies the database at `source` into the new file `out`, created with mode 0600, as
// one snapshot of `source` (a WAL database's writers are not held up). The copy is a
// single file (rollback journal), checked with PRAGMA quick_check. Returns its size in
// bytes. Throws:
//   - not_found if `source` does not exist;
//   - already_exists if `out` exists (it is never overwritten);
//   - io if `out` cannot be created;
//   - database / database_busy if SQLite fails; a partial `out` is removed.
std::uintmax_t backup_database(const std::filesystem::path& source,
                               const std::filesystem::path& out);

// Removes a database file and the files SQLite keeps beside it (-wal, -shm,
// -journal); those absent are passed over, and a failure to remove is ignored.
void remove_database_files(const std::filesystem::path& path);

}  // namespace dspt::sqlite
