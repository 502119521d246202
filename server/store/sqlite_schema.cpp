// The server store's schema history. Steps are append-only: once released, a step is
// never edited; change the schema with a new step (common/sqlite/migrations.hpp).

#include <array>

#include "common/sqlite/migrations.hpp"
#include "server/store/sqlite_connections.hpp"

namespace dspt::server::store {

namespace {

void create_version_1(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE organisations (
            ods                           TEXT PRIMARY KEY,
            name                          TEXT NOT NULL,
            is_headquarters               INTEGER NOT NULL CHECK (is_headquarters IN (0, 1)),
            cyber_essentials_plus_expires TEXT,             -- "YYYY-MM-DD"; NULL when none
            created_at_ms                 INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE sites (
            ods              TEXT PRIMARY KEY,
            organisation_ods TEXT NOT NULL REFERENCES organisations(ods),
            cqc_location_id  TEXT NOT NULL,
            name             TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sites_by_organisation ON sites(organisation_ods, ods);

        CREATE TABLE partners (
            id            INTEGER PRIMARY KEY,
            name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at_ms INTEGER NOT NULL
        );

        -- Every grant ever given; a revoked grant keeps its row as history, and at most
        -- one live grant exists per organisation and partner.
        CREATE TABLE grants (
            id                INTEGER PRIMARY KEY,
            organisation_ods  TEXT NOT NULL REFERENCES organisations(ods),
            partner_id        INTEGER NOT NULL REFERENCES partners(id),
            given_at_ms       INTEGER NOT NULL,
            given_by_device   TEXT NOT NULL,
            revoked_at_ms     INTEGER,
            revoked_by_device TEXT
        );
        CREATE UNIQUE INDEX grants_live ON grants(organisation_ods, partner_id)
            WHERE revoked_at_ms IS NULL;
        CREATE INDEX grants_live_by_partner ON grants(partner_id, organisation_ods)
            WHERE revoked_at_ms IS NULL;
        CREATE INDEX grants_by_organisation ON grants(organisation_ods, id);

        CREATE TABLE devices (
            id                 TEXT PRIMARY KEY,  -- UUID
            role               TEXT NOT NULL
                               CHECK (role IN ('branch', 'headquarters', 'partner')),
            organisation_ods   TEXT REFERENCES organisations(ods),
            site_ods           TEXT REFERENCES sites(ods),
            partner_id         INTEGER REFERENCES partners(id),
            signing_public_key BLOB NOT NULL,
            box_public_key     BLOB NOT NULL,
            name               TEXT NOT NULL,
            enrolled_at_ms     INTEGER NOT NULL,
            revoked_at_ms      INTEGER
        ) WITHOUT ROWID;

        -- Only a verifier of each code's secret is kept, never the secret.
        CREATE TABLE enrolment_tokens (
            token_id                  TEXT PRIMARY KEY,
            verifier                  BLOB NOT NULL,
            role                      TEXT NOT NULL
                                      CHECK (role IN ('branch', 'headquarters', 'partner')),
            organisation_ods          TEXT REFERENCES organisations(ods),
            site_ods                  TEXT REFERENCES sites(ods),
            partner_id                INTEGER REFERENCES partners(id),
            created_by                TEXT NOT NULL,
            created_at_ms             INTEGER NOT NULL,
            expires_at_ms             INTEGER NOT NULL,
            used_at_ms                INTEGER,
            used_by_device            TEXT REFERENCES devices(id),
            organisation_key_envelope BLOB NOT NULL  -- opaque; may be empty
        ) WITHOUT ROWID;

        CREATE TABLE recovery_envelopes (
            organisation_ods TEXT PRIMARY KEY REFERENCES organisations(ods),
            sealed           BLOB NOT NULL,  -- opaque to the server
            stored_by_device TEXT NOT NULL,
            stored_at_ms     INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Request nonces seen recently, per device, for replay protection.
        CREATE TABLE request_nonces (
            device_id  TEXT NOT NULL,
            nonce      TEXT NOT NULL,
            seen_at_ms INTEGER NOT NULL,
            PRIMARY KEY (device_id, nonce)
        ) WITHOUT ROWID;
        CREATE INDEX request_nonces_by_time ON request_nonces(seen_at_ms);
    )sql");
}

void create_version_2(sqlite::Database& db) {
    db.execute(R"sql(
        -- Each organisation's change sequence: every accepted value takes the next number.
        CREATE TABLE organisation_versions (
            organisation_ods TEXT PRIMARY KEY REFERENCES organisations(ods),
            last_version     INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- A register and its latest version; pull pages through them by version.
        CREATE TABLE registers (
            organisation_ods TEXT NOT NULL REFERENCES organisations(ods),
            scope            TEXT NOT NULL,  -- a site ODS code, or '' organisation-wide
            register_key     TEXT NOT NULL,
            version          INTEGER NOT NULL,
            PRIMARY KEY (organisation_ods, scope, register_key)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX registers_by_version ON registers(organisation_ods, version);

        -- A register's live values: one when settled, every sibling while in conflict.
        CREATE TABLE register_values (
            organisation_ods TEXT NOT NULL,
            scope            TEXT NOT NULL,
            register_key     TEXT NOT NULL,
            version          INTEGER NOT NULL,
            replica_id       TEXT NOT NULL,
            seq              INTEGER NOT NULL,
            hlc              INTEGER NOT NULL,
            base_version     INTEGER NOT NULL,
            payload          TEXT NOT NULL,
            author           TEXT NOT NULL,
            PRIMARY KEY (organisation_ods, scope, register_key, version)
        ) WITHOUT ROWID;

        -- Which device writes as each replica, and how far its changes are applied.
        CREATE TABLE replicas (
            replica_id       TEXT PRIMARY KEY,
            device_id        TEXT NOT NULL REFERENCES devices(id),
            organisation_ods TEXT NOT NULL REFERENCES organisations(ods),
            high_water       INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- The result of every applied change, answered again to a retry.
        CREATE TABLE applied_changes (
            replica_id TEXT NOT NULL,
            seq        INTEGER NOT NULL,
            outcome    INTEGER NOT NULL,
            version    INTEGER NOT NULL,
            PRIMARY KEY (replica_id, seq)
        ) WITHOUT ROWID;
    )sql");
}

void create_version_3(sqlite::Database& db) {
    db.execute(R"sql(
        -- Evidence files whose sealed chunks the server holds, and whose they are.
        CREATE TABLE blobs (
            evidence_id      TEXT PRIMARY KEY,
            organisation_ods TEXT NOT NULL REFERENCES organisations(ods),
            scope            TEXT NOT NULL,  -- a site ODS code, or '' organisation-wide
            created_at       INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- The chunks, sealed by the uploading device under a key the server never
        -- sees. A rowid table: its rows are about 1 MiB each.
        CREATE TABLE blob_chunks (
            evidence_id TEXT NOT NULL REFERENCES blobs(evidence_id),
            idx         INTEGER NOT NULL,
            data        BLOB NOT NULL,
            PRIMARY KEY (evidence_id, idx)
        );
    )sql");
}

// Publications are immutable records (docs/domain.md, "Publishing"): triggers refuse any
// change or deletion, whatever code runs against the file.
void create_version_4(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE publications (
            id               INTEGER PRIMARY KEY,
            organisation_ods TEXT NOT NULL REFERENCES organisations(ods),
            year             TEXT NOT NULL,   -- the standards year, "2025-26"
            level            TEXT NOT NULL CHECK (level IN ('approaching', 'met', 'exceeded')),
            published_at_ms  INTEGER NOT NULL,
            device_id        TEXT NOT NULL,
            request_id       TEXT NOT NULL UNIQUE  -- the client's id for its request
        );
        CREATE INDEX publications_by_organisation
            ON publications(organisation_ods, published_at_ms);

        CREATE TABLE publication_sites (
            publication_id INTEGER NOT NULL REFERENCES publications(id),
            site_ods       TEXT NOT NULL REFERENCES sites(ods),
            PRIMARY KEY (publication_id, site_ods)
        ) WITHOUT ROWID;

        CREATE TRIGGER publications_never_change BEFORE UPDATE ON publications
            BEGIN SELECT RAISE(ABORT, 'a publication is never changed'); END;
        CREATE TRIGGER publications_never_go BEFORE DELETE ON publications
            BEGIN SELECT RAISE(ABORT, 'a publication is never deleted'); END;
        CREATE TRIGGER publication_sites_never_change BEFORE UPDATE ON publication_sites
            BEGIN SELECT RAISE(ABORT, 'a publication is never changed'); END;
        CREATE TRIGGER publication_sites_never_go BEFORE DELETE ON publication_sites
            BEGIN SELECT RAISE(ABORT, 'a publication is never deleted'); END;
    )sql");
}

// The latest sync health each device reported (sync_health_model.hpp): one row
// per device, replaced by every report.
void create_version_5(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE sync_health (
            device_id             TEXT PRIMARY KEY REFERENCES devices(id),
            reported_at_ms        INTEGER NOT NULL,
            pending_changes       INTEGER NOT NULL CHECK (pending_changes >= 0),
            pending_bytes         INTEGER NOT NULL CHECK (pending_bytes >= 0),
            oldest_pending_age_ms INTEGER NOT NULL CHECK (oldest_pending_age_ms >= 0),
            last_sync_at_ms       INTEGER  -- server time of the last report with finished
        ) WITHOUT ROWID;
    )sql");
}

// Browser sign-in: only hashes of link secrets and session ids are kept.
void create_version_6(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE login_links (
            secret_hash   BLOB PRIMARY KEY,  -- BLAKE2b-256 of the link's secret
            device_id     TEXT NOT NULL REFERENCES devices(id),
            year          TEXT NOT NULL,     -- the standards year its session shows
            created_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            used_at_ms    INTEGER            -- NULL until opened; it opens once
        ) WITHOUT ROWID;
        CREATE INDEX login_links_by_expiry ON login_links(expires_at_ms);

        CREATE TABLE web_sessions (
            id_hash       BLOB PRIMARY KEY,  -- BLAKE2b-256 of the cookie's session id
            device_id     TEXT NOT NULL REFERENCES devices(id),
            year          TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            revoked_at_ms INTEGER            -- set when signed out
        ) WITHOUT ROWID;
        CREATE INDEX web_sessions_by_expiry ON web_sessions(expires_at_ms);
    )sql");
}

void create_version_7(sqlite::Database& db) {
    db.execute(R"sql(
        -- The end of a grant given with an end date: in force up to and including
        -- this time (the last millisecond of its last day, UTC). NULL: until revoked.
        ALTER TABLE grants ADD COLUMN expires_at_ms INTEGER;
    )sql");
}

void create_version_8(sqlite::Database& db) {
    db.execute(R"sql(
        -- When an unused code was cancelled: by its creator or the operator, or
        -- because the device that made it was revoked. NULL: it still works
        -- (until it expires).
        ALTER TABLE enrolment_tokens ADD COLUMN voided_at_ms INTEGER;
        CREATE INDEX enrolment_tokens_unused_by_creator ON enrolment_tokens(created_by)
            WHERE used_at_ms IS NULL AND voided_at_ms IS NULL;
        -- Codes made by devices revoked before this step die with them too.
        UPDATE enrolment_tokens
           SET voided_at_ms = (SELECT revoked_at_ms FROM devices WHERE id = created_by)
         WHERE used_at_ms IS NULL
           AND created_by IN (SELECT id FROM devices WHERE revoked_at_ms IS NOT NULL);
    )sql");
}

// The public register shows each site the latest publication that covers it: found
// through the site, not by reading every publication of its organisation.
void create_version_9(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE INDEX publication_sites_by_site ON publication_sites(site_ods, publication_id);
    )sql");
}

// Standards packs an operator installs, beside the bundled ones.
void create_version_10(sqlite::Database& db) {
    db.execute(R"sql(
        -- Standards packs an operator installed, beside the bundled ones: the
        -- pack's canonical JSON under its year and the BLAKE2b-256 of that JSON.
        CREATE TABLE standards_packs (
            year            TEXT NOT NULL,
            digest          TEXT NOT NULL,  -- lower-case hex
            version         TEXT NOT NULL,  -- "" when the pack names none
            pack_json       TEXT NOT NULL,
            installed_at_ms INTEGER NOT NULL,
            PRIMARY KEY (year, digest)
        ) WITHOUT ROWID;
    )sql");
}

// Enrolment checks that no device holds the new device's keys: found through an
// index, not by reading every device (a service enrols tens of thousands).
void create_version_11(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE INDEX devices_by_signing_key ON devices(signing_public_key);
        CREATE INDEX devices_by_box_key ON devices(box_public_key);
    )sql");
}

// A support partner's own grouping of the organisations that grant it access, and
// an organisation's devices found by index.
void create_version_12(sqlite::Database& db) {
    db.execute(R"sql(
        -- A partner's label for an organisation (a local authority area, say),
        -- set by the partner's devices and shown only while a grant is in force.
        CREATE TABLE partner_groups (
            partner_id       INTEGER NOT NULL REFERENCES partners(id),
            organisation_ods TEXT NOT NULL REFERENCES organisations(ods),
            label            TEXT NOT NULL,
            set_at_ms        INTEGER NOT NULL,
            PRIMARY KEY (partner_id, organisation_ods)
        ) WITHOUT ROWID;

        -- An organisation's devices (their sync health, in progress views) found
        -- through an index, not by reading every device: a partner's summary asks
        -- for hundreds of organisations' at once.
        CREATE INDEX devices_by_organisation ON devices(organisation_ods);
    )sql");
}

// The public statistics read every organisation's type and a year's publications:
// through these, not by reading every register or every publication.
//
// The partial index's condition names no column bare: SQLite recompiles a statement
// whose "column = ?" could match a partial index's "column = 'constant'" each time
// its parameter changes (to check whether the index applies), and every register
// lookup of the sync path is "register_key = ?3 AND scope = ?2". With lower() and
// length() in the condition no such statement can match it, and only the
// statistics' query, which spells the same condition, uses the index.
void create_version_13(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE INDEX register_values_organisation_type
            ON register_values(organisation_ods, version, payload)
            WHERE lower(register_key) = 'profile/organisation_type' AND length(scope) = 0;
        CREATE INDEX publications_by_year
            ON publications(year, published_at_ms, organisation_ods, level, id);
    )sql");
}

// The evidence quota sums an organisation's chunks when it first stores one: through
// this index, not by reading every file's claim (a scan that grew with every
// organisation, and held the writer while it ran).
void create_version_14(sqlite::Database& db) {
    db.execute("CREATE INDEX blobs_by_organisation ON blobs(organisation_ods)");
}

// Evidence chunks written from this version on are files in `<data dir>/evidence/`
// (EvidenceFiles), and this table names them; blob_chunks keeps the chunks written
// before, and those of a backup (`dspt-server admin backup` puts the files' bytes back
// into it so the copy is one file). A chunk is in one of the two tables, never both.
void create_version_15(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE chunk_files (
            evidence_id TEXT NOT NULL REFERENCES blobs(evidence_id),
            idx         INTEGER NOT NULL,
            bytes       INTEGER NOT NULL,  -- the file's size
            name        TEXT NOT NULL,     -- EvidenceFiles::path_of
            PRIMARY KEY (evidence_id, idx)
        ) WITHOUT ROWID;
    )sql");
}

// Every pull reads the registers of the device's scopes newer than its cursor. With
// only registers_by_version, a branch's pull walked every newer register of its
// organisation to find its own: a branch of an organisation with a thousand sites
// read a thousand sites' changes at each sync. Through this index each scope is read
// on its own (sqlite_sync.cpp, kPullScopesOneByOne).
void create_version_16(sqlite::Database& db) {
    db.execute("CREATE INDEX registers_by_scope ON registers(organisation_ods, scope, version)");
}

const std::array<sqlite::Migration, 16> kSteps{{
    {1, "create the server registry and authentication state", create_version_1},
    {2, "create the sync state: registers, values, replicas", create_version_2},
    {3, "hold the sealed chunks of evidence files", create_version_3},
    {4, "record publications", create_version_4},
    {5, "keep each device's latest sync health", create_version_5},
    {6, "keep browser login links and sessions", create_version_6},
    {7, "let a grant end on a date", create_version_7},
    {8, "let an enrolment code be cancelled", create_version_8},
    {9, "find a site's publications", create_version_9},
    {10, "hold standards packs an operator installs", create_version_10},
    {11, "find a device by its keys", create_version_11},
    {12, "let a partner group its organisations; find an organisation's devices",
     create_version_12},
    {13, "count the public statistics through indexes", create_version_13},
    {14, "find an organisation's evidence files", create_version_14},
    {15, "keep new evidence chunks as files beside the store", create_version_15},
    {16, "read a pull's registers scope by scope", create_version_16},
}};

static_assert(kSteps.size() == kServerSchemaVersion);

}  // namespace

void migrate_server_store(sqlite::Database& db) {
    sqlite::migrate(db, kSteps);
}

}  // namespace dspt::server::store
