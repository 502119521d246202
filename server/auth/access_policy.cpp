#include "server/auth/access_policy.hpp"

#include "common/error.hpp"

namespace dspt::server::auth {

namespace {

std::string describe(const store::Device& device) {
    switch (device.role) {
        case store::DeviceRole::branch:
            return "the branch device of site " + device.site_ods;
        case store::DeviceRole::headquarters:
            return "the headquarters device of " + device.organisation_ods;
        case store::DeviceRole::partner:
            return "a partner device";
    }
    return "this device";
}

[[noreturn]] void refuse(const store::Device& device, const std::string& what) {
    fail(ErrorCode::forbidden, describe(device) + " may not " + what);
}

}  // namespace

bool AccessPolicy::partner_has_grant(const store::Device& device,
                                     std::string_view organisation_ods) const {
    return device.partner_id &&
           repository_.live_grant(std::string(organisation_ods), *device.partner_id, now_())
               .has_value();
}

std::optional<std::string> AccessPolicy::grant_site(const store::Grant& grant) const {
    if (grant.given_by_device == "admin") {
        return std::nullopt;  // the operator's
    }
    const auto giver = repository_.find_device(grant.given_by_device);
    if (giver && giver->role == store::DeviceRole::headquarters &&
        giver->organisation_ods == grant.organisation_ods) {
        return std::nullopt;
    }
    // A branch device's grant covers its site. Anything else (no such device, a
    // device of another organisation) covers no site at all.
    return giver && giver->role == store::DeviceRole::branch &&
                   giver->organisation_ods == grant.organisation_ods
               ? giver->site_ods
               : std::string();
}

bool AccessPolicy::grant_covers(const store::Grant& grant, std::string_view site_ods) const {
    const auto site = grant_site(grant);
    return !site || (!site->empty() && *site == site_ods);
}

void AccessPolicy::require_grant_change(const store::Device& device,
                                        const store::Grant& grant) const {
    if (device.role != store::DeviceRole::branch) {
        return;
    }
    const auto site = grant_site(grant);
    if (site && *site == device.site_ods) {
        return;
    }
    const auto sites = repository_.sites_of(grant.organisation_ods);
    if (!site && sites.size() == 1 && sites.front().ods == device.site_ods) {
        return;  // a whole-organisation grant of a provider with this one site
    }
    refuse(device, "change the grant to " + grant.partner_name +
                       " given from another site or from headquarters");
}

bool AccessPolicy::allows_site(const store::Device& device, const store::Site& site,
                               Access access) const {
    switch (device.role) {
        case store::DeviceRole::branch:
            return device.site_ods == site.ods;
        case store::DeviceRole::headquarters:
            return device.organisation_ods == site.organisation_ods;
        case store::DeviceRole::partner: {
            if (access != Access::read_progress || !device.partner_id) {
                return false;
            }
            const auto grant =
                repository_.live_grant(site.organisation_ods, *device.partner_id, now_());
            return grant && grant_covers(*grant, site.ods);
        }
    }
    return false;
}

void AccessPolicy::require_site(const store::Device& device, const store::Site& site,
                                Access access) const {
    if (!allows_site(device, site, access)) {
        refuse(device, (access == Access::write ? "change site " : "read site ") + site.ods);
    }
}

void AccessPolicy::require_organisation(const store::Device& device,
                                        std::string_view organisation_ods, Access access) const {
    const std::string ods(organisation_ods);
    switch (device.role) {
        case store::DeviceRole::headquarters:
            if (device.organisation_ods == ods) {
                return;
            }
            break;
        case store::DeviceRole::branch:
            if (device.organisation_ods == ods) {
                const auto organisation = repository_.find_organisation(ods);
                if (organisation && !organisation->is_headquarters) {
                    return;  // a single-site provider manages itself
                }
            }
            break;
        case store::DeviceRole::partner:
            if (access == Access::read_progress && partner_has_grant(device, ods)) {
                return;
            }
            break;
    }
    refuse(device, (access == Access::write ? "change organisation " : "read organisation ") + ods);
}

void AccessPolicy::require_profile(const store::Device& device) const {
    if (device.role == store::DeviceRole::headquarters) {
        return;
    }
    if (device.role == store::DeviceRole::branch) {
        const auto organisation = repository_.find_organisation(device.organisation_ods);
        if (organisation && !organisation->is_headquarters) {
            const auto sites = repository_.sites_of(device.organisation_ods);
            if (sites.size() == 1 && sites.front().ods == device.site_ods) {
                return;  // a single-site provider sets its own profile
            }
            fail(ErrorCode::forbidden,
                 "the organisation profile is set by headquarters: " + device.organisation_ods +
                     " has " + std::to_string(sites.size()) + " sites, so " + describe(device) +
                     " does not set it");
        }
    }
    fail(ErrorCode::forbidden, "the organisation profile is set by headquarters");
}

void AccessPolicy::require_partner_progress(const store::Device& device) const {
    if (device.role != store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "only a support partner's device reads partner progress");
    }
}

std::int64_t AccessPolicy::require_grantee(const store::Device& device) const {
    if (device.role != store::DeviceRole::partner || !device.partner_id) {
        fail(ErrorCode::forbidden, "only a partner device has grants given to it");
    }
    return *device.partner_id;
}

void AccessPolicy::require_certificates(const store::Device& device) const {
    if (device.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden,
             "a support partner's device cannot download certificates; the organisation "
             "shares them");
    }
}

void AccessPolicy::require_certificate(const store::Device& device,
                                       const store::Publication& publication) const {
    require_certificates(device);
    if (device.role == store::DeviceRole::headquarters) {
        return;
    }
    // Rule 23: a branch downloads only what a branch device of its own site published.
    const auto publisher = repository_.find_device(publication.device_id);
    if (!publisher || publisher->role != store::DeviceRole::branch ||
        publisher->organisation_ods != device.organisation_ods ||
        publisher->site_ods != device.site_ods) {
        fail(ErrorCode::forbidden,
             "your headquarters published this assessment; it downloads the certificate");
    }
}

}  // namespace dspt::server::auth
