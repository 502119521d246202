#include "server/store/grant_rules.hpp"

#include <string>

#include "common/error.hpp"

namespace dspt::server::store {

namespace {

std::string grant_name(std::string_view organisation_ods, const Partner& partner) {
    return "organisation " + std::string(organisation_ods) + " to partner \"" + partner.name +
           "\" (" + std::to_string(partner.id) + ")";
}

}  // namespace

void validate_grant_request(std::string_view organisation_ods, std::string_view device_id,
                            const std::optional<GrantPeriod>& given) {
    validate_ods_code(organisation_ods, "organisation ODS code");
    validate_actor(device_id, "device");
    if (given && given->expires_at_ms && *given->expires_at_ms < given->at_ms) {
        fail(ErrorCode::invalid_argument, "a grant cannot end before it is given");
    }
}

void check_grant_replaceable(const Grant& live, const Partner& partner, const GrantPeriod& given) {
    if (live.in_force(given.at_ms) && live.expires_at_ms == given.expires_at_ms) {
        fail_grant_live(live.organisation_ods, partner);
    }
}

void fail_grant_live(std::string_view organisation_ods, const Partner& partner) {
    fail(ErrorCode::already_exists,
         "a grant from " + grant_name(organisation_ods, partner) + " is already live");
}

void fail_no_live_grant(std::string_view organisation_ods, const Partner& partner) {
    fail(ErrorCode::not_found,
         "there is no live grant from " + grant_name(organisation_ods, partner));
}

}  // namespace dspt::server::store
