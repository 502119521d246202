// PgRepository: browser login links and the sessions they open. Opening a link locks
// its row, so of several processes opening one link at once exactly one opens it.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"
#include "server/store/web_checks.hpp"

namespace dspt::server::store {

namespace pg_web_sessions {
namespace {

WebSession read_session(const pg::Result& result, int row) {
    WebSession session;
    session.id_hash = result.bytes(row, 0);
    session.device_id = result.text(row, 1);
    session.year = result.text(row, 2);
    session.created_at_ms = result.int64(row, 3);
    session.expires_at_ms = result.int64(row, 4);
    session.revoked_at_ms = result.optional_int64(row, 5);
    return session;
}

void forget_expired(pg::Connection& db, std::int64_t at_ms) {
    db.run("DELETE FROM login_links WHERE expires_at_ms < $1",
           pg::Params().int64(at_ms - kKeepExpiredWebMs));
    db.run("DELETE FROM web_sessions WHERE expires_at_ms < $1",
           pg::Params().int64(at_ms - kKeepExpiredWebMs));
}

}  // namespace
}  // namespace pg_web_sessions

void PgRepository::create_login_link(const LoginLink& link) {
    validate_new_login_link(link);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // Locked, so the device is not revoked between the check and the insert.
        const auto device = pg_rows::select_device(db, link.device_id, true);
        if (!device) {
            fail(ErrorCode::not_found, "device " + link.device_id + " is not enrolled");
        }
        if (device->revoked()) {
            fail(ErrorCode::failed_precondition,
                 "device " + link.device_id + " is revoked: it cannot make login links");
        }
        pg_web_sessions::forget_expired(db, link.created_at_ms);
        const pg::Result inserted = db.run(
            "INSERT INTO login_links (secret_hash, device_id, year, created_at_ms, "
            "expires_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (secret_hash) DO NOTHING",
            pg::Params()
                .bytes(link.secret_hash)
                .text(link.device_id)
                .text(link.year)
                .int64(link.created_at_ms)
                .int64(link.expires_at_ms));
        if (inserted.affected() != 1) {
            fail(ErrorCode::already_exists, "a login link with that secret exists");
        }
    });
}

OpenedLink PgRepository::open_login_link(crypto::ByteView secret_hash,
                                         crypto::ByteView session_hash, std::int64_t at_ms,
                                         std::int64_t session_expires_at_ms) {
    validate_new_session(session_hash, at_ms, session_expires_at_ms);
    if (secret_hash.size() != kWebHashBytes) {
        return {LinkOutcome::unknown, {}};
    }
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) -> OpenedLink {
        // A second opener waits here for the first to commit, then reads the link as
        // the first left it: used.
        const pg::Result link = db.run(
            "SELECT l.device_id, l.year, l.expires_at_ms, l.used_at_ms, d.revoked_at_ms "
            "FROM login_links l JOIN devices d ON d.id = l.device_id WHERE l.secret_hash = $1 "
            "FOR UPDATE OF l FOR SHARE OF d",
            pg::Params().bytes(secret_hash));
        if (link.empty()) {
            return {LinkOutcome::unknown, {}};
        }
        if (!link.is_null(0, 3)) {
            return {LinkOutcome::used, {}};
        }
        if (at_ms > link.int64(0, 2)) {
            return {LinkOutcome::expired, {}};
        }
        if (!link.is_null(0, 4)) {
            return {LinkOutcome::device_revoked, {}};
        }
        WebSession session;
        session.id_hash.assign(session_hash.begin(), session_hash.end());
        session.device_id = link.text(0, 0);
        session.year = link.text(0, 1);
        session.created_at_ms = at_ms;
        session.expires_at_ms = session_expires_at_ms;

        const pg::Result marked = db.run(
            "UPDATE login_links SET used_at_ms = $2 WHERE secret_hash = $1 AND used_at_ms IS NULL",
            pg::Params().bytes(secret_hash).int64(at_ms));
        if (marked.affected() != 1) {
            // Impossible with the row locked; refuse rather than open twice.
            fail(ErrorCode::internal, "a login link changed during its own transaction");
        }
        const pg::Result inserted = db.run(
            "INSERT INTO web_sessions (id_hash, device_id, year, created_at_ms, expires_at_ms) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id_hash) DO NOTHING",
            pg::Params()
                .bytes(session_hash)
                .text(session.device_id)
                .text(session.year)
                .int64(session.created_at_ms)
                .int64(session.expires_at_ms));
        if (inserted.affected() != 1) {
            fail(ErrorCode::already_exists, "a web session with that id exists");
        }
        return {LinkOutcome::opened, std::move(session)};
    });
}

std::optional<WebSession> PgRepository::find_web_session(crypto::ByteView id_hash) const {
    return pg::in_transaction(
        *pool_, pg::Access::read, [&](pg::Connection& db) -> std::optional<WebSession> {
            const pg::Result result = db.run(
                "SELECT id_hash, device_id, year, created_at_ms, expires_at_ms, revoked_at_ms "
                "FROM web_sessions WHERE id_hash = $1",
                pg::Params().bytes(id_hash));
            if (result.empty()) {
                return std::nullopt;
            }
            return pg_web_sessions::read_session(result, 0);
        });
}

bool PgRepository::end_web_session(crypto::ByteView id_hash, std::int64_t at_ms) {
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        return db.run(
                     "UPDATE web_sessions SET revoked_at_ms = $2 "
                     "WHERE id_hash = $1 AND revoked_at_ms IS NULL",
                     pg::Params().bytes(id_hash).int64(at_ms))
                   .affected() == 1;
    });
}

}  // namespace dspt::server::store
