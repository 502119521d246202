// SqliteRepository: opening the data directory, the writer connection and the pool of
// readers. The operations live in sqlite_registry.cpp, sqlite_partners.cpp,
// sqlite_devices.cpp, sqlite_sync.cpp and sqlite_blobs.cpp.

#include "server/store/sqlite_repository.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxReaderConnections = 64;

[[noreturn]] void fail_errno(const std::string& what, const fs::path& path) {
    fail(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(errno));
}

// Creates the data directory with mode 0700 if it is missing; an existing one keeps its
// mode.
void prepare_directory(const fs::path& dir) {
    if (dir.empty()) {
        return;  // the current directory
    }
    std::error_code ec;
    if (fs::is_directory(dir, ec)) {
        return;
    }
    if (fs::exists(dir, ec)) {
        fail(ErrorCode::io, "the data directory " + dir.string() + " is not a directory");
    }
    const fs::path parent = dir.parent_path();
    if (!parent.empty()) {
        fs::create_directories(parent, ec);
        if (ec) {
            fail(ErrorCode::io, "cannot create " + parent.string() + ": " + ec.message());
        }
    }
    // mkdir gives the mode at creation, so the directory is never readable by others.
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        fail_errno("cannot create the data directory", dir);
    }
}

// Creates an empty database file with mode 0600 if it is missing, before SQLite opens
// it (SQLite would create it 0644 less the umask, and its -wal and -shm files copy the
// database file's mode).
void prepare_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    if (errno != EEXIST) {
        fail_errno("cannot create", file);
    }
}

sqlite::Database open_and_migrate(const fs::path& path, const SqliteOptions& options) {
    sqlite::Database db(path, {sqlite::OpenMode::read_write, options.busy_timeout});
    // A page cache that holds a whole group commit's pages (kWriterCachePages): with
    // SQLite's default of 2 MiB, a busy group spills pages to the WAL before its
    // commit and reads back pages it has just written. Statement and savepoint
    // journals (a push batch runs in a savepoint) stay in memory: in temporary files
    // they cost a write for every page a batch first changes. Both are set after the
    // migration: SQLite keeps the cache size with the schema it has read, and a
    // migration's schema change puts it back to the default.
    migrate_server_store(db);
    db.execute("PRAGMA cache_size=" + std::to_string(kWriterCachePages));
    db.execute("PRAGMA temp_store=MEMORY");
    return db;
}

constexpr std::string_view kUpsertNonce = R"sql(
    INSERT INTO request_nonces (device_id, nonce, seen_at_ms) VALUES (?1, ?2, ?3)
    ON CONFLICT (device_id, nonce) DO UPDATE SET seen_at_ms = excluded.seen_at_ms
    WHERE request_nonces.seen_at_ms < ?4
)sql";

constexpr std::string_view kPruneNonces = "DELETE FROM request_nonces WHERE seen_at_ms < ?1";

std::string find_device_sql() {
    return "SELECT " + std::string(rows::kDeviceColumns) + " FROM devices d WHERE d.id = ?1";
}

std::string find_site_sql() {
    return "SELECT " + std::string(rows::kSiteColumns) + " FROM sites s WHERE s.ods = ?1";
}

}  // namespace

SqliteRepository::Writer::Writer(const fs::path& path, const SqliteOptions& options)
    : db(open_and_migrate(path, options)),
      upsert_nonce(db, kUpsertNonce),
      prune_nonces(db, kPruneNonces),
      sync(db) {}

SqliteRepository::Reader::Reader(const fs::path& path, const SqliteOptions& options)
    : db(path, {sqlite::OpenMode::read_only, options.busy_timeout}),
      find_device(db, find_device_sql()),
      find_site(db, find_site_sql()),
      select_values(db, select_register_values_sql()) {}

SqliteRepository::ReaderPool::ReaderPool(const fs::path& path, const SqliteOptions& options) {
    readers_.reserve(options.reader_connections);
    idle_.reserve(options.reader_connections);
    for (std::size_t i = 0; i < options.reader_connections; ++i) {
        readers_.push_back(std::make_unique<Reader>(path, options));
        idle_.push_back(readers_.back().get());
    }
}

SqliteRepository::ReaderPool::Lease SqliteRepository::ReaderPool::acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    Reader* reader = idle_.back();
    idle_.pop_back();
    return Lease(*this, *reader);
}

void SqliteRepository::ReaderPool::release(Reader& reader) noexcept {
    {
        const std::lock_guard lock(mutex_);
        // Cannot throw: reserve() made room for every reader.
        idle_.push_back(&reader);
    }
    available_.notify_one();
}

GroupCommitStats SqliteRepository::TEST_group_commit_stats() const {
    return batches_->stats();
}

std::uint64_t SqliteRepository::TEST_background_checkpoints() const {
    return checkpointer_->checkpoints();
}

fs::path SqliteRepository::file_in(const fs::path& data_dir) {
    return data_dir / "server.db";
}

SqliteRepository::SqliteRepository(const fs::path& data_dir, SqliteOptions options)
    : path_(file_in(data_dir)) {
    if (options.reader_connections < 1 || options.reader_connections > kMaxReaderConnections) {
        fail(ErrorCode::invalid_argument, "reader_connections must be between 1 and " +
                                              std::to_string(kMaxReaderConnections) + ", not " +
                                              std::to_string(options.reader_connections));
    }
    prepare_directory(data_dir);
    prepare_file(path_);
    // The writer migrates; readers open afterwards and find the schema in place.
    writer_ = std::make_unique<Writer>(path_, options);
    checkpointer_ = std::make_unique<Checkpointer>(path_, options, writer_->db);
    readers_ = std::make_unique<ReaderPool>(path_, options);
    batches_ = std::make_unique<BatchQueue>();
    revocations_ = std::make_unique<SharedCounter>(data_dir / kRevocationsFile, path_);
    evidence_files_ = std::make_unique<EvidenceFiles>(EvidenceFiles::directory_in(data_dir));
}

SqliteRepository::~SqliteRepository() {
    // Readers first: the writer, closing last, checkpoints the WAL into the file.
    readers_.reset();
    checkpointer_.reset();
    writer_.reset();
}

}  // namespace dspt::server::store
