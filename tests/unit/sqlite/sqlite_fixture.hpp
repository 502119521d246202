#pragma once
// What the SQLite wrapper's tests share.

#include <cstdint>
#include <string_view>

#include <catch2/catch.hpp>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"

namespace dspt::sqlite::test {

// The first column of the one row `sql` returns, as an integer.
inline std::int64_t query_int(Database& db, std::string_view sql) {
    Statement stmt(db, sql);
    REQUIRE(stmt.step());
    return stmt.column_int64(0);
}

}  // namespace dspt::sqlite::test
