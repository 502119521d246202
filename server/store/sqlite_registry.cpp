// SqliteRepository: the registry of organisations and sites, and its import.

#include <string>

#include "common/error.hpp"
#include "server/store/registry_rules.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

std::string select_sql(std::string_view columns, std::string_view rest) {
    return "SELECT " + std::string(columns) + " " + std::string(rest);
}

// Prepared once per import and reused for every row. Under the write lock nobody else
// adds an organisation or a site between a find and an add.
struct RegistryStatements final : RegistryWriter {
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

    std::optional<Organisation> find_organisation(std::string_view ods) override {
        const sqlite::ResetGuard use(select_organisation);
        select_organisation.bind(1, ods);
        if (!select_organisation.step()) {
            return std::nullopt;
        }
        return rows::read_organisation(select_organisation);
    }

    bool add_organisation(const Organisation& organisation) override {
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
        return true;
    }

    void rename_organisation(std::string_view ods, std::string_view name,
                             bool is_headquarters) override {
        const sqlite::ResetGuard use(update_organisation);
        update_organisation.bind(1, ods);
        update_organisation.bind(2, name);
        update_organisation.bind(3, is_headquarters);
        update_organisation.execute();
    }

    std::optional<Site> find_site(std::string_view ods) override {
        const sqlite::ResetGuard use(select_site);
        select_site.bind(1, ods);
        if (!select_site.step()) {
            return std::nullopt;
        }
        return rows::read_site(select_site);
    }

    bool add_site(const Site& site) override {
        const sqlite::ResetGuard use(insert_site);
        insert_site.bind(1, site.ods);
        insert_site.bind(2, site.organisation_ods);
        insert_site.bind(3, site.cqc_location_id);
        insert_site.bind(4, site.name);
        insert_site.execute();
        return true;
    }

    void change_site(std::string_view ods, std::string_view cqc_location_id,
                     std::string_view name) override {
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
    return read(false, [&](Reader& reader) -> std::optional<Site> {
        const sqlite::ResetGuard use(reader.find_site);
        reader.find_site.bind(1, ods);
        if (!reader.find_site.step()) {
            return std::nullopt;
        }
        return rows::read_site(reader.find_site);
    });
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
    const PlannedImport plan = plan_registry_import(rows);
    return write([&](Writer& writer) {
        RegistryStatements statements(writer.db);
        return apply_registry_import(rows, plan, at_ms, statements);
    });
}

}  // namespace dspt::server::store
