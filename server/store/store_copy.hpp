#pragma once
// Copying the embedded store into PostgreSQL (`dspt-server migrate`): every table of
// the schema, row by row, keeping ids, in one PostgreSQL transaction that commits only
// when what PostgreSQL holds reads back the same as the embedded store. The evidence
// chunks the embedded store keeps as files (its table chunk_files) become rows of
// PostgreSQL's blob_chunks, as if the embedded store held them in its own blob_chunks;
// they are digested so.
//
// Verifying. For every table the rows are counted and digested on both sides:
// BLAKE2b-256 over a canonical encoding of the rows in primary-key order (byte order
// for text and bytes), each value as a tag (NULL, integer, text or bytes), an integer
// as 8 bytes big-endian, text and bytes as an 8-byte big-endian length and the bytes.
// A boolean is the integer 0 or 1, as the embedded store keeps it. The PostgreSQL side
// is read back from PostgreSQL after the copy, inside the transaction.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/crypto/bytes.hpp"

namespace dspt::server::store {

// One table as the copy found it on each side.
struct CopiedTable {
    std::string name;
    std::int64_t source_rows = 0;  // in the embedded store
    std::int64_t target_rows = 0;  // read back from PostgreSQL
    crypto::Bytes source_digest;
    crypto::Bytes target_digest;

    bool verified() const { return source_rows == target_rows && source_digest == target_digest; }
};

struct StoreCopy {
    std::vector<CopiedTable> tables;  // in the order they were copied (parents first)
    bool committed = false;           // false: a table differs and nothing was kept
};

// Copies the embedded store in `data_dir` into the PostgreSQL store at `location`,
// creating its schema if needed (and first bringing the embedded store to this
// build's schema, as `serve` would). The tables are locked against writers for the
// copy, and the embedded store is read in one snapshot. Commits only if every table
// verifies; otherwise rolls back and returns what differed. Throws:
//   - not_found if `data_dir` holds no embedded store;
//   - failed_precondition if the PostgreSQL store holds any row already, naming the
//     table (nothing is written);
//   - corrupt if the two schemas do not have the same tables and columns, or a stored
//     value is not of its column's type (naming the table and column);
//   - what opening either store throws (database, schema_too_new, ...).
StoreCopy copy_to_postgresql(const std::filesystem::path& data_dir, const std::string& location);

}  // namespace dspt::server::store
