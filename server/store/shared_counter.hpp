#pragma once
// A 64-bit counter in a small file that every process opening it maps into its
// memory, so that one process's increment is seen by the others' next load,
// without a system call (docs/security.md, "Request sessions": how a revocation
// reaches every server process at once on the embedded store).
//
// The file holds the counter only; it is made (zero) when missing, and a file
// of another size is refused. Processes on one host share it as they share
// SQLite's own -shm file; a network file system is no more supported than it is
// for SQLite's write-ahead log.
//
// Thread-safety: load() and increment() may run on any thread and in any
// process at once (atomic operations on the shared page).

#include <atomic>
#include <cstdint>
#include <filesystem>

namespace dspt::server::store {

class SharedCounter {
  public:
    // Opens (or makes) the counter file at `path`. A file made by root is given
    // the owner of `owner_like` (as SQLite gives its -wal and -shm files the
    // database's owner), so that an operator's command run as root leaves a file
    // the server's own user can open. Throws Error(io) when it cannot be made or
    // mapped, or holds something else.
    SharedCounter(const std::filesystem::path& path, const std::filesystem::path& owner_like);
    ~SharedCounter();

    SharedCounter(const SharedCounter&) = delete;
    SharedCounter& operator=(const SharedCounter&) = delete;

    // The counter now, as every increment that returned before it left it.
    std::uint64_t load() const noexcept;
    // Adds one; returns the new value.
    std::uint64_t increment() noexcept;

  private:
    std::uint64_t* value_ = nullptr;  // in the shared mapping
};

}  // namespace dspt::server::store
