#pragma once
// Whether an assessment is ready to publish at a level (docs/domain.md,
// "Levels" and "Publishing"), as a pure function over plain values: no store, no
// clock, no network. The server decides every publication with it; the
// client's screen (`dspt ui`) shows with it, before asking, which levels the
// assessment can be published at and every reason for the others. Both ask
// the same function, so they cannot disagree about a rule.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/assessment/assessment.hpp"
#include "common/date.hpp"
#include "common/standards/open_version.hpp"
#include "common/standards/pack.hpp"

namespace dspt::assessment {

// One site's draft as it would be published: its effective assessment (the
// organisation-wide answers plus its own) and the registers in conflict that it
// reads.
struct SiteDraft {
    std::string site;
    Assessment effective;
    std::vector<std::string> conflicts;
};

// A publication the organisation made, of any year and level.
struct PriorPublication {
    standards::Level level = standards::Level::none;
    std::string year;
    Date published{};                // the day it was made (UTC)
    std::vector<std::string> sites;  // the sites it covers
};

struct PublishFacts {
    standards::Level level = standards::Level::met;  // the level asked for
    Date today;
    std::optional<PriorPublication> last;
    // Changes the publishing device has written that the server has not received.
    std::int64_t changes_not_received = 0;
    // The packs held, to find the version open on `today`
    // (common/standards/open_version.hpp); empty: the version is not checked.
    std::vector<standards::PackOpening> packs_held;
};

struct PublishProblem {
    std::string site;  // "" for the organisation or the request
    std::string item;  // "" when no item is concerned
    std::string message;

    bool operator==(const PublishProblem&) const = default;
};

// Whether an organisation may publish at `level`: Approaching Standards only as
// its first publication, every later one at least Standards Met ("Publishing").
// publication_problems() and the server's publications store both ask this.
bool level_open_to(standards::Level level, bool published_before);

// Every reason the sites cannot be published at facts.level; empty when they can.
//   - The pack's year is not the version open on facts.today among
//     facts.packs_held (when given): publishing is against the open version
//     only, and the problem names it ("Publishing").
//   - The organisation has published before and asks for Approaching Standards:
//     every later publication must reach at least Standards Met ("Publishing").
//   - A first publication at Approaching Standards while a site being
//     published already reaches Standards Met: the one-time allowance is for an
//     assessment that cannot reach Standards Met yet ("Publishing").
//   - Standards Exceeded needs a Cyber Essentials Plus certificate current on
//     facts.today ("Levels") in the profile of the first site's assessment.
//   - Changes the server has not received, and registers in conflict, block.
//   - Each site must reach the level on its effective answers: one problem per
//     unsatisfied item ("Levels").
//   - A first publication at Approaching Standards needs an action plan
//     ("Publishing"): an action-plan entry for every Standards Met item not yet
//     satisfied, or an uploaded plan document (evidence in kPlanDocumentSlot).
//     Each item without an entry is a problem that names both ways.
std::vector<PublishProblem> publication_problems(const standards::Pack& pack,
                                                 const std::vector<SiteDraft>& sites,
                                                 const PublishFacts& facts);

// The earlier publication that publishing `year` at `level` for `sites` on
// `today` would repeat: one of `history` made the same day, for the same year
// and level, covering every site of `sites` (empty: a branch's own site, which
// each of its publications covers). The client asks before republishing.
std::optional<PriorPublication> republished(const std::vector<PriorPublication>& history,
                                            standards::Level level, const std::string& year,
                                            const std::vector<std::string>& sites, Date today);

}  // namespace dspt::assessment
