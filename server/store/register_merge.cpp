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

MergeDecision decide_merge(const std::optional<Register>& current, const Change& change) {
    if (!current || current->values.empty() || change.base_version == current->version) {
        return MergeDecision::replace;
    }
    const bool only_own = std::all_of(
        current->values.begin(), current->values.end(), [&](const RegisterValue& value) {
            return value.replica_id == change.replica_id && value.seq < change.seq;
        });
    if (only_own) {
        return MergeDecision::replace;
    }
    const auto& shown = current->shown();
    if (shown.payload == change.payload) {
        return MergeDecision::unchanged;
    }
    return MergeDecision::add_sibling;
}

}  // namespace dspt::server::store
