#pragma once
// The rules a publication must meet (docs/domain.md, "Levels" and
// "Publishing"), as pure functions over plain values: no store, no
// clock, no HTTP, so every rule is unit-tested with the reasons it gives.
//
// Two questions, asked in this order:
//   1. May this device publish for these sites? (sites_to_publish) A refusal
//      is an error (forbidden, or invalid_argument for a malformed request).
//   2. Is the organisation ready to publish them at this level?
//      (publication_problems) Every reason is returned, per site and per item,
//      so the user can fix them all at once.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/assessment/publish_readiness.hpp"
#include "common/standards/pack.hpp"
#include "server/publish/site_drafts.hpp"
#include "server/store/model.hpp"
#include "server/store/publication_model.hpp"

namespace dspt::server::publish {

// Whether the sites are ready (question 2) is common/assessment/publish_readiness,
// which the client's screen asks too.
using Problem = assessment::PublishProblem;
using assessment::publication_problems;
using assessment::PublishFacts;

// The sites a publication by `device` covers, sorted and without repeats.
//   - A branch device publishes for its own site only: `requested` empty or
//     naming just that site; any other site is forbidden.
//   - A headquarters device names the sites (`requested` empty is
//     invalid_argument listing them); each must be a site of its organisation
//     (forbidden otherwise). An organisation not flagged as a headquarters
//     chooses among all its registered sites too, as the toolkit offers "sites
//     within your CQC registration and any other sites added", not only those
//     of its last publication.
//   - A partner device never publishes (forbidden).
std::vector<std::string> sites_to_publish(const store::Device& device,
                                          const store::Organisation& organisation,
                                          const std::vector<store::Site>& organisation_sites,
                                          const std::vector<std::string>& requested);

}  // namespace dspt::server::publish
