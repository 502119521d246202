#pragma once
// Incremental BLOB reading (sqlite3_blob_open): one value of a row, read straight into
// the caller's buffer. A Statement's column_blob() has SQLite assemble the whole value
// in memory of its own and then copies it out; a large value (an evidence chunk of a
// mebibyte) read this way is copied once, into where it is needed.
//
// Errors as database.hpp: ErrorCode::database, or ErrorCode::database_busy.
// Thread-safety: as the Database.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/sqlite/database.hpp"

namespace dspt::sqlite {

// Replaces `out`'s contents with the value of column `column` of table `table` (of
// the main schema) in row `rowid`. Throws ErrorCode::database when there is no such
// row or the value is neither a BLOB nor text. Like a statement run to its end, it
// leaves no read transaction open behind it.
void read_blob(Database& db, std::string_view table, std::string_view column, std::int64_t rowid,
               std::string& out);

}  // namespace dspt::sqlite
