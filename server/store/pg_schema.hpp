#pragma once
// Private to PgRepository: brings a database's schema to kPgSchemaVersion.

#include "server/store/pg_connection.hpp"

namespace dspt::server::store {

// Migrates under an advisory lock, so processes starting together migrate once.
// Throws schema_too_new, changing nothing, for a database a newer dsptsync wrote.
void migrate_pg_store(pg::Connection& connection);

}  // namespace dspt::server::store
