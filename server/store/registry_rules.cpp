#include "server/store/registry_rules.hpp"

#include <map>
#include <string>

#include "common/error.hpp"

namespace dspt::server::store {

namespace {

// The organisation or site stored, whether this import created it or another writer
// did just before it.
template <typename Thing, typename Find>
Thing found_after_race(Find find, std::string_view what, std::string_view code) {
    auto found = find();
    if (!found) {
        fail(ErrorCode::internal, std::string(what) + " " + std::string(code) +
                                      " was neither added nor found by the registry import");
    }
    return std::move(*found);
}

}  // namespace

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

PlannedImport plan_registry_import(const std::vector<RegistryRow>& rows) {
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

ImportSummary apply_registry_import(const std::vector<RegistryRow>& rows, const PlannedImport& plan,
                                    std::int64_t at_ms, RegistryWriter& writer) {
    ImportSummary summary;
    for (const std::size_t i : plan.organisation_rows) {
        const RegistryRow& row = rows[i];
        auto existing = writer.find_organisation(row.organisation_ods);
        if (!existing) {
            if (writer.add_organisation(Organisation{row.organisation_ods, row.organisation_name,
                                                     row.is_headquarters, std::nullopt, at_ms})) {
                ++summary.organisations_created;
                continue;
            }
            existing = found_after_race<Organisation>(
                [&] { return writer.find_organisation(row.organisation_ods); }, "organisation",
                row.organisation_ods);
        }
        if (existing->name != row.organisation_name ||
            existing->is_headquarters != row.is_headquarters) {
            writer.rename_organisation(row.organisation_ods, row.organisation_name,
                                       row.is_headquarters);
            ++summary.organisations_updated;
        }
    }
    for (const std::size_t i : plan.site_rows) {
        const RegistryRow& row = rows[i];
        auto existing = writer.find_site(row.site_ods);
        if (!existing) {
            if (writer.add_site(
                    Site{row.site_ods, row.organisation_ods, row.cqc_location_id, row.site_name})) {
                ++summary.sites_created;
                continue;
            }
            existing = found_after_race<Site>([&] { return writer.find_site(row.site_ods); },
                                              "site", row.site_ods);
        }
        if (existing->organisation_ods != row.organisation_ods) {
            fail(ErrorCode::failed_precondition,
                 "registry row " + std::to_string(i + 1) + ": site " + row.site_ods +
                     " is registered to organisation " + existing->organisation_ods + ", not " +
                     row.organisation_ods +
                     "; an import does not move sites between organisations");
        }
        if (existing->name != row.site_name || existing->cqc_location_id != row.cqc_location_id) {
            writer.change_site(row.site_ods, row.cqc_location_id, row.site_name);
            ++summary.sites_updated;
        }
    }
    return summary;
}

}  // namespace dspt::server::store
