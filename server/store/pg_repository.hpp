#pragma once
// PgRepository: the Repository on PostgreSQL, for a service larger than one machine:
// several dspt-server processes share one database (docs/operations.md, "Running on
// several machines").
//
// Location. A libpq connection URI or string, `postgresql://user@host:port/db?...`;
// `options=-csearch_path%3DNAME` puts the store in a schema of its own (the tests use
// one schema per store). The password comes from the URI, PGPASSWORD or ~/.pgpass.
//
// Schema. Numbered migrations in the table dspt_schema, run when the repository opens
// under an advisory lock, so two processes starting together migrate once; a database
// written by a newer dsptsync is refused with schema_too_new and left untouched.
//
// Connections and threads. A bounded pool (PgOptions::connections) opened as needed
// and kept; each statement is prepared once per connection. Every method is one
// transaction: reads run at REPEATABLE READ READ ONLY (one snapshot), writes at READ
// COMMITTED and take row locks on what they check before they write, so a
// check-then-write (enrol_device, open_login_link, record_publication) is atomic
// against every other process on the database. A serialization failure or deadlock
// runs the transaction again (pg_pool.hpp).
//
// Several processes. The rules that a single process would keep by being alone are
// kept by the database:
//   - change numbers: apply_changes locks the organisation's counter row
//     (organisation_versions) for its transaction, so an organisation's versions
//     commit in the order they are assigned and a pull never passes a version that
//     commits later;
//   - single-use things (enrolment codes, login links, nonces, publish request ids)
//     are claimed by a locked row or a unique constraint;
//   - Approaching Standards once per organisation: record_publication locks the
//     organisation's row before it checks.
// Group commit is not used: each push is its own transaction.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/repository.hpp"

namespace dspt::server::store {

namespace pg {
class Pool;
}

// The schema version this build writes and the newest it reads.
inline constexpr int kPgSchemaVersion = 4;

struct PgOptions {
    // Connections this process may hold, 1 to 256.
    std::size_t connections = 8;
    // How long a call waits for a free connection before failing with database_busy.
    std::chrono::milliseconds pool_wait{10000};
};

// True for a store location that names PostgreSQL ("postgresql://" or "postgres://").
bool is_postgresql_location(std::string_view location) noexcept;

// The location with any password replaced by "***", for messages and logs.
std::string redact_location(std::string_view location);

class PgRepository final : public Repository {
  public:
    // Connects to the database at `location` and migrates it. Throws:
    //   - invalid_argument if options.connections is outside 1..256;
    //   - database if the server cannot be reached or refuses the login;
    //   - schema_too_new if a newer dsptsync wrote the database.
    explicit PgRepository(const std::string& location, PgOptions options = {});
    ~PgRepository() override;

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

    // Publications (pg_publications.cpp).
    RecordedPublication record_publication(const Publication& publication) override;
    std::optional<Publication> find_publication_by_request(
        std::string_view request_id) const override;
    std::vector<Publication> publications_of(std::string_view organisation_ods) const override;
    PublicPage search_public(std::string_view query, std::size_t offset,
                             std::size_t limit) const override;
    YearCounts year_counts(std::string_view year, std::int64_t deadline_end_ms) const override;
    std::vector<std::size_t> publications_per_week(std::string_view year, std::int64_t from_ms,
                                                   std::size_t weeks) const override;

    // Standards packs (pg_packs.cpp).
    bool install_pack(const InstalledPack& pack) override;
    std::optional<InstalledPack> find_installed_pack(std::string_view year,
                                                     std::string_view digest) const override;
    std::vector<InstalledPack> installed_packs() const override;

    // Sync health (pg_sync_health.cpp).
    void record_sync_health(const SyncHealthReport& report) override;
    std::vector<DeviceSyncHealth> sync_health_of(std::string_view organisation_ods) const override;

    // Browser sign-in (pg_web_sessions.cpp).
    void create_login_link(const LoginLink& link) override;
    OpenedLink open_login_link(crypto::ByteView secret_hash, crypto::ByteView session_hash,
                               std::int64_t at_ms, std::int64_t session_expires_at_ms) override;
    std::optional<WebSession> find_web_session(crypto::ByteView id_hash) const override;
    bool end_web_session(crypto::ByteView id_hash, std::int64_t at_ms) override;

  private:
    std::unique_ptr<pg::Pool> pool_;
};

}  // namespace dspt::server::store
