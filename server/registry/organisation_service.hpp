#pragma once
// An organisation and its sites as a device may see them (GET /v1/orgs/<ods>,
// GET /v1/sites/<ods>). The SQL is the repository's (server/store/sqlite_registry.cpp).
//
// Authorisation. organisation() acts for an organisation: the caller has checked with
// auth::AccessPolicy::require_organisation (Access::read_progress) first. site() checks
// itself, since the rule (AccessPolicy::require_site) needs the site looked up first; an
// unknown site gets the answer of another organisation's site, forbidden ("this device
// may not read site <ods>"), so a device learns nothing of codes it may not read.
//
// Errors: not_found for an unknown organisation ("there is no organisation <ods>");
// forbidden from site().
//
// Thread-safety: as the repository; the service holds no state of its own.

#include <string_view>

#include "protocol/messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::registry {

class OrganisationService {
  public:
    OrganisationService(const store::Repository& repository, const auth::AccessPolicy& policy)
        : repository_(repository), policy_(policy) {}

    // The organisation: its name, whether it is a headquarters, and its sites.
    protocol::OrganisationView organisation(std::string_view organisation_ods) const;

    // The site, when `device` may read its progress.
    protocol::SiteInfo site(const store::Device& device, std::string_view site_ods) const;

  private:
    const store::Repository& repository_;
    const auth::AccessPolicy& policy_;
};

}  // namespace dspt::server::registry
