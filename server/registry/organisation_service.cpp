#include "server/registry/organisation_service.hpp"

#include <string>

#include "common/error.hpp"

namespace dspt::server::registry {

protocol::OrganisationView OrganisationService::organisation(
    std::string_view organisation_ods) const {
    const std::string ods(organisation_ods);
    const auto organisation = repository_.find_organisation(ods);
    if (!organisation) {
        fail(ErrorCode::not_found, "there is no organisation " + ods);
    }
    protocol::OrganisationView view;
    view.ods = organisation->ods;
    view.name = organisation->name;
    view.is_headquarters = organisation->is_headquarters;
    for (const auto& site : repository_.sites_of(ods)) {
        view.sites.push_back({site.ods, site.cqc_location_id, site.name});
    }
    return view;
}

protocol::SiteInfo OrganisationService::site(const store::Device& device,
                                             std::string_view site_ods) const {
    const std::string ods(site_ods);
    const auto site = repository_.find_site(ods);
    if (!site) {
        // The same answer as for a site of another organisation.
        fail(ErrorCode::forbidden, "this device may not read site " + ods);
    }
    policy_.require_site(device, *site, auth::Access::read_progress);
    return protocol::SiteInfo{site->ods, site->cqc_location_id, site->name};
}

}  // namespace dspt::server::registry
