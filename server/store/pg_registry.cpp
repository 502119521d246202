// PgRepository: the registry of organisations and sites, and its import.

#include <string>

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"
#include "server/store/registry_rules.hpp"

namespace dspt::server::store {

namespace {

// The registry inside one write transaction. A find locks the row it finds (FOR NO KEY
// UPDATE: devices and registers may still be added under it), and an add that meets a
// row another process committed meanwhile adds nothing and says so.
class PgRegistryWriter final : public RegistryWriter {
  public:
    explicit PgRegistryWriter(pg::Connection& db) : db_(db) {}

    std::optional<Organisation> find_organisation(std::string_view ods) override {
        return pg_rows::read_first(
            db_.run("SELECT " + std::string(pg_rows::kOrganisationColumns) +
                        " FROM organisations o WHERE o.ods = $1 FOR NO KEY UPDATE",
                    pg::Params().text(ods)),
            pg_rows::read_organisation);
    }

    bool add_organisation(const Organisation& organisation) override {
        pg::Params params;
        params.text(organisation.ods).text(organisation.name).boolean(organisation.is_headquarters);
        if (organisation.cyber_essentials_plus_expires) {
            params.text(organisation.cyber_essentials_plus_expires->to_string());
        } else {
            params.null();
        }
        params.int64(organisation.created_at_ms);
        return db_.run(
                      "INSERT INTO organisations (ods, name, is_headquarters, "
                      "cyber_essentials_plus_expires, created_at_ms) "
                      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ods) DO NOTHING",
                      params)
                   .affected() == 1;
    }

    void rename_organisation(std::string_view ods, std::string_view name,
                             bool is_headquarters) override {
        db_.run("UPDATE organisations SET name = $2, is_headquarters = $3 WHERE ods = $1",
                pg::Params().text(ods).text(name).boolean(is_headquarters));
    }

    std::optional<Site> find_site(std::string_view ods) override {
        return pg_rows::read_first(db_.run("SELECT " + std::string(pg_rows::kSiteColumns) +
                                               " FROM sites s WHERE s.ods = $1 FOR NO KEY UPDATE",
                                           pg::Params().text(ods)),
                                   pg_rows::read_site);
    }

    bool add_site(const Site& site) override {
        return db_.run(
                      "INSERT INTO sites (ods, organisation_ods, cqc_location_id, name) "
                      "VALUES ($1, $2, $3, $4) ON CONFLICT (ods) DO NOTHING",
                      pg::Params()
                          .text(site.ods)
                          .text(site.organisation_ods)
                          .text(site.cqc_location_id)
                          .text(site.name))
                   .affected() == 1;
    }

    void change_site(std::string_view ods, std::string_view cqc_location_id,
                     std::string_view name) override {
        db_.run("UPDATE sites SET cqc_location_id = $2, name = $3 WHERE ods = $1",
                pg::Params().text(ods).text(cqc_location_id).text(name));
    }

  private:
    pg::Connection& db_;
};

}  // namespace

void PgRepository::create_organisation(const Organisation& organisation) {
    validate_organisation(organisation);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // The primary key decides between concurrent creators.
        if (!PgRegistryWriter(db).add_organisation(organisation)) {
            fail(ErrorCode::already_exists,
                 "organisation " + organisation.ods + " is already registered");
        }
    });
}

std::optional<Organisation> PgRepository::find_organisation(std::string_view ods) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        return pg_rows::select_organisation(db, ods);
    });
}

std::vector<Organisation> PgRepository::list_organisations() const {
    return pg::in_transaction(*pool_, pg::Access::read, [](pg::Connection& db) {
        return pg_rows::read_rows(db.run("SELECT " + std::string(pg_rows::kOrganisationColumns) +
                                         " FROM organisations o ORDER BY o.ods COLLATE \"C\""),
                                  pg_rows::read_organisation);
    });
}

void PgRepository::set_cyber_essentials_plus(std::string_view ods, std::optional<Date> expires) {
    validate_ods_code(ods, "organisation ODS code");
    pg::Params params;
    params.text(ods);
    if (expires) {
        params.text(expires->to_string());
    } else {
        params.null();
    }
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        const pg::Result result = db.run(
            "UPDATE organisations SET cyber_essentials_plus_expires = $2 WHERE ods = $1", params);
        if (result.affected() == 0) {
            fail(ErrorCode::not_found, "organisation " + std::string(ods) + " is not registered");
        }
    });
}

void PgRepository::add_site(const Site& site) {
    validate_site(site);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // Organisations are never deleted, so the one found stays for the insert.
        pg_rows::require_organisation(db, site.organisation_ods);
        if (!PgRegistryWriter(db).add_site(site)) {
            // The site's own row, committed before the insert looked.
            const auto existing = pg_rows::select_site(db, site.ods);
            fail(ErrorCode::already_exists,
                 "site " + site.ods + " is already registered, to organisation " +
                     (existing ? existing->organisation_ods : std::string("(unknown)")));
        }
    });
}

std::optional<Site> PgRepository::find_site(std::string_view ods) const {
    return pg::in_transaction(*pool_, pg::Access::read,
                              [&](pg::Connection& db) { return pg_rows::select_site(db, ods); });
}

std::vector<Site> PgRepository::sites_of(std::string_view organisation_ods) const {
    validate_ods_code(organisation_ods, "organisation ODS code");
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        pg_rows::require_organisation(db, organisation_ods);
        return pg_rows::read_rows(
            db.run("SELECT " + std::string(pg_rows::kSiteColumns) +
                       " FROM sites s WHERE s.organisation_ods = $1 ORDER BY s.ods COLLATE \"C\"",
                   pg::Params().text(organisation_ods)),
            pg_rows::read_site);
    });
}

ImportSummary PgRepository::import_registry(const std::vector<RegistryRow>& rows,
                                            std::int64_t at_ms) {
    const PlannedImport plan = plan_registry_import(rows);
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        PgRegistryWriter writer(db);
        return apply_registry_import(rows, plan, at_ms, writer);
    });
}

}  // namespace dspt::server::store
