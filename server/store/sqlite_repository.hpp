#pragma once
// SqliteRepository: the embedded Repository, one SQLite file in the server's data
// directory, for an operator who runs the server with one command
// (docs/architecture.md, "The server store").
//
// Files. `<data dir>/server.db` plus SQLite's `-wal` and `-shm` beside it. The data
// directory is created with mode 0700 if missing, and the database file with mode 0600
// (SQLite gives its -wal and -shm files the database file's mode). An existing
// directory or file keeps its mode. Beside them, `server.db-revocations` counts device
// revocations for every process on the directory (kRevocationsFile), and `evidence/`
// holds the sealed evidence chunks as files (EvidenceFiles), which the table
// chunk_files names. The database and that directory are one store: copy them
// together, or use `dspt-server admin backup`, which makes one file of both.
//
// Checkpoints. The WAL is copied into the database file by a thread of the
// repository's own (kCheckpointPages), never inside a request's commit unless the
// log has grown to kMaxWalPages.
//
// Schema. Numbered migrations on PRAGMA user_version (common/sqlite/migrations.hpp) run
// when the repository opens; a file written by a newer dsptsync is refused with
// ErrorCode::schema_too_new and left untouched. The journal is WAL with
// synchronous=NORMAL: a crash never corrupts the file and readers never block the
// writer.
//
// Connections and threads. One writer connection, guarded by a mutex, runs every call
// that writes, each in its own BEGIN IMMEDIATE transaction (so a read-check-write, such
// as enrol_device, is atomic even against another process on the same file). A pool of
// read-only connections (SqliteOptions::reader_connections) serves the calls that only
// read; a reader waits for a free connection when all are busy. Multi-statement reads
// run in one read transaction, so they see one snapshot. Every connection is used by
// one thread at a time. The statements behind find_device and find_site (on each reader),
// remember_nonce and every change apply_changes writes (on the writer), and the
// values of each register a pull reads (on each reader) are prepared once and reused.
//
// Group commit. Concurrent apply_changes and record_sync_health calls queue (a sync
// exchange makes one of each); one of them, the leader, waits for the write lock, then
// takes every batch queued by then (at most kMaxGroupCommitBatches), applies each
// inside its own SAVEPOINT of one IMMEDIATE transaction, then takes and applies
// those that queued meanwhile (up to the same limit), and commits once, so a busy
// server pays for a commit (and the pages it writes to the WAL) once per group, not
// once per push. A lone push runs at once,
// without a savepoint: nothing waits for a timer. Each caller gets its own results;
// a batch that fails rolls back to its savepoint and only its caller gets the error,
// while the rest of the group commits. If the transaction cannot begin or commit,
// every caller of the group gets that error and nothing of the group is kept.
//
// Lifetime. Open the repository once per process and share it (by reference) between
// threads; destroy it after every call has returned.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "common/sqlite/database.hpp"
#include "server/store/device_rules.hpp"  // kNoncePruneInterval
#include "server/store/evidence_files.hpp"
#include "server/store/group_commit.hpp"
#include "server/store/repository.hpp"
#include "server/store/shared_counter.hpp"

namespace dspt::server::store {

// The schema version this build writes and the newest it reads.
inline constexpr int kServerSchemaVersion = 16;

// The file beside server.db that counts revocations (SharedCounter): revoke_device
// adds one after its commit, and every process on the data directory reads it
// for device_revocations().
inline constexpr std::string_view kRevocationsFile = "server.db-revocations";

// The WAL pages after a commit that start a checkpoint on the checkpointer's thread
// (SQLite's own default threshold), and the pages at which the committing request
// checkpoints itself because the thread has not kept up.
inline constexpr int kCheckpointPages = 1000;
inline constexpr int kMaxWalPages = 16000;

// The most push batches one group commit applies in one transaction; more wait for
// the next group. Bounds how long a group holds the write lock (a batch is at most
// 1,000 changes).
inline constexpr std::size_t kMaxGroupCommitBatches = 64;

// The writer connection's page cache, in pages (64 MiB of 4 KiB pages): room for the
// pages one group commit dirties, so none is written to the WAL before the commit, and
// for the b-tree pages every push reads again.
inline constexpr int kWriterCachePages = 16384;

struct SqliteOptions {
    // Read-only connections in the pool, 1 to 64. More lets more reads run at once;
    // each costs a file descriptor and some page cache.
    std::size_t reader_connections = 4;
    // How long a call waits for a lock held by another process before failing with
    // database_busy.
    std::chrono::milliseconds busy_timeout = sqlite::kDefaultBusyTimeout;
};

class SqliteRepository final : public Repository {
  public:
    // The database file inside a data directory: `<data_dir>/server.db`.
    static std::filesystem::path file_in(const std::filesystem::path& data_dir);

    // Opens (creating if needed) the store in `data_dir` and migrates it. Throws:
    //   - io if the directory or file cannot be created;
    //   - invalid_argument if options.reader_connections is outside 1..64;
    //   - schema_too_new if a newer dsptsync wrote the file;
    //   - database / database_busy if SQLite fails (for example, not a database).
    explicit SqliteRepository(const std::filesystem::path& data_dir, SqliteOptions options = {});
    ~SqliteRepository() override;

    // The database file's path.
    const std::filesystem::path& path() const noexcept { return path_; }

    // Registry.
    void create_organisation(const Organisation& organisation) override;
    std::optional<Organisation> find_organisation(std::string_view ods) const override;
    std::vector<Organisation> list_organisations() const override;
    void set_cyber_essentials_plus(std::string_view ods, std::optional<Date> expires) override;
    void add_site(const Site& site) override;
    std::optional<Site> find_site(std::string_view ods) const override;
    std::vector<Site> sites_of(std::string_view organisation_ods) const override;
    ImportSummary import_registry(const std::vector<RegistryRow>& rows,
                                  std::int64_t at_ms) override;

    // Partners and grants.
    Partner create_partner(std::string_view name, std::int64_t at_ms) override;
    std::optional<Partner> find_partner(std::int64_t id) const override;
    std::optional<Partner> find_partner_by_name(std::string_view name) const override;
    std::vector<Partner> list_partners() const override;
    Grant give_grant(std::string_view organisation_ods, std::int64_t partner_id,
                     std::string_view device_id, std::int64_t at_ms,
                     std::optional<std::int64_t> expires_at_ms) override;
    Grant revoke_grant(std::string_view organisation_ods, std::int64_t partner_id,
                       std::string_view device_id, std::int64_t at_ms) override;
    std::optional<Grant> live_grant(std::string_view organisation_ods, std::int64_t partner_id,
                                    std::int64_t at_ms) const override;
    std::vector<Grant> grants_of_organisation(std::string_view organisation_ods) const override;
    std::vector<Organisation> organisations_granting(std::int64_t partner_id,
                                                     std::int64_t at_ms) const override;
    std::vector<Grant> grants_to_partner(std::int64_t partner_id,
                                         std::int64_t at_ms) const override;
    void set_partner_group(std::int64_t partner_id, std::string_view organisation_ods,
                           std::string_view label, std::int64_t at_ms) override;
    std::vector<PartnerGroup> partner_groups(std::int64_t partner_id,
                                             std::int64_t at_ms) const override;

    // Enrolment.
    void create_token(const EnrolmentToken& token) override;
    std::optional<EnrolmentToken> find_token(std::string_view token_id) const override;
    Device enrol_device(std::string_view token_id, crypto::ByteView verifier, const Device& device,
                        std::int64_t at_ms) override;

    // Devices.
    std::optional<Device> find_device(std::string_view id) const override;
    std::vector<Device> list_devices() const override;
    void revoke_device(std::string_view id, std::int64_t at_ms) override;
    // The revocations counter file next to server.db (kRevocationsFile).
    std::optional<std::uint64_t> device_revocations() const noexcept override;
    std::vector<EnrolmentToken> usable_tokens(std::string_view organisation_ods,
                                              std::string_view created_by,
                                              std::int64_t now_ms) const override;
    EnrolmentToken void_token(std::string_view token_id, std::string_view created_by,
                              std::int64_t at_ms) override;

    // Organisation key envelopes.
    void put_recovery_envelope(std::string_view organisation_ods, crypto::ByteView sealed,
                               std::string_view device_id, std::int64_t at_ms) override;
    std::optional<RecoveryEnvelope> find_recovery_envelope(
        std::string_view organisation_ods) const override;

    // Replay protection.
    bool remember_nonce(std::string_view device_id, std::string_view nonce, std::int64_t at_ms,
                        std::int64_t window_ms) override;

    std::vector<ChangeResult> apply_changes(std::string_view organisation_ods,
                                            std::string_view device_id,
                                            const std::vector<Change>& changes) override;
    RegisterPage registers_since(std::string_view organisation_ods,
                                 const std::vector<std::string>& scopes, std::int64_t since,
                                 std::size_t limit) const override;

    std::optional<BlobOwner> find_blob(std::string_view evidence_id) const override;
    void put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner, std::uint32_t index,
                        crypto::ByteView sealed, std::int64_t at_ms,
                        std::uint64_t quota_bytes) override;
    std::vector<StorageUse> storage_use() const override;
    StorageUse collect_unreferenced_blobs(std::int64_t before_ms) override;
    std::vector<std::uint32_t> blob_chunks_held(std::string_view evidence_id) const override;
    std::optional<crypto::Bytes> blob_chunk(std::string_view evidence_id,
                                            std::uint32_t index) const override;
    std::optional<std::int64_t> replica_high_water(std::string_view replica_id,
                                                   std::string_view device_id) const override;
    std::map<std::string, std::string> replica_device_names(
        std::string_view organisation_ods,
        const std::vector<std::string>& replica_ids) const override;

    // Publications (sqlite_publications.cpp).
    RecordedPublication record_publication(const Publication& publication) override;
    std::optional<Publication> find_publication_by_request(
        std::string_view request_id) const override;
    std::vector<Publication> publications_of(std::string_view organisation_ods) const override;
    PublicPage search_public(std::string_view query, std::size_t offset,
                             std::size_t limit) const override;
    YearCounts year_counts(std::string_view year, std::int64_t deadline_end_ms) const override;
    std::vector<std::size_t> publications_per_week(std::string_view year, std::int64_t from_ms,
                                                   std::size_t weeks) const override;

    // Standards packs (sqlite_packs.cpp).
    bool install_pack(const InstalledPack& pack) override;
    std::optional<InstalledPack> find_installed_pack(std::string_view year,
                                                     std::string_view digest) const override;
    std::vector<InstalledPack> installed_packs() const override;

    // Sync health (sqlite_sync_health.cpp).
    void record_sync_health(const SyncHealthReport& report) override;
    std::vector<DeviceSyncHealth> sync_health_of(std::string_view organisation_ods) const override;

    // Browser sign-in (sqlite_web_sessions.cpp).
    void create_login_link(const LoginLink& link) override;
    OpenedLink open_login_link(crypto::ByteView secret_hash, crypto::ByteView session_hash,
                               std::int64_t at_ms, std::int64_t session_expires_at_ms) override;
    std::optional<WebSession> find_web_session(crypto::ByteView id_hash) const override;
    bool end_web_session(crypto::ByteView id_hash, std::int64_t at_ms) override;

    // Test-only: how many group commits apply_changes has begun, and how many batches
    // wait for the next one.
    GroupCommitStats TEST_group_commit_stats() const;
    // Test-only: how many WAL checkpoints the checkpointer's thread has run.
    std::uint64_t TEST_background_checkpoints() const;

  private:
    // Defined in sqlite_connections.hpp, which only this class's .cpp files include.
    struct Writer;
    struct Reader;
    class ReaderPool;
    class Checkpointer;
    struct PendingBatch;  // one apply_changes call waiting for its group
    class BatchQueue;     // GroupCommit of PendingBatches

    // Applies a group of batches in one transaction (sqlite_sync.cpp).
    void commit_group(GroupCommit<PendingBatch>::Group& group);

    // Runs fn(Writer&) under the writer mutex in a BEGIN IMMEDIATE transaction and
    // commits it; a throw rolls everything back.
    template <typename Fn>
    auto write(Fn&& fn);
    // Runs fn(Reader&) on a pooled reader; with `snapshot`, inside one read transaction.
    template <typename Fn>
    auto read(bool snapshot, Fn&& fn) const;

    std::filesystem::path path_;
    // Declared before the readers, so it is destroyed after them: the last connection to
    // close checkpoints the WAL.
    std::unique_ptr<Writer> writer_;
    std::unique_ptr<Checkpointer> checkpointer_;  // destroyed before the writer
    std::mutex writer_mutex_;
    std::unique_ptr<ReaderPool> readers_;
    std::unique_ptr<BatchQueue> batches_;
    std::unique_ptr<SharedCounter> revocations_;     // device_revocations()
    std::unique_ptr<EvidenceFiles> evidence_files_;  // chunks written since schema step 15
};

}  // namespace dspt::server::store
