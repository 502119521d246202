#include "client/store/schema.hpp"

#include <array>

#include "common/sqlite/migrations.hpp"

namespace dspt::client {

namespace {

void create_version_1(sqlite::Database& db) {
    db.execute(R"sql(
        -- Store-wide settings: format, year, replica id, the wrapped data key and
        -- its KDF parameters, the next outbox seq and the last HLC time.
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE answers (
            item_id     TEXT PRIMARY KEY,
            value       BLOB NOT NULL,   -- sealed
            comment     BLOB NOT NULL,   -- sealed
            answered_by BLOB NOT NULL,   -- sealed
            updated_at  INTEGER NOT NULL -- Unix ms
        ) WITHOUT ROWID;

        CREATE TABLE plan_entries (
            item_id    TEXT PRIMARY KEY,
            entry      BLOB NOT NULL,    -- sealed JSON: action, owner, due
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE evidence (
            id          TEXT PRIMARY KEY,  -- UUID
            item_id     TEXT NOT NULL,
            manifest    BLOB NOT NULL,     -- sealed JSON: name, size, chunks, BLAKE2b
            file_key    BLOB NOT NULL,     -- the file's key, wrapped by the data key
            size        INTEGER NOT NULL,
            chunk_count INTEGER NOT NULL,
            added_at    INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX evidence_by_item ON evidence(item_id);

        CREATE TABLE evidence_chunks (
            evidence_id TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
            idx         INTEGER NOT NULL,
            data        BLOB NOT NULL,     -- sealed under the file key
            PRIMARY KEY (evidence_id, idx)
        ) WITHOUT ROWID;

        -- The server version each register was last seen at; 0 when never synced.
        CREATE TABLE register_versions (
            register_key TEXT PRIMARY KEY,
            version      INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Every local change, in order, waiting to be pushed (docs/sync.md, "The outbox").
        CREATE TABLE outbox (
            seq          INTEGER PRIMARY KEY,  -- contiguous per replica, from 1
            replica_id   TEXT NOT NULL,
            hlc          INTEGER NOT NULL,
            register_key TEXT NOT NULL,
            base_version INTEGER NOT NULL,
            payload      BLOB NOT NULL,        -- sealed JSON
            created_at   INTEGER NOT NULL,
            acked_at     INTEGER               -- set when the server has answered
        );
        CREATE INDEX outbox_pending ON outbox(seq) WHERE acked_at IS NULL;
    )sql");
}

void create_version_2(sqlite::Database& db) {
    db.execute(R"sql(
        -- Registers the server reported in conflict, with every sibling value.
        CREATE TABLE conflicts (
            register_key TEXT PRIMARY KEY,
            siblings     BLOB NOT NULL     -- sealed JSON array
        ) WITHOUT ROWID;
    )sql");
}

void create_version_3(sqlite::Database& db) {
    db.execute(R"sql(
        -- Every synced row gains the assessment it belongs to, its scope: '' for
        -- this store's own; a site's ODS code for a branch's assessment kept on a
        -- headquarters device; '*' for the organisation-wide answers a branch
        -- device receives from headquarters.
        CREATE TABLE answers_v3 (
            scope       TEXT NOT NULL,
            item_id     TEXT NOT NULL,
            value       BLOB NOT NULL,   -- sealed
            comment     BLOB NOT NULL,   -- sealed
            answered_by BLOB NOT NULL,   -- sealed
            updated_at  INTEGER NOT NULL,
            PRIMARY KEY (scope, item_id)
        ) WITHOUT ROWID;
        INSERT INTO answers_v3 SELECT '', item_id, value, comment, answered_by, updated_at
            FROM answers;
        DROP TABLE answers;
        ALTER TABLE answers_v3 RENAME TO answers;

        CREATE TABLE plan_entries_v3 (
            scope      TEXT NOT NULL,
            item_id    TEXT NOT NULL,
            entry      BLOB NOT NULL,    -- sealed JSON: action, owner, due
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (scope, item_id)
        ) WITHOUT ROWID;
        INSERT INTO plan_entries_v3 SELECT '', item_id, entry, updated_at FROM plan_entries;
        DROP TABLE plan_entries;
        ALTER TABLE plan_entries_v3 RENAME TO plan_entries;

        CREATE TABLE register_versions_v3 (
            scope        TEXT NOT NULL,
            register_key TEXT NOT NULL,
            version      INTEGER NOT NULL,
            PRIMARY KEY (scope, register_key)
        ) WITHOUT ROWID;
        INSERT INTO register_versions_v3 SELECT '', register_key, version FROM register_versions;
        DROP TABLE register_versions;
        ALTER TABLE register_versions_v3 RENAME TO register_versions;

        CREATE TABLE conflicts_v3 (
            scope        TEXT NOT NULL,
            register_key TEXT NOT NULL,
            siblings     BLOB NOT NULL,     -- sealed JSON array
            PRIMARY KEY (scope, register_key)
        ) WITHOUT ROWID;
        INSERT INTO conflicts_v3 SELECT '', register_key, siblings FROM conflicts;
        DROP TABLE conflicts;
        ALTER TABLE conflicts_v3 RENAME TO conflicts;

        ALTER TABLE outbox ADD COLUMN scope TEXT NOT NULL DEFAULT '';

        ALTER TABLE evidence ADD COLUMN scope TEXT NOT NULL DEFAULT '';
        -- 0: added here, chunks not yet all on the server (its register entry is
        -- written to the outbox once they are); 1: on the server and here;
        -- 2: pulled from another device, chunks still downloading.
        ALTER TABLE evidence ADD COLUMN transfer INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX evidence_by_transfer ON evidence(transfer) WHERE transfer <> 1;
    )sql");
}

// Evidence chunks move to a table with rowids. In a WITHOUT ROWID table a row is
// kept in the key's b-tree, and SQLite reads a whole 1 MiB row to compare keys
// against it, so every lookup and insert of a chunk read several chunks.
void create_version_4(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE evidence_chunks_by_rowid (
            evidence_id TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
            idx         INTEGER NOT NULL,
            data        BLOB NOT NULL,     -- sealed under the file key
            PRIMARY KEY (evidence_id, idx)
        );
        INSERT INTO evidence_chunks_by_rowid (evidence_id, idx, data)
            SELECT evidence_id, idx, data FROM evidence_chunks ORDER BY evidence_id, idx;
        DROP TABLE evidence_chunks;
        ALTER TABLE evidence_chunks_by_rowid RENAME TO evidence_chunks;
    )sql");
}

// Standards years: `dspt year start` carries the answers and evidence of items
// that are in both years' packs over to the new year, each item marked to
// review until someone confirms it. Evidence keeps its state in `transfer`,
// which gains 3: carried over, not yet part of the new year (it becomes 0, to
// upload, when its item is reviewed).
void create_version_5(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE TABLE to_review (
            scope   TEXT NOT NULL,
            item_id TEXT NOT NULL,
            PRIMARY KEY (scope, item_id)
        ) WITHOUT ROWID;
    )sql");
}

// A change names every value of its register that its writer had seen, not one
// base version, so the server replaces exactly those (a conflict's siblings
// among them) and keeps the rest. A register's single version becomes the
// list of its values' versions as last pulled; an entry's base version, the
// list of that one version.
void create_version_6(sqlite::Database& db) {
    db.execute(R"sql(
        ALTER TABLE register_versions ADD COLUMN seen TEXT NOT NULL DEFAULT '[]';
        UPDATE register_versions SET seen = '[' || version || ']' WHERE version > 0;
        ALTER TABLE outbox ADD COLUMN seen TEXT NOT NULL DEFAULT '[]';
        UPDATE outbox SET seen = '[' || base_version || ']' WHERE base_version > 0;
    )sql");
}

// A change the server refused for good is set aside: not sent again, kept with
// the server's reason (in clear: it names the change and the limit, never its
// content) until the user answers the item again or drops it.
void create_version_7(sqlite::Database& db) {
    db.execute(R"sql(
        ALTER TABLE outbox ADD COLUMN set_aside TEXT;   -- the refusal; NULL while waiting
    )sql");
}

// The changes set aside are listed on every sync and every answer; an index keeps
// that from reading the whole outbox, which holds every change ever made here.
void create_version_8(sqlite::Database& db) {
    db.execute(R"sql(
        CREATE INDEX outbox_set_aside ON outbox(seq) WHERE set_aside IS NOT NULL;
    )sql");
}

// Each evidence chunk keeps the hash its upload request is authenticated with
// (protocol::request_body_hash of the sealed bytes), made once when the chunk is
// sealed, so an upload reads the chunk and sends it without hashing a mebibyte
// first. NULL for chunks from before, and for chunks received from the server:
// their hash is made when they are sent.
void create_version_9(sqlite::Database& db) {
    db.execute(R"sql(
        ALTER TABLE evidence_chunks ADD COLUMN body_hash TEXT;
    )sql");
}

const std::array<sqlite::Migration, 9> kSteps{{
    {1, "create the client store", create_version_1},
    {2, "add the conflicts reported by the server", create_version_2},
    {3, "keep each assessment apart and track evidence uploads and downloads", create_version_3},
    {4, "keep evidence chunks in a table with rowids", create_version_4},
    {5, "mark the items carried over from the previous standards year", create_version_5},
    {6, "record every value a change had seen", create_version_6},
    {7, "set aside the changes the server refused", create_version_7},
    {8, "index the changes set aside", create_version_8},
    {9, "keep each evidence chunk's request hash", create_version_9},
}};

static_assert(kSteps.size() == kClientSchemaVersion);

}  // namespace

void migrate_client_store(sqlite::Database& db) {
    sqlite::migrate(db, kSteps);
}

}  // namespace dspt::client
