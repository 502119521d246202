#pragma once
// Which scopes of its organisation a syncing device reaches, shared by the
// registers (sync_service.hpp) and the evidence chunks (blob_service.hpp).
//
// A scope is a site's ODS code or "" for the organisation-wide answers. A
// branch device writes its own site and reads it and ""; a headquarters device
// writes and reads every site of its organisation and ""; a partner device
// reaches none (it reads progress, through other endpoints).

#include <string>
#include <string_view>
#include <vector>

#include "server/auth/access_policy.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::sync {

class ScopeAccess {
  public:
    ScopeAccess(const store::Repository& repository, const auth::AccessPolicy& policy)
        : repository_(repository), policy_(policy) {}

    // Throws forbidden unless `device` may read (Access::read) or change
    // (Access::write) `scope` of `organisation_ods`.
    void require(const store::Device& device, std::string_view organisation_ods,
                 std::string_view scope, auth::Access access) const;

    // Throws forbidden unless `device` may write the organisation profile
    // (AccessPolicy::require_profile).
    void require_profile(const store::Device& device) const { policy_.require_profile(device); }

    // Every scope `device` reads, "" first.
    std::vector<std::string> readable(const store::Device& device) const;

  private:
    const store::Repository& repository_;
    const auth::AccessPolicy& policy_;
};

// Throws forbidden for a partner device, which does not sync.
void require_syncing_device(const store::Device& device);

}  // namespace dspt::server::sync
