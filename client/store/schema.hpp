#pragma once
// The client store's schema, as numbered migrations on PRAGMA user_version.
//
// What is in clear and what is sealed (docs/security.md, "On a device"): item ids, register
// keys, timestamps, sizes and counts are clear; every answer value, comment and
// author, action-plan entry, evidence file name, evidence chunk and outbox
// payload is sealed with XChaCha20-Poly1305 under the data key (chunks under
// their file's own key), with associated data naming the table, the row and the
// column (field_sealer.hpp).

#include "common/sqlite/database.hpp"

namespace dspt::client {

// The newest schema this build writes. A store with a higher user_version was
// written by a newer dspt and is refused (ErrorCode::schema_too_new).
inline constexpr int kClientSchemaVersion = 9;

// Brings a store up to kClientSchemaVersion, one numbered step at a time.
void migrate_client_store(sqlite::Database& db);

}  // namespace dspt::client
