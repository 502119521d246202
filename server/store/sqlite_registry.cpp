// SqliteRepository: the registry of organisations and sites, and its import.

#include <map>
#include <string>

#include "common/error.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

std::string select_sql(std::string_view columns, std::string_view rest) {
    return "SELECT " + std::string(columns) + " " + std::string(rest);
}

void validate_organisation(const Organisation& organisation) {
    validate_ods_code(organisation.ods, "organisation ODS code");
    validate_name(organisation.name, "organisation name");
}

void validate_site(const Site& site) {
    validate_ods_code(site.ods, "site ODS code");
    validate_ods_code(site.organisation_ods, "organisation ODS code");
    validate_cqc_location_id(site.cqc_location_id);
    validate_name(site.name, "site name");
}

// Prepared once per import and reused for every row.
struct RegistryStatements {
    explicit RegistryStatements(sqlite::Database& db)
        : select_organisation(
              db, select_sql(rows::kOrganisationColumns, "FROM organisations o WHERE o.ods = ?1")),
          insert_organisation(db,
                              "INSERT INTO organisations (ods, name, is_headquarters, "
                              "cyber_essentials_plus_expires, created_at_ms) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)"),
          update_organisation(db,
                              "UPDATE organisations SET name = ?2, is_headquarters = ?3 "
                              "WHERE ods = ?1"),
          select_site(db, select_sql(rows::kSiteColumns, "FROM sites s WHERE s.ods = ?1")),
          insert_site(db,
                      "INSERT INTO sites (ods, organisation_ods, cqc_location_id, name) "
                      "VALUES (?1, ?2, ?3, ?4)"),
          update_site(db, "UPDATE sites SET cqc_location_id = ?2, name = ?3 WHERE ods = ?1") {}

    std::optional<Organisation> find_organisation(std::string_view ods) {
        const sqlite::ResetGuard use(select_organisation);
        select_organisation.bind(1, ods);
        if (!select_organisation.step()) {
            return std::nullopt;
        }
        return rows::read_organisation(select_organisation);
    }

    void add_organisation(const Organisation& organisation) {
        const sqlite::ResetGuard use(insert_organisation);
        insert_organisation.bind(1, organisation.ods);
        insert_organisation.bind(2, organisation.name);
        insert_organisation.bind(3, organisation.is_headquarters);
        if (organisation.cyber_essentials_plus_expires) {
            insert_organisation.bind(4, organisation.cyber_essentials_plus_expires->to_string());
        } else {
            insert_organisation.bind(4, nullptr);
        }
        insert_organisation.bind(5, organisation.created_at_ms);
        insert_organisation.execute();
    }

    void rename_organisation(std::string_view ods, std::string_view name, bool is_headquarters) {
        const sqlite::ResetGuard use(update_organisation);
        update_organisation.bind(1, ods);
        update_organisation.bind(2, name);
        update_organisation.bind(3, is_headquarters);
        update_organisation.execute();
    }

    std::optional<Site> find_site(std::string_view ods) {
        const sqlite::ResetGuard use(select_site);
        select_site.bind(1, ods);
        if (!select_site.step()) {
            return std::nullopt;
        }
        return rows::read_site(select_site);
    }

    void add_site(const Site& site) {
        const sqlite::ResetGuard use(insert_site);
        insert_site.bind(1, site.ods);
        insert_site.bind(2, site.organisation_ods);
        insert_site.bind(3, site.cqc_location_id);
        insert_site.bind(4, site.name);
        insert_site.execute();
    }

    void change_site(std::string_view ods, std::string_view cqc_location_id,
                     std::string_view name) {
        const sqlite::ResetGuard use(update_site);
        update_site.bind(1, ods);
        update_site.bind(2, cqc_location_id);
        update_site.bind(3, name);
        update_site.execute();
    }

    sqlite::Statement select_organisation;
    sqlite::Statement insert_organisation;
    sqlite::Statement update_organisation;
    sqlite::Statement select_site;
    sqlite::Statement insert_site;
    sqlite::Statement update_site;
};

// The first row naming each organisation and each site, in the order they first appear,
// after checking every row and that rows naming the same thing agree.
struct PlannedImport {
    std::vector<std::size_t> organisation_rows;  // indexes into the rows
    std::vector<std::size_t> site_rows;
};

PlannedImport plan_import(const std::vector<RegistryRow>& rows) {
    PlannedImport plan;
    std::map<std::string_view, std::size_t> organisations;
    std::map<std::string_view, std::size_t> sites;
    const auto row_names = [](std::size_t a, std::size_t b) {
        return "registry rows " + std::to_string(a + 1) + " and " + std::to_string(b + 1);
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const RegistryRow& row = rows[i];
        validate_registry_row(row, i + 1);

        const auto [org, org_is_new] = organisations.try_emplace(row.organisation_ods, i);
        if (org_is_new) {
            plan.organisation_rows.push_back(i);
        } else {
            const RegistryRow& first = rows[org->second];
            if (first.organisation_name != row.organisation_name ||
                first.is_headquarters != row.is_headquarters) {
                fail(ErrorCode::invalid_argument, row_names(org->second, i) +
                                                      " disagree about the name or headquarters "
                                                      "flag of organisation " +
                                                      row.organisation_ods);
            }
        }

        const auto [site, site_is_new] = sites.try_emplace(row.site_ods, i);
        if (site_is_new) {
            plan.site_rows.push_back(i);
        } else if (!(rows[site->second] == row)) {
            fail(ErrorCode::invalid_argument,
                 row_names(site->second, i) + " disagree about site " + row.site_ods);
        }
    }
    return plan;
}

}  // namespace

void SqliteRepository::create_organisation(const Organisation& organisation) {
    validate_organisation(organisation);
    write([&](Writer& writer) {
        if (rows::select_organisation(writer.db, organisation.ods)) {
            fail(ErrorCode::already_exists,
                 "organisation " + organisation.ods + " is already registered");
        }
        RegistryStatements(writer.db).add_organisation(organisation);
    });
}

std::optional<Organisation> SqliteRepository::find_organisation(std::string_view ods) const {
    return read(false, [&](Reader& reader) { return rows::select_organisation(reader.db, ods); });
}

std::vector<Organisation> SqliteRepository::list_organisations() const {
    return read(false, [](Reader& reader) {
        sqlite::Statement select(reader.db, select_sql(rows::kOrganisationColumns,
                                                       "FROM organisations o ORDER BY o.ods"));
        std::vector<Organisation> organisations;
        while (select.step()) {
            organisations.push_back(rows::read_organisation(select));
        }
        return organisations;
    });
}

void SqliteRepository::set_cyber_essentials_plus(std::string_view ods,
                                                 std::optional<Date> expires) {
    validate_ods_code(ods, "organisation ODS code");
    write([&](Writer& writer) {
        sqlite::Statement update(
            writer.db,
            "UPDATE organisations SET cyber_essentials_plus_expires = ?2 WHERE ods = ?1");
        update.bind(1, ods);
        if (expires) {
            update.bind(2, expires->to_string());
        } else {
            update.bind(2, nullptr);
        }
        update.execute();
        if (writer.db.changes() == 0) {
            fail(ErrorCode::not_found, "organisation " + std::string(ods) + " is not registered");
        }
    });
}

void SqliteRepository::add_site(const Site& site) {
    validate_site(site);
    write([&](Writer& writer) {
        rows::require_organisation(writer.db, site.organisation_ods);
        if (const auto existing = rows::select_site(writer.db, site.ods)) {
            fail(ErrorCode::already_exists, "site " + site.ods +
                                                " is already registered, to organisation " +
                                                existing->organisation_ods);
        }
        RegistryStatements(writer.db).add_site(site);
    });
}

std::optional<Site> SqliteRepository::find_site(std::string_view ods) const {
    return read(false, [&](Reader& reader) { return rows::select_site(reader.db, ods); });
}

std::vector<Site> SqliteRepository::sites_of(std::string_view organisation_ods) const {
    validate_ods_code(organisation_ods, "organisation ODS code");
    return read(true, [&](Reader& reader) {
        rows::require_organisation(reader.db, organisation_ods);
        sqlite::Statement select(
            reader.db, select_sql(rows::kSiteColumns,
                                  "FROM sites s WHERE s.organisation_ods = ?1 ORDER BY s.ods"));
        select.bind(1, organisation_ods);
        std::vector<Site> sites;
        while (select.step()) {
            sites.push_back(rows::read_site(select));
        }
        return sites;
    });
}

ImportSummary SqliteRepository::import_registry(const std::vector<RegistryRow>& rows,
                                                std::int64_t at_ms) {
    const PlannedImport plan = plan_import(rows);
    return write([&](Writer& writer) {
        RegistryStatements statements(writer.db);
        ImportSummary summary;
        for (const std::size_t i : plan.organisation_rows) {
            const RegistryRow& row = rows[i];
            const auto existing = statements.find_organisation(row.organisation_ods);
            if (!existing) {
                statements.add_organisation(Organisation{row.organisation_ods,
                                                         row.organisation_name, row.is_headquarters,
                                                         std::nullopt, at_ms});
                ++summary.organisations_created;
            } else if (existing->name != row.organisation_name ||
                       existing->is_headquarters != row.is_headquarters) {
                statements.rename_organisation(row.organisation_ods, row.organisation_name,
                                               row.is_headquarters);
                ++summary.organisations_updated;
            }
        }
        for (const std::size_t i : plan.site_rows) {
            const RegistryRow& row = rows[i];
            const auto existing = statements.find_site(row.site_ods);
            if (!existing) {
                statements.add_site(
                    Site{row.site_ods, row.organisation_ods, row.cqc_location_id, row.site_name});
                ++summary.sites_created;
            } else if (existing->organisation_ods != row.organisation_ods) {
                fail(ErrorCode::failed_precondition,
                     "registry row " + std::to_string(i + 1) + ": site " + row.site_ods +
                         " is registered to organisation " + existing->organisation_ods + ", not " +
                         row.organisation_ods +
                         "; an import does not move sites between organisations");
            } else if (existing->name != row.site_name ||
                       existing->cqc_location_id != row.cqc_location_id) {
                statements.change_site(row.site_ods, row.cqc_location_id, row.site_name);
                ++summary.sites_updated;
            }
        }
        return summary;
    });
}

}  // namespace dspt::server::store
