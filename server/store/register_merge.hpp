#pragma once
// The rule that decides what a pushed change does to its register, as a pure
// function shared by every repository implementation. The duplicate check (a
// (replica, seq) already applied) comes first and is the repository's, since it
// needs the replica's history.
//
// A register whose one value already holds the change's payload is left as it
// is: unchanged, and the writer now holds that value. Otherwise the change
// names the values its writer had seen (`Change::seen`: their versions), and
// replaces exactly those, the writer's own earlier values (a replica always
// knows what it wrote before), and any value with the same payload (keeping
// both would show one value twice). Then:
//
//   1. no value is left (a new register, or every live value was replaced):
//      accepted; the change becomes the only value, and a conflict it settles
//      is over;
//   2. otherwise: conflict; the replaced values go, and every value the
//      writer had not seen stays beside the new one. Nothing is lost, and
//      nothing replaced comes back.

#include <cstdint>
#include <optional>
#include <vector>

#include "server/store/sync_model.hpp"

namespace dspt::server::store {

enum class MergeDecision {
    replace,      // accepted: the change becomes the only value
    unchanged,    // nothing to write
    add_sibling,  // conflict: the change joins the values it had not seen
};

struct MergePlan {
    MergeDecision decision = MergeDecision::replace;
    // The versions of the values the change replaces; with add_sibling, those
    // to remove before the change is added (every other value stays).
    std::vector<std::int64_t> replaced;
};

MergePlan decide_merge(const std::optional<Register>& current, const Change& change);

}  // namespace dspt::server::store
