// SqliteRepository: enrolment tokens, devices, recovery envelopes and request nonces.

#include <string>

#include "common/crypto/constant_time.hpp"
#include "common/error.hpp"
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
        const auto site = rows::select_site(db, site_ods);
        if (!site) {
            fail(ErrorCode::not_found, "site " + std::string(site_ods) + " is not registered");
        }
        if (site->organisation_ods != organisation_ods) {
            fail(ErrorCode::failed_precondition, "site " + site->ods + " belongs to organisation " +
                                                     site->organisation_ods + ", not " +
                                                     std::string(organisation_ods));
        }
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

// The token id as it may appear in a message: validate_new_token's form, else a
// placeholder (find and enrol take ids straight from requests).
std::string token_label(std::string_view token_id) {
    for (const char c : token_id) {
        if (c <= 0x20 || c >= 0x7f) {
            return "(malformed id)";
        }
    }
    if (token_id.empty() || token_id.size() > kMaxTokenIdBytes) {
        return "(malformed id)";
    }
    return std::string(token_id);
}

void check_device_matches_token(const Device& device, const EnrolmentToken& token) {
    if (device.role != token.role || device.organisation_ods != token.organisation_ods ||
        device.site_ods != token.site_ods || device.partner_id != token.partner_id) {
        fail(ErrorCode::invalid_argument,
             "the device's role, organisation, site or partner differ from enrolment token " +
                 token.token_id + "'s");
    }
}

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
        const auto token = select_token(writer.db, token_id);
        if (!token) {
            fail(ErrorCode::not_found, "no enrolment token " + token_label(token_id));
        }
        // Checked before anything about the token's state, so a caller without the
        // secret learns only that the id exists.
        if (!crypto::constant_time_equal(verifier, token->verifier)) {
            fail(ErrorCode::unauthenticated,
                 "the code does not match enrolment token " + token->token_id);
        }
        if (token->used_at_ms) {
            fail(ErrorCode::failed_precondition,
                 "enrolment token " + token->token_id + " was already used, by device " +
                     token->used_by_device + " at " + std::to_string(*token->used_at_ms));
        }
        if (at_ms > token->expires_at_ms) {
            fail(ErrorCode::failed_precondition,
                 "enrolment token " + token->token_id + " expired at " +
                     std::to_string(token->expires_at_ms) + "; ask for a new code");
        }
        if (token->voided_at_ms) {
            fail(ErrorCode::failed_precondition,
                 "enrolment token " + token->token_id + " was cancelled at " +
                     std::to_string(*token->voided_at_ms) + "; ask for a new code");
        }
        if (const auto creator = rows::select_device(writer.db, token->created_by);
            creator && creator->revoked_at_ms) {
            fail(ErrorCode::failed_precondition,
                 "enrolment token " + token->token_id + " was cancelled: device " + creator->id +
                     ", which made it, was revoked; ask for a new code");
        }
        check_device_matches_token(device, *token);
        if (rows::select_device(writer.db, device.id)) {
            fail(ErrorCode::already_exists, "device " + device.id + " is already enrolled");
        }
        // A key pair belongs to one device for life, revoked or not: a second
        // device holding it could take the first one's signed requests as its own.
        sqlite::Statement same_key(writer.db,
                                   "SELECT 1 FROM devices WHERE signing_public_key = ?1 "
                                   "OR box_public_key = ?2 LIMIT 1");
        same_key.bind(1, sqlite::Blob(device.signing_public_key));
        same_key.bind(2, sqlite::Blob(device.box_public_key));
        if (same_key.step()) {
            fail(ErrorCode::already_exists,
                 "this device's public key is already enrolled, by another device; a device "
                 "makes new keys for each enrolment (the code was not used)");
        }
        insert_device(writer.db, device, at_ms);

        sqlite::Statement mark_used(
            writer.db,
            "UPDATE enrolment_tokens SET used_at_ms = ?2, "
            "used_by_device = ?3 WHERE token_id = ?1 AND used_at_ms IS NULL");
        mark_used.bind(1, token->token_id);
        mark_used.bind(2, at_ms);
        mark_used.bind(3, device.id);
        mark_used.execute();
        if (writer.db.changes() != 1) {
            // Impossible under the write lock; refuse rather than enrol twice.
            fail(ErrorCode::internal,
                 "enrolment token " + token->token_id + " changed during its own transaction");
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
        const auto device = rows::select_device(writer.db, id);
        if (!device) {
            fail(ErrorCode::not_found, "device " + std::string(id) + " is not enrolled");
        }
        if (device->revoked_at_ms) {
            fail(ErrorCode::failed_precondition, "device " + device->id +
                                                     " was already revoked at " +
                                                     std::to_string(*device->revoked_at_ms));
        }
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
        auto token = select_token(writer.db, token_id);
        if (!token || (!created_by.empty() && token->created_by != created_by)) {
            fail(ErrorCode::not_found, "no enrolment code " + token_label(token_id));
        }
        if (token->used_at_ms) {
            fail(ErrorCode::failed_precondition, "enrolment code " + token->token_id +
                                                     " was already used, by device " +
                                                     token->used_by_device);
        }
        if (token->voided_at_ms) {
            fail(ErrorCode::failed_precondition,
                 "enrolment code " + token->token_id + " was already cancelled");
        }
        sqlite::Statement update(writer.db,
                                 "UPDATE enrolment_tokens SET voided_at_ms = ?2 "
                                 "WHERE token_id = ?1 AND used_at_ms IS NULL");
        update.bind(1, token->token_id);
        update.bind(2, at_ms);
        update.execute();
        token->voided_at_ms = at_ms;
        return *token;
    });
}

// ---- Organisation key envelopes -------------------------------------------------------

void SqliteRepository::put_recovery_envelope(std::string_view organisation_ods,
                                             crypto::ByteView sealed, std::string_view device_id,
                                             std::int64_t at_ms) {
    validate_ods_code(organisation_ods, "organisation ODS code");
    validate_actor(device_id, "device");
    if (sealed.empty()) {
        fail(ErrorCode::invalid_argument, "the recovery envelope is empty");
    }
    write([&](Writer& writer) {
        rows::require_organisation(writer.db, organisation_ods);
        sqlite::Statement exists(writer.db,
                                 "SELECT stored_by_device, stored_at_ms FROM recovery_envelopes "
                                 "WHERE organisation_ods = ?1");
        exists.bind(1, organisation_ods);
        if (exists.step()) {
            fail(ErrorCode::already_exists, "organisation " + std::string(organisation_ods) +
                                                " already has a recovery envelope, put by device " +
                                                exists.column_text(0) + " at " +
                                                std::to_string(exists.column_int64(1)));
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
    if (device_id.empty() || device_id.size() > kMaxActorBytes) {
        fail(ErrorCode::invalid_argument, "remember_nonce needs a device id of 1 to " +
                                              std::to_string(kMaxActorBytes) + " bytes");
    }
    if (nonce.empty() || nonce.size() > kMaxNonceBytes) {
        fail(ErrorCode::invalid_argument, "a request nonce must have 1 to " +
                                              std::to_string(kMaxNonceBytes) + " bytes, not " +
                                              std::to_string(nonce.size()));
    }
    if (at_ms < 0 || window_ms <= 0) {
        fail(ErrorCode::invalid_argument,
             "remember_nonce needs a time of at least 0 and a positive window (got at_ms " +
                 std::to_string(at_ms) + ", window_ms " + std::to_string(window_ms) + ")");
    }
    // Nonces used at or after `cutoff` are inside the window. No overflow: at_ms >= 0.
    const std::int64_t cutoff = at_ms - window_ms;

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
