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

void AccessPolicy::require_site(const store::Device& device, const store::Site& site,
                                Access access) const {
    switch (device.role) {
        case store::DeviceRole::branch:
            if (device.site_ods == site.ods) {
                return;
            }
            break;
        case store::DeviceRole::headquarters:
            if (device.organisation_ods == site.organisation_ods) {
                return;
            }
            break;
        case store::DeviceRole::partner:
            if (access == Access::read_progress &&
                partner_has_grant(device, site.organisation_ods)) {
                return;
            }
            break;
    }
    refuse(device, (access == Access::write ? "change site " : "read site ") + site.ods);
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

}  // namespace dspt::server::auth
