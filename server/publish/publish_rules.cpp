#include "server/publish/publish_rules.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/text.hpp"

namespace dspt::server::publish {

std::vector<std::string> sites_to_publish(const store::Device& device,
                                          const store::Organisation& organisation,
                                          const std::vector<store::Site>& organisation_sites,
                                          const std::vector<std::string>& requested) {
    std::set<std::string> wanted(requested.begin(), requested.end());
    switch (device.role) {
        case store::DeviceRole::partner:
            fail(ErrorCode::forbidden, "a support partner's device does not publish");
        case store::DeviceRole::branch:
            for (const auto& site : wanted) {
                if (site != device.site_ods) {
                    fail(ErrorCode::forbidden, "a branch device publishes for its own site (" +
                                                   device.site_ods + ") only, not for " + site);
                }
            }
            return {device.site_ods};
        case store::DeviceRole::headquarters:
            break;
    }
    std::vector<std::string> all;
    for (const auto& site : organisation_sites) {
        all.push_back(site.ods);
    }
    if (wanted.empty()) {
        fail(ErrorCode::invalid_argument,
             "choose the sites to publish for: " +
                 (all.empty() ? std::string("the organisation has none registered") : joined(all)));
    }
    for (const auto& site : wanted) {
        if (std::find(all.begin(), all.end(), site) == all.end()) {
            fail(ErrorCode::forbidden,
                 site + " is not a site of " + organisation.ods + " (" + organisation.name + ")");
        }
    }
    return {wanted.begin(), wanted.end()};
}

}  // namespace dspt::server::publish
