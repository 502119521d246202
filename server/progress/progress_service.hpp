#pragma once
// Progress across sites (README.md, "Progress across sites"): the view a headquarters
// consolidates and a support partner reviews. For each site of an
// organisation it evaluates the synced drafts of the year with the client's
// own evaluator (common/assessment), on the site's effective answers (its own,
// else the organisation-wide ones), and adds what only the server knows: open
// conflicts, evidence count, the devices' sync health and the last
// publication.
//
// Progress only: the report carries levels, counts, item ids and titles and
// times, never an answer, comment, plan text or evidence name, so the same
// report is what a partner sees.
//
// Who sees what (auth::AccessPolicy, Access::read_progress): a headquarters
// device every site of its organisation; a branch device its own site; a
// partner device, of each organisation with a live grant to its partner, the
// sites that grant covers (every site when headquarters gave it, the giving
// device's site when a branch device did), and nothing once the grant is
// revoked or has expired.
//
// Thread-safety: as the repository; the service holds no state of its own.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/progress_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::progress {

// The progress of `sites` (the organisation's, as the viewer may read them) in the
// pack's year on `today`. With `organisation_type`, also the organisation's type from
// its profile ("" when not set).
protocol::OrganisationProgress organisation_progress(const store::Repository& repository,
                                                     const store::Organisation& organisation,
                                                     const std::vector<store::Site>& sites,
                                                     const standards::Pack& pack, Date today,
                                                     std::string* organisation_type = nullptr);

class ProgressService {
  public:
    ProgressService(store::Repository& repository, const auth::AccessPolicy& policy)
        : repository_(repository), policy_(policy) {}

    // Records what `device` reported at the start or the end of a sync, at
    // `now_ms` (the server's clock).
    void record_health(const store::Device& device, const protocol::SyncHealth& health,
                       std::int64_t now_ms);

    // One organisation's progress in `year`, as `device` may see it. Throws
    // forbidden when it may see none of it, invalid_argument for a year the
    // server has no standards for, not_found for an unknown organisation.
    protocol::ProgressReport organisation(const store::Device& device,
                                          std::string_view organisation_ods, std::string_view year,
                                          std::int64_t now_ms) const;

    // What the device sees in `year` without naming an organisation: its own
    // organisation (headquarters: every site; branch: its site), or for a
    // partner device every organisation with a live grant, in ODS order
    // (none: an empty report).
    protocol::ProgressReport visible(const store::Device& device, std::string_view year,
                                     std::int64_t now_ms) const;

    // The sites of the organisation whose progress `device` may read, in the
    // repository's order.
    std::vector<store::Site> readable_sites(const store::Device& device,
                                            std::string_view organisation_ods) const;

  private:
    store::Repository& repository_;
    const auth::AccessPolicy& policy_;
};

}  // namespace dspt::server::progress
