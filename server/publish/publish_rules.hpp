#pragma once
// The rules a publication must meet (domain/DSPT.md rules 1-5, 18-22;
// ARCHITECTURE.md s6), as pure functions over plain values: no store, no
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

#include "common/assessment/assessment.hpp"
#include "common/date.hpp"
#include "common/standards/pack.hpp"
#include "server/publish/site_drafts.hpp"
#include "server/store/model.hpp"
#include "server/store/publication_model.hpp"

namespace dspt::server::publish {

struct Problem {
    std::string site;  // "" for the organisation or the request
    std::string item;  // "" when no item is concerned
    std::string message;

    bool operator==(const Problem&) const = default;
};

// The sites a publication by `device` covers, sorted and without repeats.
//   - A branch device publishes for its own site only: `requested` empty or
//     naming just that site; any other site is forbidden.
//   - A headquarters device names the sites (`requested` empty is
//     invalid_argument listing them); each must be a site of its organisation
//     (forbidden otherwise). When the organisation is not flagged as a
//     headquarters, each must also be one it published for last time
//     (`last`), or its only site.
//   - A partner device never publishes (forbidden).
std::vector<std::string> sites_to_publish(const store::Device& device,
                                          const store::Organisation& organisation,
                                          const std::vector<store::Site>& organisation_sites,
                                          const std::vector<std::string>& requested,
                                          const std::optional<store::Publication>& last);

struct PublishFacts {
    standards::Level level = standards::Level::met;  // the level asked for
    Date today;
    // The organisation's latest publication, of any year and level.
    std::optional<store::Publication> last;
    // Changes the publishing device has written that the server has not received.
    std::int64_t changes_not_received = 0;
};

// Every reason the sites cannot be published at facts.level; empty when they can.
//   - The organisation has published before and asks for Approaching Standards:
//     every later publication must reach at least Standards Met (rule 4).
//   - Standards Exceeded needs a Cyber Essentials Plus certificate current on
//     facts.today (rule 3) in the profile of the first site's assessment.
//   - Changes the server has not received, and registers in conflict, block.
//   - Each site must reach the level on its effective answers: one problem per
//     unsatisfied item (rule 2).
//   - A first publication at Approaching Standards needs an action-plan entry
//     for every Standards Met item not yet satisfied (rule 5).
std::vector<Problem> publication_problems(const standards::Pack& pack,
                                          const std::vector<SiteDraft>& sites,
                                          const PublishFacts& facts);

}  // namespace dspt::server::publish
