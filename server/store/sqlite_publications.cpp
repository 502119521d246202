// SqliteRepository: publications, the public register, and what a replica has sent.

#include <algorithm>

#include "common/assessment/publish_readiness.hpp"
#include "common/error.hpp"
#include "server/store/publication_checks.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

constexpr std::string_view kPublicationColumns =
    "p.id, p.organisation_ods, p.year, p.level, p.published_at_ms, p.device_id, p.request_id";

constexpr std::string_view kPublicationSites =
    "SELECT site_ods FROM publication_sites WHERE publication_id = ?1 ORDER BY site_ods";

// The publication on `row` (kPublicationColumns), its sites read with `sites`, a
// prepared kPublicationSites.
Publication read_publication(sqlite::Statement& sites, const sqlite::Statement& row) {
    Publication publication;
    publication.id = row.column_int64(0);
    publication.organisation_ods = row.column_text(1);
    publication.year = row.column_text(2);
    const auto level = standards::parse_level(row.column_text(3));
    if (!level || *level == standards::Level::none) {
        fail(ErrorCode::corrupt, "publication " + std::to_string(publication.id) +
                                     " has an unknown level \"" + row.column_text(3) + "\"");
    }
    publication.level = *level;
    publication.published_at_ms = row.column_int64(4);
    publication.device_id = row.column_text(5);
    publication.request_id = row.column_text(6);
    const sqlite::ResetGuard use(sites);
    sites.bind(1, publication.id);
    while (sites.step()) {
        publication.sites.push_back(sites.column_text(0));
    }
    return publication;
}

Publication read_publication(sqlite::Database& db, const sqlite::Statement& row) {
    sqlite::Statement sites(db, kPublicationSites);
    return read_publication(sites, row);
}

std::optional<Publication> select_by_request(sqlite::Database& db, std::string_view request_id) {
    sqlite::Statement select(db, "SELECT " + std::string(kPublicationColumns) +
                                     " FROM publications p WHERE p.request_id = ?1");
    select.bind(1, request_id);
    if (!select.step()) {
        return std::nullopt;
    }
    return read_publication(db, select);
}

std::vector<Publication> select_publications(sqlite::Database& db, std::string_view ods,
                                             std::size_t limit) {
    sqlite::Statement select(db, "SELECT " + std::string(kPublicationColumns) +
                                     " FROM publications p WHERE p.organisation_ods = ?1"
                                     " ORDER BY p.published_at_ms DESC, p.id DESC LIMIT ?2");
    select.bind(1, ods);
    select.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    std::vector<Publication> publications;
    while (select.step()) {
        publications.push_back(read_publication(db, select));
    }
    return publications;
}

// Whether the search names the organisation itself: an empty search, a fragment of its
// name or the start of its ODS code. ?1 is the folded query, ?2 the query in upper case.
constexpr std::string_view kNamesOrganisation =
    "(?1 = '' OR instr(lower(o.name), ?1) > 0 OR substr(o.ods, 1, length(?2)) = ?2)";

// Whether the search matches site s: the start of its code.
constexpr std::string_view kMatchesSite = "substr(s.ods, 1, length(?2)) = ?2";

// Matches an organisation that the search names, or one of whose sites it matches.
std::string search_where() {
    return " WHERE " + std::string(kNamesOrganisation) +
           " OR EXISTS (SELECT 1 FROM sites s WHERE s.organisation_ods = o.ods AND " +
           std::string(kMatchesSite) + ")";
}

// The sites of organisation ?1 that an entry shows: all of them when ?3 is 1, else those
// the search (?2, in upper case) matches.
std::string entry_sites_sql() {
    return "SELECT s.ods FROM sites s WHERE s.organisation_ods = ?1 AND (?3 = 1 OR " +
           std::string(kMatchesSite) + ") ORDER BY s.ods";
}

// The latest publication of organisation ?2 that covers site ?1, through
// publication_sites_by_site: a site's few publications are read, not every publication
// of its organisation (the unary + keeps the planner off publications_by_organisation).
std::string latest_covering_sql() {
    return "SELECT " + std::string(kPublicationColumns) +
           " FROM publication_sites ps JOIN publications p ON p.id = ps.publication_id"
           " WHERE ps.site_ods = ?1 AND +p.organisation_ods = ?2"
           " ORDER BY p.published_at_ms DESC, p.id DESC LIMIT 1";
}

}  // namespace

RecordedPublication SqliteRepository::record_publication(const Publication& publication) {
    validate_publication(publication);
    return write([&](Writer& writer) -> RecordedPublication {
        auto& db = writer.db;
        if (auto existing = select_by_request(db, publication.request_id)) {
            if (existing->organisation_ods != publication.organisation_ods ||
                existing->device_id != publication.device_id) {
                fail(ErrorCode::already_exists, "publication request " + publication.request_id +
                                                    " was made by another device");
            }
            return {std::move(*existing), true};
        }
        rows::require_organisation(db, publication.organisation_ods);
        for (const auto& site_ods : publication.sites) {
            const auto site = rows::select_site(db, site_ods);
            if (!site || site->organisation_ods != publication.organisation_ods) {
                fail(ErrorCode::not_found,
                     "site " + site_ods + " is not a site of " + publication.organisation_ods);
            }
        }
        if (!assessment::level_open_to(
                publication.level,
                !select_publications(db, publication.organisation_ods, 1).empty())) {
            fail(ErrorCode::failed_precondition,
                 publication.organisation_ods +
                     " has published before, so it cannot publish at Approaching Standards "
                     "again: every later publication must reach at least Standards Met");
        }
        sqlite::Statement insert(db,
                                 "INSERT INTO publications (organisation_ods, year, level, "
                                 "published_at_ms, device_id, request_id) VALUES (?1, ?2, ?3, ?4, "
                                 "?5, ?6)");
        insert.bind(1, publication.organisation_ods);
        insert.bind(2, publication.year);
        insert.bind(3, standards::to_string(publication.level));
        insert.bind(4, publication.published_at_ms);
        insert.bind(5, publication.device_id);
        insert.bind(6, publication.request_id);
        insert.execute();
        Publication stored = publication;
        stored.id = db.last_insert_rowid();
        std::sort(stored.sites.begin(), stored.sites.end());
        stored.sites.erase(std::unique(stored.sites.begin(), stored.sites.end()),
                           stored.sites.end());
        sqlite::Statement add_site(
            db, "INSERT INTO publication_sites (publication_id, site_ods) VALUES (?1, ?2)");
        for (const auto& site : stored.sites) {
            const sqlite::ResetGuard use(add_site);
            add_site.bind(1, stored.id);
            add_site.bind(2, site);
            add_site.execute();
        }
        return {std::move(stored), false};
    });
}

std::optional<Publication> SqliteRepository::find_publication_by_request(
    std::string_view request_id) const {
    return read(true, [&](Reader& reader) { return select_by_request(reader.db, request_id); });
}

std::vector<Publication> SqliteRepository::publications_of(
    std::string_view organisation_ods) const {
    return read(true, [&](Reader& reader) {
        return select_publications(reader.db, organisation_ods, SIZE_MAX);
    });
}

PublicPage SqliteRepository::search_public(std::string_view query, std::size_t offset,
                                           std::size_t limit) const {
    const auto upper = ascii_upper(query);
    const auto lower = ascii_lower(query);
    return read(true, [&](Reader& reader) {
        auto& db = reader.db;
        PublicPage page;
        const auto where = search_where();
        sqlite::Statement count(db, "SELECT COUNT(*) FROM organisations o" + where);
        count.bind(1, lower);
        count.bind(2, upper);
        count.step();
        page.total = static_cast<std::size_t>(count.column_int64(0));

        sqlite::Statement select(db,
                                 "SELECT o.ods, o.name, " + std::string(kNamesOrganisation) +
                                     " FROM organisations o" + where +
                                     " ORDER BY o.name COLLATE NOCASE, o.ods LIMIT ?3 OFFSET ?4");
        select.bind(1, lower);
        select.bind(2, upper);
        select.bind(3, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
        select.bind(4, static_cast<std::int64_t>(std::min<std::size_t>(offset, INT64_MAX)));
        while (select.step()) {
            PublicEntry entry;
            entry.ods = select.column_text(0);
            entry.name = select.column_text(1);
            entry.every_site = select.column_int64(2) != 0;
            page.entries.push_back(std::move(entry));
        }
        sqlite::Statement sites(db, entry_sites_sql());
        sqlite::Statement latest(db, latest_covering_sql());
        sqlite::Statement covered(db, kPublicationSites);
        for (auto& entry : page.entries) {
            {
                const sqlite::ResetGuard use(sites);
                sites.bind(1, entry.ods);
                sites.bind(2, upper);
                sites.bind(3, static_cast<std::int64_t>(entry.every_site ? 1 : 0));
                while (sites.step()) {
                    entry.sites.push_back({sites.column_text(0), std::nullopt});
                }
            }
            for (auto& site : entry.sites) {
                const sqlite::ResetGuard use(latest);
                latest.bind(1, site.ods);
                latest.bind(2, entry.ods);
                if (latest.step()) {
                    site.latest = read_publication(covered, latest);
                }
            }
        }
        return page;
    });
}

std::optional<std::int64_t> SqliteRepository::replica_high_water(std::string_view replica_id,
                                                                 std::string_view device_id) const {
    return read(false, [&](Reader& reader) -> std::optional<std::int64_t> {
        sqlite::Statement select(
            reader.db, "SELECT high_water FROM replicas WHERE replica_id = ?1 AND device_id = ?2");
        select.bind(1, replica_id);
        select.bind(2, device_id);
        if (!select.step()) {
            return std::nullopt;
        }
        return select.column_int64(0);
    });
}

std::map<std::string, std::string> SqliteRepository::replica_device_names(
    std::string_view organisation_ods, const std::vector<std::string>& replica_ids) const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(
            reader.db,
            "SELECT d.name FROM replicas r JOIN devices d ON d.id = r.device_id "
            "WHERE r.replica_id = ?1 AND r.organisation_ods = ?2");
        std::map<std::string, std::string> names;
        for (const auto& replica_id : replica_ids) {
            const sqlite::ResetGuard use(select);
            select.bind(1, replica_id);
            select.bind(2, organisation_ods);
            if (select.step()) {
                names.insert_or_assign(replica_id, select.column_text(0));
            }
        }
        return names;
    });
}

}  // namespace dspt::server::store
