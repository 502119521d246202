#pragma once
// The checks on grants that every repository implementation makes, with the errors
// repository.hpp gives (give_grant, revoke_grant). The repository reads the live grant
// inside its transaction; these decide.

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/store/model.hpp"

namespace dspt::server::store {

// give_grant's and revoke_grant's checks on their arguments (invalid_argument); pass
// `given` (give_grant's at_ms and expires_at_ms) to check that the grant does not end
// before it is given.
struct GrantPeriod {
    std::int64_t at_ms = 0;
    std::optional<std::int64_t> expires_at_ms;
};
void validate_grant_request(std::string_view organisation_ods, std::string_view device_id,
                            const std::optional<GrantPeriod>& given = std::nullopt);

// give_grant's check of the live grant found: throws already_exists when it stays (in
// force at `given.at_ms` with the same end); otherwise it is to be ended and replaced.
void check_grant_replaceable(const Grant& live, const Partner& partner, const GrantPeriod& given);

// already_exists: a live grant from the organisation to the partner is there.
[[noreturn]] void fail_grant_live(std::string_view organisation_ods, const Partner& partner);

// not_found: revoke_grant found no live grant.
[[noreturn]] void fail_no_live_grant(std::string_view organisation_ods, const Partner& partner);

}  // namespace dspt::server::store
