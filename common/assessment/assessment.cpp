#include "common/assessment/assessment.hpp"

#include <set>

namespace dspt::assessment {

bool has_plan_document(const Assessment& assessment) {
    for (const auto& ref : assessment.evidence) {
        if (ref.item_id == kPlanDocumentSlot) {
            return true;
        }
    }
    return false;
}

Assessment effective_assessment(const Assessment& organisation, const Assessment& site) {
    // An item is the site's own when it has an answer or evidence of its own.
    std::set<std::string, std::less<>> site_items;
    for (const auto& [item_id, answer] : site.answers) {
        site_items.insert(item_id);
    }
    for (const auto& ref : site.evidence) {
        site_items.insert(ref.item_id);
    }

    Assessment result;
    result.profile = organisation.profile;
    result.answers = site.answers;
    for (const auto& [item_id, answer] : organisation.answers) {
        if (!site_items.contains(item_id)) {
            result.answers.emplace(item_id, answer);
        }
    }
    result.evidence = site.evidence;
    for (const auto& ref : organisation.evidence) {
        if (!site_items.contains(ref.item_id)) {
            result.evidence.push_back(ref);
        }
    }
    result.plan = site.plan;
    for (const auto& [item_id, entry] : organisation.plan) {
        result.plan.emplace(item_id, entry);  // keeps the site's entry when it has one
    }
    return result;
}

}  // namespace dspt::assessment
