#pragma once
// Grants (docs/security.md, "The parties"): an organisation lets a support partner read
// its progress, until it revokes the grant or the grant's end date passes. The SQL is the
// repository's (server/store/sqlite_partners.cpp); this service turns what a device sends
// into the repository's calls and the repository's grants into protocol::GrantView.
//
// Authorisation. give, revoke and of_organisation act for an organisation: the caller
// has checked with auth::AccessPolicy::require_organisation first (Access::write to give
// or revoke, Access::read to list), before it decoded the request's body. A grant
// covers what the device that gave it sees (AccessPolicy::grant_covers): a branch
// device's grant, its own site. give and revoke check besides that a branch device
// does not replace or end a grant given from another site or from headquarters. to_partner
// checks itself that the device is a partner's (AccessPolicy::require_grantee): the
// partner whose grants it lists is the device's own.
//
// Errors: not_found for an unknown partner ("there is no partner named \"<name>\"") or
// organisation, and for revoking a grant that is not live; invalid_argument for an end
// that is not a date ("the grant's end is not a date (YYYY-MM-DD): <until>"); forbidden
// from to_partner for a device that is not a partner's.
//
// Thread-safety: as the repository; the service holds no state of its own.

#include <cstdint>
#include <string_view>

#include "protocol/messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::registry {

class GrantService {
  public:
    GrantService(store::Repository& repository, const auth::AccessPolicy& policy)
        : repository_(repository), policy_(policy) {}

    // Gives the partner named in `request` a grant from the organisation, given by
    // `device` at `now_ms`, in force until the end (UTC) of the day `request.until`
    // names, or until revoked when `until` is empty.
    protocol::GrantView give(const store::Device& device, std::string_view organisation_ods,
                             const protocol::GrantRequest& request, std::int64_t now_ms) const;

    // Revokes, by `device` at `now_ms`, the organisation's live grant to the partner
    // named `partner_name`.
    protocol::GrantView revoke(const store::Device& device, std::string_view organisation_ods,
                               std::string_view partner_name, std::int64_t now_ms) const;

    // Every grant the organisation has given, live and revoked, oldest first.
    protocol::GrantList of_organisation(std::string_view organisation_ods) const;

    // The grants in force at `now_ms` to the partner of `device`, a partner's device.
    protocol::GrantList to_partner(const store::Device& device, std::int64_t now_ms) const;

  private:
    store::Partner partner_named(std::string_view name) const;
    // Throws forbidden when the organisation's grant in force to the partner is
    // one `device` may not replace or revoke (AccessPolicy::require_grant_change).
    void require_change_allowed(const store::Device& device, std::string_view organisation_ods,
                                std::int64_t partner_id, std::int64_t now_ms) const;

    store::Repository& repository_;
    const auth::AccessPolicy& policy_;
};

// A stored grant as the wire shows it (0 for no revocation, no end).
protocol::GrantView grant_view(const store::Grant& grant);

}  // namespace dspt::server::registry
