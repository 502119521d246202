// SqliteRepository: the counts behind the public statistics (publication_model.hpp,
// YearCounts). Two reads of a few rows per organisation, each through an index of its
// own (schema step 12): the organisation type registers' values through their partial
// index, not by reading every register, and the year's publications through
// publications_by_year; StatisticsTally groups them. So the cost grows with the
// organisations registered and the year's publications, not with the answers held.

#include <string>

#include <climits>

#include "common/error.hpp"
#include "server/store/publication_checks.hpp"
#include "server/store/sqlite_connections.hpp"

namespace dspt::server::store {

YearCounts SqliteRepository::year_counts(std::string_view year,
                                         std::int64_t deadline_end_ms) const {
    return read(true, [&](Reader& reader) {
        YearCounts counts;
        sqlite::Statement totals(reader.db, kStatisticsTotalsSql);
        totals.step();
        counts.organisations = static_cast<std::size_t>(totals.column_int64(0));
        counts.sites = static_cast<std::size_t>(totals.column_int64(1));

        StatisticsTally tally(deadline_end_ms);
        sqlite::Statement types(reader.db, kStatisticsTypeValuesSql);
        while (types.step()) {
            tally.type_value(types.column_text(0), types.column_int64(1), types.column_text(2));
        }
        sqlite::Statement publications(reader.db, kStatisticsYearPublicationsSql);
        publications.bind(1, year);
        while (publications.step()) {
            tally.publication(publications.column_text(0),
                              *statistics_level(false, publications.column_text(1)),
                              publications.column_int64(2), publications.column_int64(3),
                              publications.column_text(4));
        }
        counts.groups = tally.groups(counts.organisations);
        counts.sites_published = tally.sites_published();
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
        select.bind(3, from_ms + static_cast<std::int64_t>(weeks) * kStatisticsWeekMs);
        select.bind(4, kStatisticsWeekMs);
        while (select.step()) {
            put_week_count(counts, select.column_int64(0), select.column_int64(1));
        }
        return counts;
    });
}

}  // namespace dspt::server::store
