// SqliteRepository: enrolment tokens, devices, recovery envelopes and request nonces.

#include <string>

#include "common/error.hpp"
#include "server/store/device_rules.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

// Throws unless the organisation, site and partner a token or device names exist and the
// site belongs to the organisation. The scope's form has been validated.
void require_scope(sqlite::Database& db, std::string_view organisation_ods,
                   std::string_view site_ods, const std::optional<std::int64_t>& partner_id) {
    if (!organisation_ods.empty()) {
        rows::require_organisation(db, organisation_ods);
    }
    if (!site_ods.empty()) {
        check_token_site(rows::select_site(db, site_ods), site_ods, organisation_ods);
    }
    if (partner_id) {
        rows::require_partner(db, *partner_id);
    }
}

std::optional<EnrolmentToken> select_token(sqlite::Database& db, std::string_view token_id) {
    sqlite::Statement select(db, "SELECT " + std::string(rows::kTokenColumns) +
                                     " FROM enrolment_tokens t WHERE t.token_id = ?1");
    select.bind(1, token_id);
    if (!select.step()) {
        return std::nullopt;
    }
    return rows::read_token(select);
}

// enrol_device's reads, on the writer: under the write lock nothing changes between
// them and the writes.
class SqliteEnrolmentReader final : public EnrolmentReader {
  public:
    explicit SqliteEnrolmentReader(sqlite::Database& db) : db_(db) {}

    std::optional<Device> find_device(std::string_view id) override {
        return rows::select_device(db_, id);
    }

    bool public_key_enrolled(const Device& device) override {
        sqlite::Statement same_key(db_,
                                   "SELECT 1 FROM devices WHERE signing_public_key = ?1 "
                                   "OR box_public_key = ?2 LIMIT 1");
        same_key.bind(1, sqlite::Blob(device.signing_public_key));
        same_key.bind(2, sqlite::Blob(device.box_public_key));
        return same_key.step();
    }

  private:
    sqlite::Database& db_;
};

void insert_device(sqlite::Database& db, const Device& device, std::int64_t enrolled_at_ms) {
    sqlite::Statement insert(db,
                             "INSERT INTO devices (id, role, organisation_ods, site_ods, "
                             "partner_id, signing_public_key, box_public_key, name, "
                             "enrolled_at_ms, revoked_at_ms) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL)");
    insert.bind(1, device.id);
    insert.bind(2, to_string(device.role));
    rows::bind_text_or_null(insert, 3, device.organisation_ods);
    rows::bind_text_or_null(insert, 4, device.site_ods);
    insert.bind(5, device.partner_id);
    insert.bind(6, sqlite::Blob(device.signing_public_key));
    insert.bind(7, sqlite::Blob(device.box_public_key));
    insert.bind(8, device.name);
    insert.bind(9, enrolled_at_ms);
    insert.execute();
}

}  // namespace

// ---- Enrolment ------------------------------------------------------------------------

void SqliteRepository::create_token(const EnrolmentToken& token) {
    validate_new_token(token);
    write([&](Writer& writer) {
        if (select_token(writer.db, token.token_id)) {
            fail(ErrorCode::already_exists,
                 "an enrolment token with id " + token.token_id + " already exists");
        }
        require_scope(writer.db, token.organisation_ods, token.site_ods, token.partner_id);
        sqlite::Statement insert(
            writer.db,
            "INSERT INTO enrolment_tokens (token_id, verifier, role, organisation_ods, site_ods, "
            "partner_id, created_by, created_at_ms, expires_at_ms, used_at_ms, used_by_device, "
            "organisation_key_envelope) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, NULL, ?10)");
        insert.bind(1, token.token_id);
        insert.bind(2, sqlite::Blob(token.verifier));
        insert.bind(3, to_string(token.role));
        rows::bind_text_or_null(insert, 4, token.organisation_ods);
        rows::bind_text_or_null(insert, 5, token.site_ods);
        insert.bind(6, token.partner_id);
        insert.bind(7, token.created_by);
        insert.bind(8, token.created_at_ms);
        insert.bind(9, token.expires_at_ms);
        insert.bind(10, sqlite::Blob(token.organisation_key_envelope));
        insert.execute();
    });
}

std::optional<EnrolmentToken> SqliteRepository::find_token(std::string_view token_id) const {
    return read(false, [&](Reader& reader) { return select_token(reader.db, token_id); });
}

Device SqliteRepository::enrol_device(std::string_view token_id, crypto::ByteView verifier,
                                      const Device& device, std::int64_t at_ms) {
    validate_device(device);
    return write([&](Writer& writer) {
        const auto found = select_token(writer.db, token_id);
        SqliteEnrolmentReader reader(writer.db);
        const EnrolmentToken& token =
            check_enrolment(found, token_id, verifier, device, at_ms, reader);
        insert_device(writer.db, device, at_ms);

        sqlite::Statement mark_used(
            writer.db,
            "UPDATE enrolment_tokens SET used_at_ms = ?2, "
            "used_by_device = ?3 WHERE token_id = ?1 AND used_at_ms IS NULL");
        mark_used.bind(1, token.token_id);
        mark_used.bind(2, at_ms);
        mark_used.bind(3, device.id);
        mark_used.execute();
        if (writer.db.changes() != 1) {
            // Impossible under the write lock; refuse rather than enrol twice.
            fail_token_changed(token);
        }

        Device stored = device;
        stored.enrolled_at_ms = at_ms;
        stored.revoked_at_ms.reset();
        return stored;
    });
}

// ---- Devices --------------------------------------------------------------------------

std::optional<Device> SqliteRepository::find_device(std::string_view id) const {
    return read(false, [&](Reader& reader) -> std::optional<Device> {
        const sqlite::ResetGuard use(reader.find_device);
        reader.find_device.bind(1, id);
        if (!reader.find_device.step()) {
            return std::nullopt;
        }
        return rows::read_device(reader.find_device);
    });
}

std::vector<Device> SqliteRepository::list_devices() const {
    return read(false, [](Reader& reader) {
        sqlite::Statement select(reader.db, "SELECT " + std::string(rows::kDeviceColumns) +
                                                " FROM devices d ORDER BY d.enrolled_at_ms, d.id");
        std::vector<Device> devices;
        while (select.step()) {
            devices.push_back(rows::read_device(select));
        }
        return devices;
    });
}

void SqliteRepository::revoke_device(std::string_view id, std::int64_t at_ms) {
    validate_device_id(id);
    write([&](Writer& writer) {
        check_revocable(rows::select_device(writer.db, id), id);
        sqlite::Statement update(writer.db, "UPDATE devices SET revoked_at_ms = ?2 WHERE id = ?1");
        update.bind(1, id);
        update.bind(2, at_ms);
        update.execute();
        // Its invitations die with it: no one can enrol with what it handed out.
        sqlite::Statement void_codes(writer.db,
                                     "UPDATE enrolment_tokens SET voided_at_ms = ?2 "
                                     "WHERE created_by = ?1 AND used_at_ms IS NULL "
                                     "AND voided_at_ms IS NULL");
        void_codes.bind(1, id);
        void_codes.bind(2, at_ms);
        void_codes.execute();
    });
    // After the commit: a process that sees the new count and reads the device then
    // finds it revoked.
    revocations_->increment();
}

std::optional<std::uint64_t> SqliteRepository::device_revocations() const noexcept {
    return revocations_->load();
}

std::vector<EnrolmentToken> SqliteRepository::usable_tokens(std::string_view organisation_ods,
                                                            std::string_view created_by,
                                                            std::int64_t now_ms) const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(reader.db,
                                 "SELECT " + std::string(rows::kTokenColumns) +
                                     " FROM enrolment_tokens t WHERE t.used_at_ms IS NULL"
                                     " AND t.voided_at_ms IS NULL AND t.expires_at_ms >= ?1"
                                     " AND (?2 = '' OR t.organisation_ods = ?2)"
                                     " AND (?3 = '' OR t.created_by = ?3)"
                                     " ORDER BY t.created_at_ms, t.token_id");
        select.bind(1, now_ms);
        select.bind(2, organisation_ods);
        select.bind(3, created_by);
        std::vector<EnrolmentToken> tokens;
        while (select.step()) {
            tokens.push_back(rows::read_token(select));
        }
        return tokens;
    });
}

EnrolmentToken SqliteRepository::void_token(std::string_view token_id, std::string_view created_by,
                                            std::int64_t at_ms) {
    return write([&](Writer& writer) {
        const auto found = select_token(writer.db, token_id);
        EnrolmentToken token = check_voidable(found, token_id, created_by);
        sqlite::Statement update(writer.db,
                                 "UPDATE enrolment_tokens SET voided_at_ms = ?2 "
                                 "WHERE token_id = ?1 AND used_at_ms IS NULL");
        update.bind(1, token.token_id);
        update.bind(2, at_ms);
        update.execute();
        token.voided_at_ms = at_ms;
        return token;
    });
}

// ---- Organisation key envelopes -------------------------------------------------------

void SqliteRepository::put_recovery_envelope(std::string_view organisation_ods,
                                             crypto::ByteView sealed, std::string_view device_id,
                                             std::int64_t at_ms) {
    validate_recovery_envelope(organisation_ods, sealed, device_id);
    write([&](Writer& writer) {
        rows::require_organisation(writer.db, organisation_ods);
        sqlite::Statement exists(writer.db,
                                 "SELECT stored_by_device, stored_at_ms FROM recovery_envelopes "
                                 "WHERE organisation_ods = ?1");
        exists.bind(1, organisation_ods);
        if (exists.step()) {
            fail_recovery_envelope_kept(organisation_ods, exists.column_text(0),
                                        exists.column_int64(1));
        }
        sqlite::Statement insert(writer.db,
                                 "INSERT INTO recovery_envelopes (organisation_ods, sealed, "
                                 "stored_by_device, stored_at_ms) VALUES (?1, ?2, ?3, ?4)");
        insert.bind(1, organisation_ods);
        insert.bind(2, sealed);
        insert.bind(3, device_id);
        insert.bind(4, at_ms);
        insert.execute();
    });
}

std::optional<RecoveryEnvelope> SqliteRepository::find_recovery_envelope(
    std::string_view organisation_ods) const {
    return read(false, [&](Reader& reader) -> std::optional<RecoveryEnvelope> {
        sqlite::Statement select(reader.db,
                                 "SELECT organisation_ods, sealed, stored_by_device, stored_at_ms "
                                 "FROM recovery_envelopes WHERE organisation_ods = ?1");
        select.bind(1, organisation_ods);
        if (!select.step()) {
            return std::nullopt;
        }
        return RecoveryEnvelope{select.column_text(0), select.column_blob(1), select.column_text(2),
                                select.column_int64(3)};
    });
}

// ---- Replay protection ----------------------------------------------------------------

bool SqliteRepository::remember_nonce(std::string_view device_id, std::string_view nonce,
                                      std::int64_t at_ms, std::int64_t window_ms) {
    // Nonces used at or after `cutoff` are inside the window.
    const std::int64_t cutoff = nonce_window_start(device_id, nonce, at_ms, window_ms);

    // One statement each, so no explicit transaction: SQLite makes each atomic, and the
    // UNIQUE key (device_id, nonce) decides between concurrent callers, in this process
    // or another.
    const std::lock_guard lock(writer_mutex_);
    Writer& writer = *writer_;
    if (writer.nonce_calls++ % kNoncePruneInterval == 0) {
        const sqlite::ResetGuard use(writer.prune_nonces);
        writer.prune_nonces.bind(1, cutoff);
        writer.prune_nonces.execute();
    }
    const sqlite::ResetGuard use(writer.upsert_nonce);
    writer.upsert_nonce.bind(1, device_id);
    writer.upsert_nonce.bind(2, nonce);
    writer.upsert_nonce.bind(3, at_ms);
    writer.upsert_nonce.bind(4, cutoff);
    writer.upsert_nonce.execute();
    // The insert, or the update of an entry from before the window, changed one row;
    // a replay within the window changed none.
    return writer.db.changes() == 1;
}

}  // namespace dspt::server::store
