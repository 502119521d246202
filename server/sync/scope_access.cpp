#include "server/sync/scope_access.hpp"

#include "common/error.hpp"

namespace dspt::server::sync {

void require_syncing_device(const store::Device& device) {
    if (device.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "a partner device reads progress only and does not sync");
    }
}

void ScopeAccess::require(const store::Device& device, std::string_view organisation_ods,
                          std::string_view scope, auth::Access access) const {
    require_syncing_device(device);
    const auto verb = access == auth::Access::write ? "change " : "read ";
    if (device.organisation_ods != organisation_ods) {
        fail(ErrorCode::forbidden,
             "this device may not " + std::string(verb) + "another organisation's records");
    }
    if (scope.empty()) {
        if (access == auth::Access::write && device.role != store::DeviceRole::headquarters) {
            fail(ErrorCode::forbidden,
                 "only a headquarters device writes organisation-wide answers");
        }
        return;
    }
    const auto site = repository_.find_site(scope);
    if (!site || site->organisation_ods != organisation_ods) {
        fail(ErrorCode::forbidden,
             "this device may not " + std::string(verb) + "site " + std::string(scope));
    }
    policy_.require_site(device, *site, access);
}

std::vector<std::string> ScopeAccess::readable(const store::Device& device) const {
    require_syncing_device(device);
    std::vector<std::string> scopes{""};
    if (device.role == store::DeviceRole::branch) {
        scopes.push_back(device.site_ods);
    } else {
        for (const auto& site : repository_.sites_of(device.organisation_ods)) {
            scopes.push_back(site.ods);
        }
    }
    return scopes;
}

}  // namespace dspt::server::sync
