// SqliteRepository: browser login links and the sessions they open.

#include "common/error.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"
#include "server/store/web_checks.hpp"

namespace dspt::server::store {

namespace {

constexpr std::string_view kSessionColumns =
    "id_hash, device_id, year, created_at_ms, expires_at_ms, revoked_at_ms";

WebSession read_session(const sqlite::Statement& row) {
    WebSession session;
    session.id_hash = row.column_blob(0);
    session.device_id = row.column_text(1);
    session.year = row.column_text(2);
    session.created_at_ms = row.column_int64(3);
    session.expires_at_ms = row.column_int64(4);
    session.revoked_at_ms = rows::optional_int64(row, 5);
    return session;
}

void forget_expired(sqlite::Database& db, std::int64_t at_ms) {
    for (const auto* table : {"login_links", "web_sessions"}) {
        sqlite::Statement prune(db,
                                std::string("DELETE FROM ") + table + " WHERE expires_at_ms < ?1");
        prune.bind(1, at_ms - kKeepExpiredWebMs);
        prune.execute();
    }
}

}  // namespace

void SqliteRepository::create_login_link(const LoginLink& link) {
    validate_new_login_link(link);
    write([&](Writer& writer) {
        auto& db = writer.db;
        const auto device = rows::select_device(db, link.device_id);
        if (!device) {
            fail(ErrorCode::not_found, "device " + link.device_id + " is not enrolled");
        }
        if (device->revoked()) {
            fail(ErrorCode::failed_precondition,
                 "device " + link.device_id + " is revoked: it cannot make login links");
        }
        forget_expired(db, link.created_at_ms);
        sqlite::Statement exists(db, "SELECT 1 FROM login_links WHERE secret_hash = ?1");
        exists.bind(1, crypto::ByteView(link.secret_hash));
        if (exists.step()) {
            fail(ErrorCode::already_exists, "a login link with that secret exists");
        }
        sqlite::Statement insert(db,
                                 "INSERT INTO login_links (secret_hash, device_id, year, "
                                 "created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
        insert.bind(1, crypto::ByteView(link.secret_hash));
        insert.bind(2, link.device_id);
        insert.bind(3, link.year);
        insert.bind(4, link.created_at_ms);
        insert.bind(5, link.expires_at_ms);
        insert.execute();
    });
}

OpenedLink SqliteRepository::open_login_link(crypto::ByteView secret_hash,
                                             crypto::ByteView session_hash, std::int64_t at_ms,
                                             std::int64_t session_expires_at_ms) {
    validate_new_session(session_hash, at_ms, session_expires_at_ms);
    if (secret_hash.size() != kWebHashBytes) {
        return {LinkOutcome::unknown, {}};
    }
    return write([&](Writer& writer) -> OpenedLink {
        auto& db = writer.db;
        sqlite::Statement select(
            db,
            "SELECT l.device_id, l.year, l.expires_at_ms, l.used_at_ms, d.revoked_at_ms "
            "FROM login_links l JOIN devices d ON d.id = l.device_id WHERE l.secret_hash = ?1");
        select.bind(1, secret_hash);
        if (!select.step()) {
            return {LinkOutcome::unknown, {}};
        }
        if (!select.column_is_null(3)) {
            return {LinkOutcome::used, {}};
        }
        if (at_ms > select.column_int64(2)) {
            return {LinkOutcome::expired, {}};
        }
        if (!select.column_is_null(4)) {
            return {LinkOutcome::device_revoked, {}};
        }
        WebSession session;
        session.id_hash.assign(session_hash.begin(), session_hash.end());
        session.device_id = select.column_text(0);
        session.year = select.column_text(1);
        session.created_at_ms = at_ms;
        session.expires_at_ms = session_expires_at_ms;

        sqlite::Statement mark_used(db,
                                    "UPDATE login_links SET used_at_ms = ?2 "
                                    "WHERE secret_hash = ?1 AND used_at_ms IS NULL");
        mark_used.bind(1, secret_hash);
        mark_used.bind(2, at_ms);
        mark_used.execute();
        if (db.changes() != 1) {
            // Impossible under the write lock; refuse rather than open twice.
            fail(ErrorCode::internal, "a login link changed during its own transaction");
        }
        sqlite::Statement exists(db, "SELECT 1 FROM web_sessions WHERE id_hash = ?1");
        exists.bind(1, session_hash);
        if (exists.step()) {
            fail(ErrorCode::already_exists, "a web session with that id exists");
        }
        sqlite::Statement insert(db,
                                 "INSERT INTO web_sessions (id_hash, device_id, year, "
                                 "created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
        insert.bind(1, session_hash);
        insert.bind(2, session.device_id);
        insert.bind(3, session.year);
        insert.bind(4, session.created_at_ms);
        insert.bind(5, session.expires_at_ms);
        insert.execute();
        return {LinkOutcome::opened, std::move(session)};
    });
}

std::optional<WebSession> SqliteRepository::find_web_session(crypto::ByteView id_hash) const {
    return read(false, [&](Reader& reader) -> std::optional<WebSession> {
        sqlite::Statement select(reader.db, "SELECT " + std::string(kSessionColumns) +
                                                " FROM web_sessions WHERE id_hash = ?1");
        select.bind(1, id_hash);
        if (!select.step()) {
            return std::nullopt;
        }
        return read_session(select);
    });
}

bool SqliteRepository::end_web_session(crypto::ByteView id_hash, std::int64_t at_ms) {
    return write([&](Writer& writer) {
        sqlite::Statement update(writer.db,
                                 "UPDATE web_sessions SET revoked_at_ms = ?2 "
                                 "WHERE id_hash = ?1 AND revoked_at_ms IS NULL");
        update.bind(1, id_hash);
        update.bind(2, at_ms);
        update.execute();
        return writer.db.changes() == 1;
    });
}

}  // namespace dspt::server::store
