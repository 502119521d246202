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

// The organisation's latest publication, of any year and level.
struct PriorPublication {
    standards::Level level = standards::Level::none;
    std::string year;
};

struct PublishFacts {
    standards::Level level = standards::Level::met;  // the level asked for
    Date today;
    std::optional<PriorPublication> last;
    // Changes the publishing device has written that the server has not received.
    std::int64_t changes_not_received = 0;
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
//   - The organisation has published before and asks for Approaching Standards:
//     every later publication must reach at least Standards Met ("Publishing").
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

}  // namespace dspt::assessment
