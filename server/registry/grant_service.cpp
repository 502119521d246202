#include "server/registry/grant_service.hpp"

#include <optional>
#include <string>
#include <utility>

#include "common/date.hpp"
#include "common/error.hpp"

namespace dspt::server::registry {

namespace {

// The last moment in force of a grant ending on `until` (YYYY-MM-DD); none when empty.
std::optional<std::int64_t> grant_expiry_of(const std::string& until) {
    if (until.empty()) {
        return std::nullopt;
    }
    const auto date = Date::parse(until);
    if (!date) {
        fail(ErrorCode::invalid_argument, "the grant's end is not a date (YYYY-MM-DD): " + until);
    }
    return date->end_unix_ms();
}

}  // namespace

protocol::GrantView grant_view(const store::Grant& grant) {
    protocol::GrantView view;
    view.organisation_ods = grant.organisation_ods;
    view.partner_name = grant.partner_name;
    view.given_at_ms = grant.given_at_ms;
    view.revoked_at_ms = grant.revoked_at_ms.value_or(0);
    view.expires_at_ms = grant.expires_at_ms.value_or(0);
    return view;
}

store::Partner GrantService::partner_named(std::string_view name) const {
    auto partner = repository_.find_partner_by_name(name);
    if (!partner) {
        fail(ErrorCode::not_found, "there is no partner named \"" + std::string(name) + "\"");
    }
    return std::move(*partner);
}

void GrantService::require_change_allowed(const store::Device& device,
                                          std::string_view organisation_ods,
                                          std::int64_t partner_id, std::int64_t now_ms) const {
    if (const auto live = repository_.live_grant(organisation_ods, partner_id, now_ms)) {
        policy_.require_grant_change(device, *live);
    }
}

protocol::GrantView GrantService::give(const store::Device& device,
                                       std::string_view organisation_ods,
                                       const protocol::GrantRequest& request,
                                       std::int64_t now_ms) const {
    const auto partner = partner_named(request.partner_name);
    const auto expires_at_ms = grant_expiry_of(request.until);
    require_change_allowed(device, organisation_ods, partner.id, now_ms);
    return grant_view(
        repository_.give_grant(organisation_ods, partner.id, device.id, now_ms, expires_at_ms));
}

protocol::GrantView GrantService::revoke(const store::Device& device,
                                         std::string_view organisation_ods,
                                         std::string_view partner_name, std::int64_t now_ms) const {
    const auto partner = partner_named(partner_name);
    require_change_allowed(device, organisation_ods, partner.id, now_ms);
    return grant_view(repository_.revoke_grant(organisation_ods, partner.id, device.id, now_ms));
}

protocol::GrantList GrantService::of_organisation(std::string_view organisation_ods) const {
    protocol::GrantList list;
    for (const auto& grant : repository_.grants_of_organisation(organisation_ods)) {
        list.grants.push_back(grant_view(grant));
    }
    return list;
}

protocol::GrantList GrantService::to_partner(const store::Device& device,
                                             std::int64_t now_ms) const {
    const auto partner_id = policy_.require_grantee(device);
    protocol::GrantList list;
    for (const auto& grant : repository_.grants_to_partner(partner_id, now_ms)) {
        list.grants.push_back(grant_view(grant));
    }
    return list;
}

}  // namespace dspt::server::registry
