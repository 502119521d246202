// PgRepository: publications and the public register. An organisation's publications
// are recorded one at a time: record_publication locks the organisation's row before
// it checks, so two processes cannot both make a first publication at Approaching
// Standards.

#include <algorithm>

#include <climits>

#include "common/assessment/publish_readiness.hpp"
#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"
#include "server/store/publication_checks.hpp"

namespace dspt::server::store {

namespace pg_publications {
namespace {

constexpr std::string_view kPublicationColumns =
    "p.id, p.organisation_ods, p.year, p.level, p.published_at_ms, p.device_id, p.request_id";

// The publication on `row` of `result` (kPublicationColumns), with its sites.
Publication read_publication(pg::Connection& db, const pg::Result& result, int row) {
    Publication publication;
    publication.id = result.int64(row, 0);
    publication.organisation_ods = result.text(row, 1);
    publication.year = result.text(row, 2);
    const std::string level_text = result.text(row, 3);
    const auto level = standards::parse_level(level_text);
    if (!level || *level == standards::Level::none) {
        fail(ErrorCode::corrupt, "publication " + std::to_string(publication.id) +
                                     " has an unknown level \"" + level_text + "\"");
    }
    publication.level = *level;
    publication.published_at_ms = result.int64(row, 4);
    publication.device_id = result.text(row, 5);
    publication.request_id = result.text(row, 6);
    const pg::Result sites = db.run(
        "SELECT site_ods FROM publication_sites WHERE publication_id = $1 "
        "ORDER BY site_ods COLLATE \"C\"",
        pg::Params().int64(publication.id));
    for (int i = 0; i < sites.rows(); ++i) {
        publication.sites.push_back(sites.text(i, 0));
    }
    return publication;
}

std::optional<Publication> select_by_request(pg::Connection& db, std::string_view request_id) {
    const pg::Result result = db.run("SELECT " + std::string(kPublicationColumns) +
                                         " FROM publications p WHERE p.request_id = $1",
                                     pg::Params().text(request_id));
    if (result.empty()) {
        return std::nullopt;
    }
    return read_publication(db, result, 0);
}

std::vector<Publication> select_publications(pg::Connection& db, std::string_view ods,
                                             std::size_t limit) {
    const pg::Result result = db.run("SELECT " + std::string(kPublicationColumns) +
                                         " FROM publications p WHERE p.organisation_ods = $1"
                                         " ORDER BY p.published_at_ms DESC, p.id DESC LIMIT $2",
                                     pg::Params().text(ods).int64(static_cast<std::int64_t>(
                                         std::min<std::size_t>(limit, INT64_MAX))));
    std::vector<Publication> publications;
    for (int row = 0; row < result.rows(); ++row) {
        publications.push_back(read_publication(db, result, row));
    }
    return publications;
}

[[noreturn]] void fail_other_device(const Publication& publication) {
    fail(ErrorCode::already_exists,
         "publication request " + publication.request_id + " was made by another device");
}

RecordedPublication existing_request(Publication existing, const Publication& publication) {
    if (existing.organisation_ods != publication.organisation_ods ||
        existing.device_id != publication.device_id) {
        fail_other_device(publication);
    }
    return {std::move(existing), true};
}

// ASCII case folding in SQL, as the embedded store's lower() and NOCASE fold: only
// A-Z, whatever the database's locale.
std::string ascii_lower_sql(std::string_view column) {
    return "translate(" + std::string(column) +
           ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
}

// Whether the search names the organisation itself: an empty search, a fragment of its
// name or the start of its ODS code. $1 is the folded query, $2 the query in upper case.
std::string names_organisation() {
    return "($1::text = '' OR strpos(" + ascii_lower_sql("o.name") +
           ", $1) > 0 OR left(o.ods, length($2)) = $2)";
}

// Whether the search matches site s: the start of its code.
constexpr std::string_view kMatchesSite = "left(s.ods, length($2)) = $2";

// Matches an organisation that the search names, or one of whose sites it matches.
std::string search_where() {
    return " WHERE " + names_organisation() +
           " OR EXISTS (SELECT 1 FROM sites s WHERE s.organisation_ods = o.ods AND " +
           std::string(kMatchesSite) + ")";
}

}  // namespace
}  // namespace pg_publications

RecordedPublication PgRepository::record_publication(const Publication& publication) {
    validate_publication(publication);
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // Every publication of the organisation waits here for the one before it. NO KEY
        // UPDATE: rows that merely refer to the organisation are written meanwhile.
        const bool registered =
            !db.run("SELECT 1 FROM organisations WHERE ods = $1 FOR NO KEY UPDATE",
                    pg::Params().text(publication.organisation_ods))
                 .empty();
        if (auto existing = pg_publications::select_by_request(db, publication.request_id)) {
            return pg_publications::existing_request(std::move(*existing), publication);
        }
        if (!registered) {
            fail(ErrorCode::not_found,
                 "organisation " + publication.organisation_ods + " is not registered");
        }
        for (const auto& site_ods : publication.sites) {
            const auto site = pg_rows::select_site(db, site_ods);
            if (!site || site->organisation_ods != publication.organisation_ods) {
                fail(ErrorCode::not_found,
                     "site " + site_ods + " is not a site of " + publication.organisation_ods);
            }
        }
        const bool published_before =
            !pg_publications::select_publications(db, publication.organisation_ods, 1).empty();
        if (!assessment::level_open_to(publication.level, published_before)) {
            fail(ErrorCode::failed_precondition,
                 publication.organisation_ods +
                     " has published before, so it cannot publish at Approaching Standards "
                     "again: every later publication must reach at least Standards Met");
        }
        Publication stored = publication;
        try {
            const pg::Result inserted = db.run(
                "INSERT INTO publications (organisation_ods, year, level, published_at_ms, "
                "device_id, request_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                pg::Params()
                    .text(publication.organisation_ods)
                    .text(publication.year)
                    .text(standards::to_string(publication.level))
                    .int64(publication.published_at_ms)
                    .text(publication.device_id)
                    .text(publication.request_id));
            stored.id = inserted.int64(0, 0);
        } catch (const pg::SqlError& error) {
            // Another organisation's publication took the request id meanwhile.
            if (error.is(pg::kUniqueViolation)) {
                pg_publications::fail_other_device(publication);
            }
            throw;
        }
        std::sort(stored.sites.begin(), stored.sites.end());
        stored.sites.erase(std::unique(stored.sites.begin(), stored.sites.end()),
                           stored.sites.end());
        for (const auto& site : stored.sites) {
            db.run("INSERT INTO publication_sites (publication_id, site_ods) VALUES ($1, $2)",
                   pg::Params().int64(stored.id).text(site));
        }
        return RecordedPublication{std::move(stored), false};
    });
}

std::optional<Publication> PgRepository::find_publication_by_request(
    std::string_view request_id) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_publications::select_by_request(db, request_id);
    });
}

std::vector<Publication> PgRepository::publications_of(std::string_view organisation_ods) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_publications::select_publications(db, organisation_ods, SIZE_MAX);
    });
}

PublicPage PgRepository::search_public(std::string_view query, std::size_t offset,
                                       std::size_t limit) const {
    const auto upper = ascii_upper(query);
    const auto lower = ascii_lower(query);
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        PublicPage page;
        const auto where = pg_publications::search_where();
        const pg::Result count = db.run("SELECT count(*) FROM organisations o" + where,
                                        pg::Params().text(lower).text(upper));
        page.total = static_cast<std::size_t>(count.int64(0, 0));

        // Ordered as the embedded store orders: names with ASCII case folded, compared
        // byte by byte, then codes byte by byte.
        const pg::Result found =
            db.run("SELECT o.ods, o.name, " + pg_publications::names_organisation() +
                       " FROM organisations o" + where + " ORDER BY " +
                       pg_publications::ascii_lower_sql("o.name") +
                       " COLLATE \"C\", o.ods COLLATE \"C\" LIMIT $3 OFFSET $4",
                   pg::Params()
                       .text(lower)
                       .text(upper)
                       .int64(static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)))
                       .int64(static_cast<std::int64_t>(std::min<std::size_t>(offset, INT64_MAX))));
        for (int row = 0; row < found.rows(); ++row) {
            PublicEntry entry;
            entry.ods = found.text(row, 0);
            entry.name = found.text(row, 1);
            entry.every_site = found.boolean(row, 2);
            page.entries.push_back(std::move(entry));
        }
        for (auto& entry : page.entries) {
            const pg::Result sites = db.run(
                "SELECT s.ods FROM sites s WHERE s.organisation_ods = $1 AND ($3 OR " +
                    std::string(pg_publications::kMatchesSite) + ") ORDER BY s.ods COLLATE \"C\"",
                pg::Params().text(entry.ods).text(upper).boolean(entry.every_site));
            for (int row = 0; row < sites.rows(); ++row) {
                entry.sites.push_back({sites.text(row, 0), std::nullopt});
            }
            for (auto& site : entry.sites) {
                const pg::Result latest =
                    db.run("SELECT " + std::string(pg_publications::kPublicationColumns) +
                               " FROM publication_sites ps JOIN publications p"
                               " ON p.id = ps.publication_id"
                               " WHERE ps.site_ods = $1 AND p.organisation_ods = $2"
                               " ORDER BY p.published_at_ms DESC, p.id DESC LIMIT 1",
                           pg::Params().text(site.ods).text(entry.ods));
                if (!latest.empty()) {
                    site.latest = pg_publications::read_publication(db, latest, 0);
                }
            }
        }
        return page;
    });
}

}  // namespace dspt::server::store
