// SqliteRepository: the counts behind the public statistics (publication_model.hpp,
// YearCounts). One pass over the organisations, each looked up by its primary key in
// register_values and through publications_by_organisation, grouped in SQL; so the
// cost grows with the organisations registered, not with their registers.

#include <climits>

#include "common/error.hpp"
#include "protocol/register_key.hpp"
#include "server/store/publication_checks.hpp"
#include "server/store/sqlite_connections.hpp"

namespace dspt::server::store {

namespace {

// ?1 the year, ?2 the deadline's end, ?3 the organisation type's register key.
constexpr std::string_view kSqliteStatisticsGroups = R"sql(
    SELECT type_payload, level, by_deadline, count(*) FROM (
        SELECT
            coalesce((SELECT v.payload FROM register_values v
                      WHERE v.organisation_ods = o.ods AND v.scope = '' AND v.register_key = ?3
                      ORDER BY v.version DESC LIMIT 1), '') AS type_payload,
            (SELECT p.level FROM publications p
             WHERE p.organisation_ods = o.ods AND p.year = ?1
             ORDER BY p.published_at_ms DESC, p.id DESC LIMIT 1) AS level,
            EXISTS (SELECT 1 FROM publications p
                    WHERE p.organisation_ods = o.ods AND p.year = ?1
                      AND p.published_at_ms < ?2) AS by_deadline
        FROM organisations o) AS per_organisation
    GROUP BY type_payload, level, by_deadline)sql";

constexpr std::string_view kSqliteStatisticsTotals = R"sql(
    SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM sites),
           (SELECT count(DISTINCT ps.site_ods) FROM publications p
            JOIN publication_sites ps ON ps.publication_id = p.id WHERE p.year = ?1))sql";

constexpr std::int64_t kSqliteWeekMs = 7LL * 24 * 3600 * 1000;

}  // namespace

YearCounts SqliteRepository::year_counts(std::string_view year,
                                         std::int64_t deadline_end_ms) const {
    const auto type_key = "profile/" + std::string(protocol::kProfileOrganisationType);
    return read(true, [&](Reader& reader) {
        YearCounts counts;
        sqlite::Statement totals(reader.db, kSqliteStatisticsTotals);
        totals.bind(1, year);
        totals.step();
        counts.organisations = static_cast<std::size_t>(totals.column_int64(0));
        counts.sites = static_cast<std::size_t>(totals.column_int64(1));
        counts.sites_published = static_cast<std::size_t>(totals.column_int64(2));

        sqlite::Statement groups(reader.db, kSqliteStatisticsGroups);
        groups.bind(1, year);
        groups.bind(2, deadline_end_ms);
        groups.bind(3, type_key);
        while (groups.step()) {
            StatisticsGroup group;
            group.type_payload = groups.column_text(0);
            group.level = statistics_level(groups.column_is_null(1),
                                           groups.column_is_null(1) ? "" : groups.column_text(1));
            group.by_deadline = groups.column_int64(2) != 0;
            group.organisations = static_cast<std::size_t>(groups.column_int64(3));
            counts.groups.push_back(std::move(group));
        }
        sort_statistics_groups(counts.groups);
        return counts;
    });
}

std::vector<std::size_t> SqliteRepository::publications_per_week(std::string_view year,
                                                                 std::int64_t from_ms,
                                                                 std::size_t weeks) const {
    check_statistics_weeks(weeks);
    return read(true, [&](Reader& reader) {
        std::vector<std::size_t> counts(weeks, 0);
        sqlite::Statement select(reader.db,
                                 "SELECT (published_at_ms - ?2) / ?4, count(*) FROM publications"
                                 " WHERE year = ?1 AND published_at_ms >= ?2 AND "
                                 "published_at_ms < ?3 GROUP BY 1");
        select.bind(1, year);
        select.bind(2, from_ms);
        select.bind(3, from_ms + static_cast<std::int64_t>(weeks) * kSqliteWeekMs);
        select.bind(4, kSqliteWeekMs);
        while (select.step()) {
            const auto week = select.column_int64(0);
            if (week >= 0 && static_cast<std::size_t>(week) < weeks) {
                counts[static_cast<std::size_t>(week)] =
                    static_cast<std::size_t>(select.column_int64(1));
            }
        }
        return counts;
    });
}

}  // namespace dspt::server::store
