#pragma once
// Private to SqliteRepository's .cpp files: the column lists each table is read with,
// the functions that turn a row into a model struct (so every query of a table reads it
// the same way), and the lookups several operations share.
//
// Empty strings in the model ("no organisation", "not revoked by anyone") are stored as
// NULL, so foreign keys hold; reading NULL text gives "" back.

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "server/store/model.hpp"
#include "server/store/row_columns.hpp"

namespace dspt::server::store::rows {

// SELECT lists (row_columns.hpp); read_* below take the row with these columns from
// column 0.
using row_columns::kDeviceColumns;
using row_columns::kGrantColumns;
using row_columns::kOrganisationColumns;
using row_columns::kPartnerColumns;
using row_columns::kSiteColumns;
using row_columns::kTokenColumns;

Organisation read_organisation(const sqlite::Statement& row);
Site read_site(const sqlite::Statement& row);
Partner read_partner(const sqlite::Statement& row);
Grant read_grant(const sqlite::Statement& row);
Device read_device(const sqlite::Statement& row);
EnrolmentToken read_token(const sqlite::Statement& row);

// Binds `text`, or NULL when it is empty.
void bind_text_or_null(sqlite::Statement& statement, int index, std::string_view text);

// The column as an int64, or nullopt when it is NULL.
std::optional<std::int64_t> optional_int64(const sqlite::Statement& row, int index);

// Lookups on any connection (inside the caller's transaction, if any).
std::optional<Organisation> select_organisation(sqlite::Database& db, std::string_view ods);
std::optional<Site> select_site(sqlite::Database& db, std::string_view ods);
std::optional<Partner> select_partner(sqlite::Database& db, std::int64_t id);
std::optional<Device> select_device(sqlite::Database& db, std::string_view id);

// Throw not_found naming the thing unless it exists. The key must already have been
// validated (it appears in the message).
void require_organisation(sqlite::Database& db, std::string_view ods);
Partner require_partner(sqlite::Database& db, std::int64_t id);

}  // namespace dspt::server::store::rows
