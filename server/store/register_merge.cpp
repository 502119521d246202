#include "server/store/register_merge.hpp"

#include <algorithm>
#include <tuple>

#include "common/error.hpp"

namespace dspt::server::store {

const RegisterValue& Register::shown() const {
    if (values.empty()) {
        fail(ErrorCode::internal, "register " + register_key + " has no value");
    }
    return *std::max_element(values.begin(), values.end(), [](const auto& a, const auto& b) {
        return std::tie(a.hlc, a.replica_id) < std::tie(b.hlc, b.replica_id);
    });
}

MergePlan decide_merge(const std::optional<Register>& current, const Change& change) {
    MergePlan plan;
    if (!current || current->values.empty()) {
        return plan;
    }
    if (current->values.size() == 1 && current->values[0].payload == change.payload) {
        plan.decision = MergeDecision::unchanged;
        return plan;
    }
    bool kept = false;
    for (const auto& value : current->values) {
        const bool seen =
            std::find(change.seen.begin(), change.seen.end(), value.version) != change.seen.end();
        const bool own_earlier = value.replica_id == change.replica_id && value.seq < change.seq;
        if (seen || own_earlier || value.payload == change.payload) {
            plan.replaced.push_back(value.version);
        } else {
            kept = true;
        }
    }
    plan.decision = kept ? MergeDecision::add_sibling : MergeDecision::replace;
    return plan;
}

}  // namespace dspt::server::store
