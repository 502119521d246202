#pragma once
// The content of one site's assessment for one standards year: answers,
// evidence references, the action plan, and the organisation facts that decide
// Standards Exceeded. Plain data, shared by the client, the server and the
// evaluator (evaluator.hpp); it holds no evidence content, only references.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"

namespace dspt::assessment {

// One item's answer. What `value` holds depends on the item's answer type:
//   confirm   "yes" or "no"
//   text      the text
//   date      "YYYY-MM-DD"
//   document  where the document is kept, when it is not attached (may be empty
//             when the item is answered by evidence files alone)
struct Answer {
    std::string value;
    std::string comment;              // optional; every item has a comments box
    std::int64_t answered_at_ms = 0;  // Unix milliseconds of the last change
    std::string answered_by;          // who made the change (a device or a person's name)

    friend bool operator==(const Answer&, const Answer&) = default;
};

// The evidence slot that holds uploaded action-plan documents: an EvidenceRef
// whose item_id is this is the organisation's or the site's action plan as a
// file (`dspt plan attach`), not evidence for an item. No item id is spelt so.
inline constexpr std::string_view kPlanDocumentSlot = "plan";

// A file attached to an item. The content lives elsewhere (encrypted chunks);
// the evaluator needs only that it exists.
struct EvidenceRef {
    std::string id;  // a UUID
    std::string item_id;
    std::string file_name;
    std::uint64_t size = 0;

    friend bool operator==(const EvidenceRef&, const EvidenceRef&) = default;
};

// What will be done about an item not yet satisfied, by whom and by when.
struct PlanEntry {
    std::string item_id;
    std::string action;
    std::string owner;
    Date due;

    friend bool operator==(const PlanEntry&, const PlanEntry&) = default;
};

// The organisation profile facts that affect the level reached.
struct OrganisationProfile {
    // Set when the organisation holds Cyber Essentials Plus; the date the
    // certificate expires (it is current up to and including that day).
    std::optional<Date> cyber_essentials_plus_expires;

    friend bool operator==(const OrganisationProfile&, const OrganisationProfile&) = default;
};

using Answers = std::map<std::string, Answer, std::less<>>;  // by item id
using Plan = std::map<std::string, PlanEntry, std::less<>>;  // by item id

struct Assessment {
    Answers answers;
    std::vector<EvidenceRef> evidence;
    Plan plan;
    OrganisationProfile profile;
};

// Whether an action-plan document is attached (an evidence file in
// kPlanDocumentSlot).
bool has_plan_document(const Assessment& assessment);

// A site's effective assessment: for each item, the site's own answer and
// evidence when it has either, otherwise the organisation-wide ones written by
// headquarters. Plan entries merge the same way (the site's own wins). The
// profile is the organisation's.
Assessment effective_assessment(const Assessment& organisation, const Assessment& site);

}  // namespace dspt::assessment
