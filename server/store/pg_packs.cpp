// PgRepository: the standards packs an operator installed.

#include <string>

#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

constexpr std::string_view kPgPackColumns = "year, version, digest, pack_json, installed_at_ms";

InstalledPack pg_read_pack(const pg::Result& result, int row) {
    return {result.text(row, 0), result.text(row, 1), result.text(row, 2), result.text(row, 3),
            result.int64(row, 4)};
}

}  // namespace

bool PgRepository::install_pack(const InstalledPack& pack) {
    if (!standards::is_valid_year(pack.year) || pack.digest.empty() || pack.json.empty()) {
        fail(ErrorCode::invalid_argument,
             "an installed standards pack needs a year, a digest and its JSON");
    }
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // The primary key (year, digest) decides between concurrent installers.
        return db.run("INSERT INTO standards_packs (" + std::string(kPgPackColumns) +
                          ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                      pg::Params()
                          .text(pack.year)
                          .text(pack.version)
                          .text(pack.digest)
                          .text(pack.json)
                          .int64(pack.installed_at_ms))
                   .affected() > 0;
    });
}

std::optional<InstalledPack> PgRepository::find_installed_pack(std::string_view year,
                                                               std::string_view digest) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_rows::read_first(
            db.run("SELECT " + std::string(kPgPackColumns) +
                       " FROM standards_packs WHERE year = $1 AND digest = $2",
                   pg::Params().text(year).text(digest)),
            pg_read_pack);
    });
}

std::vector<InstalledPack> PgRepository::installed_packs() const {
    return pg::in_transaction(*pool_, pg::Access::read, [](pg::Connection& db) {
        return pg_rows::read_rows(db.run("SELECT " + std::string(kPgPackColumns) +
                                         " FROM standards_packs ORDER BY year COLLATE \"C\", "
                                         "installed_at_ms, digest COLLATE \"C\""),
                                  pg_read_pack);
    });
}

}  // namespace dspt::server::store
