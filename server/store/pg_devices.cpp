// PgRepository: enrolment tokens, devices, recovery envelopes and request nonces.
//
// Single use across processes: enrol_device and void_token lock the token's row before
// they check it, so of concurrent calls with one token the first decides and the others
// see what it did; revoke_device locks the device's row. The primary keys decide between
// concurrent creators of a token, a device or a recovery envelope.

#include <atomic>
#include <string>

#include "common/error.hpp"
#include "server/store/device_rules.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

// remember_nonce's calls in this process, for kNoncePruneInterval.
std::atomic<std::uint64_t> pg_nonce_calls{0};

// Throws unless the organisation, site and partner a token names exist and the site
// belongs to the organisation. The scope's form has been validated. Nothing registered
// is ever deleted, and a site never changes organisation, so what is found here holds
// until the insert.
void pg_require_scope(pg::Connection& db, const EnrolmentToken& token) {
    if (!token.organisation_ods.empty()) {
        pg_rows::require_organisation(db, token.organisation_ods);
    }
    if (!token.site_ods.empty()) {
        check_token_site(pg_rows::select_site(db, token.site_ods), token.site_ods,
                         token.organisation_ods);
    }
    if (token.partner_id) {
        pg_rows::require_partner(db, *token.partner_id);
    }
}

// The token, if any; with `lock`, locked until the transaction ends.
std::optional<EnrolmentToken> pg_select_token(pg::Connection& db, std::string_view token_id,
                                              bool lock) {
    return pg_rows::read_first(
        db.run("SELECT " + std::string(pg_rows::kTokenColumns) +
                   " FROM enrolment_tokens t WHERE t.token_id = $1" + (lock ? " FOR UPDATE" : ""),
               pg::Params().text(token_id)),
        pg_rows::read_token);
}

// enrol_device's reads, in its transaction. The device a token's maker is stays locked,
// so it cannot be revoked between the check and the enrolment.
class PgEnrolmentReader final : public EnrolmentReader {
  public:
    explicit PgEnrolmentReader(pg::Connection& db) : db_(db) {}

    std::optional<Device> find_device(std::string_view id) override {
        return pg_rows::select_device(db_, id, true);
    }

    bool public_key_enrolled(const Device& device) override {
        return !db_.run(
                       "SELECT 1 FROM devices WHERE signing_public_key = $1 "
                       "OR box_public_key = $2 LIMIT 1",
                       pg::Params().bytes(device.signing_public_key).bytes(device.box_public_key))
                    .empty();
    }

  private:
    pg::Connection& db_;
};

// Stores the device enrolled at `enrolled_at_ms`; false, storing nothing, when its id or
// a key of it is enrolled already.
bool pg_insert_device(pg::Connection& db, const Device& device, std::int64_t enrolled_at_ms) {
    return db.run(
                 "INSERT INTO devices (id, role, organisation_ods, site_ods, partner_id, "
                 "signing_public_key, box_public_key, name, enrolled_at_ms, revoked_at_ms) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) ON CONFLICT DO NOTHING",
                 pg::Params()
                     .text(device.id)
                     .text(to_string(device.role))
                     .text_or_null(device.organisation_ods)
                     .text_or_null(device.site_ods)
                     .optional_int64(device.partner_id)
                     .bytes(device.signing_public_key)
                     .bytes(device.box_public_key)
                     .text(device.name)
                     .int64(enrolled_at_ms))
               .affected() == 1;
}

}  // namespace

// ---- Enrolment ------------------------------------------------------------------------

void PgRepository::create_token(const EnrolmentToken& token) {
    validate_new_token(token);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        const auto exists = [&] {
            fail(ErrorCode::already_exists,
                 "an enrolment token with id " + token.token_id + " already exists");
        };
        if (pg_select_token(db, token.token_id, false)) {
            exists();
        }
        pg_require_scope(db, token);
        const pg::Result inserted = db.run(
            "INSERT INTO enrolment_tokens (token_id, verifier, role, organisation_ods, site_ods, "
            "partner_id, created_by, created_at_ms, expires_at_ms, used_at_ms, used_by_device, "
            "organisation_key_envelope) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, $10) "
            "ON CONFLICT (token_id) DO NOTHING",
            pg::Params()
                .text(token.token_id)
                .bytes(token.verifier)
                .text(to_string(token.role))
                .text_or_null(token.organisation_ods)
                .text_or_null(token.site_ods)
                .optional_int64(token.partner_id)
                .text(token.created_by)
                .int64(token.created_at_ms)
                .int64(token.expires_at_ms)
                .bytes(token.organisation_key_envelope));
        if (inserted.affected() == 0) {
            exists();  // created by another process since the lookup
        }
    });
}

std::optional<EnrolmentToken> PgRepository::find_token(std::string_view token_id) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_select_token(db, token_id, false);
    });
}

Device PgRepository::enrol_device(std::string_view token_id, crypto::ByteView verifier,
                                  const Device& device, std::int64_t at_ms) {
    validate_device(device);
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // Locked: a concurrent enrolment with this token waits here, then finds it used.
        const auto found = pg_select_token(db, token_id, true);
        PgEnrolmentReader reader(db);
        const EnrolmentToken& token =
            check_enrolment(found, token_id, verifier, device, at_ms, reader);
        if (!pg_insert_device(db, device, at_ms)) {
            fail_device_enrolled_meanwhile(device);
        }
        const pg::Result used = db.run(
            "UPDATE enrolment_tokens SET used_at_ms = $2, used_by_device = $3 "
            "WHERE token_id = $1 AND used_at_ms IS NULL",
            pg::Params().text(token.token_id).int64(at_ms).text(device.id));
        if (used.affected() != 1) {
            // Impossible under the row lock; refuse rather than enrol twice.
            fail_token_changed(token);
        }

        Device stored = device;
        stored.enrolled_at_ms = at_ms;
        stored.revoked_at_ms.reset();
        return stored;
    });
}

// ---- Devices --------------------------------------------------------------------------

std::optional<Device> PgRepository::find_device(std::string_view id) const {
    return pg::in_transaction(*pool_, pg::Access::read,
                              [&](pg::Connection& db) { return pg_rows::select_device(db, id); });
}

std::vector<Device> PgRepository::list_devices() const {
    return pg::in_transaction(*pool_, pg::Access::read, [](pg::Connection& db) {
        return pg_rows::read_rows(db.run("SELECT " + std::string(pg_rows::kDeviceColumns) +
                                         " FROM devices d ORDER BY d.enrolled_at_ms, "
                                         "d.id COLLATE \"C\""),
                                  pg_rows::read_device);
    });
}

void PgRepository::revoke_device(std::string_view id, std::int64_t at_ms) {
    validate_device_id(id);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        check_revocable(pg_rows::select_device(db, id, true), id);
        db.run("UPDATE devices SET revoked_at_ms = $2 WHERE id = $1",
               pg::Params().text(id).int64(at_ms));
        // Its invitations die with it: no one can enrol with what it handed out.
        db.run(
            "UPDATE enrolment_tokens SET voided_at_ms = $2 "
            "WHERE created_by = $1 AND used_at_ms IS NULL AND voided_at_ms IS NULL",
            pg::Params().text(id).int64(at_ms));
    });
}

std::vector<EnrolmentToken> PgRepository::usable_tokens(std::string_view organisation_ods,
                                                        std::string_view created_by,
                                                        std::int64_t now_ms) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_rows::read_rows(
            db.run("SELECT " + std::string(pg_rows::kTokenColumns) +
                       " FROM enrolment_tokens t WHERE t.used_at_ms IS NULL"
                       " AND t.voided_at_ms IS NULL AND t.expires_at_ms >= $1"
                       " AND ($2::text = '' OR t.organisation_ods = $2::text)"
                       " AND ($3::text = '' OR t.created_by = $3::text)"
                       " ORDER BY t.created_at_ms, t.token_id COLLATE \"C\"",
                   pg::Params().int64(now_ms).text(organisation_ods).text(created_by)),
            pg_rows::read_token);
    });
}

EnrolmentToken PgRepository::void_token(std::string_view token_id, std::string_view created_by,
                                        std::int64_t at_ms) {
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        const auto found = pg_select_token(db, token_id, true);
        EnrolmentToken token = check_voidable(found, token_id, created_by);
        db.run(
            "UPDATE enrolment_tokens SET voided_at_ms = $2 "
            "WHERE token_id = $1 AND used_at_ms IS NULL",
            pg::Params().text(token.token_id).int64(at_ms));
        token.voided_at_ms = at_ms;
        return token;
    });
}

// ---- Organisation key envelopes -------------------------------------------------------

void PgRepository::put_recovery_envelope(std::string_view organisation_ods, crypto::ByteView sealed,
                                         std::string_view device_id, std::int64_t at_ms) {
    validate_recovery_envelope(organisation_ods, sealed, device_id);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        pg_rows::require_organisation(db, organisation_ods);
        // The primary key keeps the first: a second put, from this process or another,
        // inserts nothing.
        const pg::Result inserted = db.run(
            "INSERT INTO recovery_envelopes (organisation_ods, sealed, stored_by_device, "
            "stored_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_ods) DO NOTHING",
            pg::Params().text(organisation_ods).bytes(sealed).text(device_id).int64(at_ms));
        if (inserted.affected() == 0) {
            const pg::Result kept = db.run(
                "SELECT stored_by_device, stored_at_ms FROM recovery_envelopes "
                "WHERE organisation_ods = $1",
                pg::Params().text(organisation_ods));
            if (kept.empty()) {
                fail(ErrorCode::internal, "the recovery envelope of organisation " +
                                              std::string(organisation_ods) +
                                              " was neither stored nor found");
            }
            fail_recovery_envelope_kept(organisation_ods, kept.text(0, 0), kept.int64(0, 1));
        }
    });
}

std::optional<RecoveryEnvelope> PgRepository::find_recovery_envelope(
    std::string_view organisation_ods) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_rows::read_first(
            db.run("SELECT organisation_ods, sealed, stored_by_device, stored_at_ms "
                   "FROM recovery_envelopes WHERE organisation_ods = $1",
                   pg::Params().text(organisation_ods)),
            [](const pg::Result& result, int row) {
                return RecoveryEnvelope{result.text(row, 0), result.bytes(row, 1),
                                        result.text(row, 2), result.int64(row, 3)};
            });
    });
}

// ---- Replay protection ----------------------------------------------------------------

bool PgRepository::remember_nonce(std::string_view device_id, std::string_view nonce,
                                  std::int64_t at_ms, std::int64_t window_ms) {
    // Nonces used at or after `cutoff` are inside the window.
    const std::int64_t cutoff = nonce_window_start(device_id, nonce, at_ms, window_ms);
    if (pg_nonce_calls.fetch_add(1, std::memory_order_relaxed) % kNoncePruneInterval == 0) {
        pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
            db.run("DELETE FROM request_nonces WHERE seen_at_ms < $1", pg::Params().int64(cutoff));
        });
    }
    // One statement, committed on its own: the primary key (device_id, nonce) decides
    // between concurrent callers, in this process or another. The insert, or the update
    // of an entry from before the window, returns a row; a replay within the window
    // returns none.
    auto db = pool_->acquire();
    return !db->run(
                  "INSERT INTO request_nonces AS n (device_id, nonce, seen_at_ms) "
                  "VALUES ($1, $2, $3) "
                  "ON CONFLICT (device_id, nonce) DO UPDATE SET seen_at_ms = excluded.seen_at_ms "
                  "WHERE n.seen_at_ms < $4 RETURNING 1",
                  pg::Params().text(device_id).text(nonce).int64(at_ms).int64(cutoff))
                .empty();
}

}  // namespace dspt::server::store
