// SqliteRepository: the standards packs an operator installed.

#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

constexpr std::string_view kPackColumns = "year, version, digest, pack_json, installed_at_ms";

InstalledPack read_pack(const sqlite::Statement& row) {
    return {row.column_text(0), row.column_text(1), row.column_text(2), row.column_text(3),
            row.column_int64(4)};
}

}  // namespace

bool SqliteRepository::install_pack(const InstalledPack& pack) {
    if (!standards::is_valid_year(pack.year) || pack.digest.empty() || pack.json.empty()) {
        fail(ErrorCode::invalid_argument,
             "an installed standards pack needs a year, a digest and its JSON");
    }
    return write([&](Writer& writer) {
        sqlite::Statement insert(writer.db,
                                 "INSERT INTO standards_packs (" + std::string(kPackColumns) +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
        insert.bind(1, pack.year);
        insert.bind(2, pack.version);
        insert.bind(3, pack.digest);
        insert.bind(4, pack.json);
        insert.bind(5, pack.installed_at_ms);
        insert.execute();
        return writer.db.changes() > 0;
    });
}

std::optional<InstalledPack> SqliteRepository::find_installed_pack(std::string_view year,
                                                                   std::string_view digest) const {
    return read(false, [&](Reader& reader) -> std::optional<InstalledPack> {
        sqlite::Statement select(reader.db, "SELECT " + std::string(kPackColumns) +
                                                " FROM standards_packs WHERE year = ?1 AND "
                                                "digest = ?2");
        select.bind(1, year);
        select.bind(2, digest);
        if (!select.step()) {
            return std::nullopt;
        }
        return read_pack(select);
    });
}

std::vector<InstalledPack> SqliteRepository::installed_packs() const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(reader.db, "SELECT " + std::string(kPackColumns) +
                                                " FROM standards_packs ORDER BY year, "
                                                "installed_at_ms, digest");
        std::vector<InstalledPack> packs;
        while (select.step()) {
            packs.push_back(read_pack(select));
        }
        return packs;
    });
}

}  // namespace dspt::server::store
