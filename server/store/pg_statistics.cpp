// PgRepository: the counts behind the public statistics (publication_model.hpp,
// YearCounts), as the embedded store counts them (sqlite_statistics.cpp), in one
// REPEATABLE READ snapshot.

#include <climits>

#include "common/error.hpp"
#include "protocol/register_key.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/publication_checks.hpp"

namespace dspt::server::store {

namespace {

// $1 the year, $2 the deadline's end, $3 the organisation type's register key.
constexpr std::string_view kPgStatisticsGroups = R"sql(
    SELECT type_payload, level, by_deadline, count(*) FROM (
        SELECT
            coalesce((SELECT v.payload FROM register_values v
                      WHERE v.organisation_ods = o.ods AND v.scope = '' AND v.register_key = $3
                      ORDER BY v.version DESC LIMIT 1), '') AS type_payload,
            (SELECT p.level FROM publications p
             WHERE p.organisation_ods = o.ods AND p.year = $1
             ORDER BY p.published_at_ms DESC, p.id DESC LIMIT 1) AS level,
            EXISTS (SELECT 1 FROM publications p
                    WHERE p.organisation_ods = o.ods AND p.year = $1
                      AND p.published_at_ms < $2) AS by_deadline
        FROM organisations o) AS per_organisation
    GROUP BY type_payload, level, by_deadline)sql";

constexpr std::string_view kPgStatisticsTotals = R"sql(
    SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM sites),
           (SELECT count(DISTINCT ps.site_ods) FROM publications p
            JOIN publication_sites ps ON ps.publication_id = p.id WHERE p.year = $1))sql";

constexpr std::int64_t kPgWeekMs = 7LL * 24 * 3600 * 1000;

}  // namespace

YearCounts PgRepository::year_counts(std::string_view year, std::int64_t deadline_end_ms) const {
    const auto type_key = "profile/" + std::string(protocol::kProfileOrganisationType);
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        YearCounts counts;
        const pg::Result totals = db.run(kPgStatisticsTotals, pg::Params().text(year));
        counts.organisations = static_cast<std::size_t>(totals.int64(0, 0));
        counts.sites = static_cast<std::size_t>(totals.int64(0, 1));
        counts.sites_published = static_cast<std::size_t>(totals.int64(0, 2));

        const pg::Result groups = db.run(
            kPgStatisticsGroups, pg::Params().text(year).int64(deadline_end_ms).text(type_key));
        for (int row = 0; row < groups.rows(); ++row) {
            StatisticsGroup group;
            group.type_payload = groups.text(row, 0);
            group.level = statistics_level(groups.is_null(row, 1), groups.view(row, 1));
            group.by_deadline = groups.boolean(row, 2);
            group.organisations = static_cast<std::size_t>(groups.int64(row, 3));
            counts.groups.push_back(std::move(group));
        }
        sort_statistics_groups(counts.groups);
        return counts;
    });
}

std::vector<std::size_t> PgRepository::publications_per_week(std::string_view year,
                                                             std::int64_t from_ms,
                                                             std::size_t weeks) const {
    check_statistics_weeks(weeks);
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        std::vector<std::size_t> counts(weeks, 0);
        const pg::Result rows = db.run(
            "SELECT (published_at_ms - $2) / $4, count(*) FROM publications"
            " WHERE year = $1 AND published_at_ms >= $2 AND published_at_ms < $3 GROUP BY 1",
            pg::Params()
                .text(year)
                .int64(from_ms)
                .int64(from_ms + static_cast<std::int64_t>(weeks) * kPgWeekMs)
                .int64(kPgWeekMs));
        for (int row = 0; row < rows.rows(); ++row) {
            const auto week = rows.int64(row, 0);
            if (week >= 0 && static_cast<std::size_t>(week) < weeks) {
                counts[static_cast<std::size_t>(week)] =
                    static_cast<std::size_t>(rows.int64(row, 1));
            }
        }
        return counts;
    });
}

}  // namespace dspt::server::store
