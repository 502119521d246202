// PgRepository: the counts behind the public statistics (publication_model.hpp,
// YearCounts), read as the embedded store reads them (sqlite_statistics.cpp), through
// the indexes of schema step 2, in one REPEATABLE READ snapshot.

#include <string>

#include <climits>

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/publication_checks.hpp"

namespace dspt::server::store {

YearCounts PgRepository::year_counts(std::string_view year, std::int64_t deadline_end_ms) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        YearCounts counts;
        const pg::Result totals = db.run(kStatisticsTotalsSql);
        counts.organisations = static_cast<std::size_t>(totals.int64(0, 0));
        counts.sites = static_cast<std::size_t>(totals.int64(0, 1));

        StatisticsTally tally(deadline_end_ms);
        const pg::Result types = db.run(kStatisticsTypeValuesSql);
        for (int row = 0; row < types.rows(); ++row) {
            tally.type_value(types.view(row, 0), types.int64(row, 1), types.view(row, 2));
        }
        const pg::Result publications =
            db.run(kStatisticsYearPublicationsSql, pg::Params().text(year));
        for (int row = 0; row < publications.rows(); ++row) {
            tally.publication(
                publications.view(row, 0), *statistics_level(false, publications.view(row, 1)),
                publications.int64(row, 2), publications.int64(row, 3), publications.view(row, 4));
        }
        counts.groups = tally.groups(counts.organisations);
        counts.sites_published = tally.sites_published();
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
                .int64(from_ms + static_cast<std::int64_t>(weeks) * kStatisticsWeekMs)
                .int64(kStatisticsWeekMs));
        for (int row = 0; row < rows.rows(); ++row) {
            put_week_count(counts, rows.int64(row, 0), rows.int64(row, 1));
        }
        return counts;
    });
}

}  // namespace dspt::server::store
