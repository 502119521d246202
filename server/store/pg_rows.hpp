#pragma once
// Private to PgRepository's .cpp files: the column lists each table is read with, the
// functions that turn a row into a model struct, and the lookups several operations
// share. The same shapes as the embedded store's (sqlite_rows.hpp).
//
// Empty strings in the model ("no organisation", "not revoked by anyone") are stored as
// NULL, so foreign keys hold; reading NULL text gives "" back.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/store/model.hpp"
#include "server/store/pg_connection.hpp"
#include "server/store/row_columns.hpp"

namespace dspt::server::store::pg_rows {

// SELECT lists (row_columns.hpp); read_* below take the row with these columns from
// column 0.
using row_columns::kDeviceColumns;
using row_columns::kGrantColumns;
using row_columns::kOrganisationColumns;
using row_columns::kPartnerColumns;
using row_columns::kSiteColumns;
using row_columns::kTokenColumns;

// Read row `row` of `result`, whose columns are the lists above from column 0.
Organisation read_organisation(const pg::Result& result, int row);
Site read_site(const pg::Result& result, int row);
Partner read_partner(const pg::Result& result, int row);
Grant read_grant(const pg::Result& result, int row);
Device read_device(const pg::Result& result, int row);
EnrolmentToken read_token(const pg::Result& result, int row);

// Lookups inside the caller's transaction. With `lock`, the row found stays locked
// (FOR UPDATE) until the transaction ends.
std::optional<Organisation> select_organisation(pg::Connection& db, std::string_view ods,
                                                bool lock = false);
std::optional<Site> select_site(pg::Connection& db, std::string_view ods);
std::optional<Partner> select_partner(pg::Connection& db, std::int64_t id);
std::optional<Device> select_device(pg::Connection& db, std::string_view id, bool lock = false);

// Throw not_found naming the thing unless it exists. The key must already have been
// validated (it appears in the message).
void require_organisation(pg::Connection& db, std::string_view ods);
Partner require_partner(pg::Connection& db, std::int64_t id);

// Every row of `result`, each read with read(result, row).
template <typename Read>
auto read_rows(const pg::Result& result, Read read) -> std::vector<decltype(read(result, 0))> {
    std::vector<decltype(read(result, 0))> values;
    values.reserve(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) {
        values.push_back(read(result, row));
    }
    return values;
}

// The first row of `result` read with read(result, 0), if there is one.
template <typename Read>
auto read_first(const pg::Result& result, Read read) -> std::optional<decltype(read(result, 0))> {
    if (result.empty()) {
        return std::nullopt;
    }
    return read(result, 0);
}

// A PostgreSQL array literal built one element at a time, passed as one text
// parameter cast in the statement ($2::text[], $3::bigint[]), so that one statement
// reads or writes a whole batch of rows (unnest($2::text[], $3::bigint[])). Any text
// goes in, quoted; no element is NULL.
class ArrayLiteral {
  public:
    ArrayLiteral& add(std::string_view text);
    ArrayLiteral& add(std::int64_t number);

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    // The literal, "{...}".
    std::string literal() const { return "{" + elements_ + "}"; }

  private:
    std::string elements_;  // comma-separated, without the braces
    std::size_t size_ = 0;
};

}  // namespace dspt::server::store::pg_rows
