#pragma once
// Who may see and change what (docs/security.md, "The parties").
//
//   branch device        its own site: read and write. Its organisation's
//                        settings only when the organisation is a single-site
//                        provider (not flagged headquarters); its organisation
//                        profile only when, besides, the organisation has this
//                        one site.
//   headquarters device  every site of its organisation, and the organisation.
//   partner device       progress only (never evidence, never writing) of the
//                        organisations that have a grant in force to its partner
//                        (live and not past its end date, by the policy's clock),
//                        and of the sites each grant covers: a grant given from a
//                        branch device covers that device's site only (what the
//                        branch itself sees), one given from a headquarters device
//                        every site of the organisation.
// Nobody reaches another organisation. A refusal is Error(ErrorCode::forbidden)
// with a message naming the device's role and what it tried to reach.
//
// Certificates (docs/domain.md, "Certificates"): a headquarters device downloads its
// organisation's; a branch device only one that a branch device of its own site
// published; a partner device none (the organisation shares them).
//
// Pure rules over the registry: no HTTP, no SQL. Thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::auth {

enum class Access {
    read_progress,  // levels and counts: what a partner may see
    read,           // answers, plan and evidence metadata
    write,          // changes, invitations, grants
};

class AccessPolicy {
  public:
    using Clock = std::function<std::int64_t()>;  // Unix milliseconds

    AccessPolicy(store::Repository& repository, Clock now)
        : repository_(repository), now_(std::move(now)) {}

    // Throws Error(forbidden) unless `device` may have `access` to the site.
    void require_site(const store::Device& device, const store::Site& site, Access access) const;

    // Whether `device` may have `access` to the site; require_site without the refusal.
    bool allows_site(const store::Device& device, const store::Site& site, Access access) const;

    // Whether `grant` lets its partner read the progress of site `site_ods` of the
    // granting organisation: a grant covers what the device that gave it may see.
    bool grant_covers(const store::Grant& grant, std::string_view site_ods) const;

    // Throws Error(forbidden) unless `device`, which may change its organisation's
    // grants, may replace or revoke `grant`: a branch device only one that covers no
    // site but its own, so that it neither ends nor takes over a sister site's grant.
    void require_grant_change(const store::Device& device, const store::Grant& grant) const;

    // Throws Error(forbidden) unless `device` may have `access` to the
    // organisation as a whole (its site list, its grants, its settings).
    void require_organisation(const store::Device& device, std::string_view organisation_ods,
                              Access access) const;

    // Throws Error(forbidden) unless `device` may write its organisation's
    // profile (docs/domain.md, "The organisation profile"): a headquarters
    // device, or the branch device of an organisation not flagged headquarters
    // whose one registered site is the device's.
    void require_profile(const store::Device& device) const;

    // Throws Error(forbidden, "only a support partner's device reads partner progress")
    // unless `device` is a partner's.
    void require_partner_progress(const store::Device& device) const;

    // The partner whose grants `device` may list: its own. Throws Error(forbidden,
    // "only a partner device has grants given to it") for any other device.
    std::int64_t require_grantee(const store::Device& device) const;

    // Throws Error(forbidden) when `device` may download no certificate at all (a
    // partner's), before the certificate is looked for.
    void require_certificates(const store::Device& device) const;

    // Throws Error(forbidden, "your headquarters published this assessment; it
    // downloads the certificate") unless `device` may download the certificate of
    // `publication`, a publication of its own organisation (covering its site, for a
    // branch device).
    void require_certificate(const store::Device& device,
                             const store::Publication& publication) const;

  private:
    bool partner_has_grant(const store::Device& device, std::string_view organisation_ods) const;
    // The one site a grant covers, as the device that gave it sees it; nullopt for
    // every site of the organisation (a headquarters device's grant, or the
    // operator's); "" for none (a giver that is no device of the organisation).
    std::optional<std::string> grant_site(const store::Grant& grant) const;

    store::Repository& repository_;
    Clock now_;
};

}  // namespace dspt::server::auth
