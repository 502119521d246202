#pragma once
// One site's progress, computed from plain values: its drafts as the server
// holds them (publish::SiteDraft), its devices' sync health and the
// organisation's publications. Pure: no store, no clock, so every figure is
// unit-tested (tests/unit/server_progress).
//
//   - level and satisfied/total per level: the client's evaluator
//     (common/assessment) on the site's effective answers, on `today`, so the
//     numbers are those `dspt status` shows on the site's own device;
//   - missing items: the mandatory items not satisfied, with their titles;
//   - conflicts: the registers in conflict the site reads, its own and the
//     organisation-wide ones (a conflict there also blocks publishing it);
//   - evidence files: those its effective answers count (its own, and the
//     organisation's for items it does not answer itself);
//   - sync: from the site's branch devices only (a headquarters device's
//     health belongs to no site): the latest completed sync of any of them,
//     the sum of what they hold unsent, and when the oldest of it was written
//     (a report's arrival less the age the device gave);
//   - last publication: the newest of the year that covers the site.
// Nothing of an answer's text, a comment, a plan or an evidence name is
// copied into the result.

#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/standards/pack.hpp"
#include "protocol/progress_messages.hpp"
#include "server/publish/site_drafts.hpp"
#include "server/store/model.hpp"
#include "server/store/publication_model.hpp"
#include "server/store/sync_health_model.hpp"

namespace dspt::server::progress {

// `health` and `publications` may hold the whole organisation's (publications
// newest first, as the repository lists them); only the site's are used.
protocol::SiteProgress site_progress(const standards::Pack& pack, const store::Site& site,
                                     const publish::SiteDraft& draft,
                                     const std::vector<store::DeviceSyncHealth>& health,
                                     const std::vector<store::Publication>& publications,
                                     Date today);

}  // namespace dspt::server::progress
