#pragma once
// The rule that decides what a pushed change does to its register
// (ARCHITECTURE.md section 4), as a pure function shared by every repository
// implementation. The duplicate check (a (replica, seq) already applied) comes
// first and is the repository's, since it needs the replica's history.
//
//   1. a new register (none stored), or base_version equal to the register's
//      version: accepted; every sibling is replaced by the new value (a change
//      based on the latest version resolves a conflict);
//   2. a register whose every value the same replica wrote earlier: a later
//      edit of that replica, made before it heard back: accepted;
//   3. the payload equal to the shown value: unchanged, nothing is written;
//   4. anything else: conflict; the value joins the siblings, nothing is lost
//      (the writer's own earlier sibling leaves: its later value supersedes it).

#include <optional>

#include "server/store/sync_model.hpp"

namespace dspt::server::store {

enum class MergeDecision {
    replace,      // accepted: the change becomes the only value
    unchanged,    // nothing to write
    add_sibling,  // conflict: the change joins the live values
};

MergeDecision decide_merge(const std::optional<Register>& current, const Change& change);

}  // namespace dspt::server::store
