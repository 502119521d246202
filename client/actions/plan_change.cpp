#include "client/actions/plan_change.hpp"

#include "common/date.hpp"
#include "common/error.hpp"

namespace dspt::client {

assessment::PlanEntry apply_plan_change(LocalStore& store, const PlanChange& change) {
    const auto& item = store.item(change.item);
    const auto due = Date::parse(change.due);
    if (!due) {
        fail(ErrorCode::invalid_argument, "the plan for " + item.id +
                                              " needs a real due date written YYYY-MM-DD, not \"" +
                                              change.due + "\"");
    }
    assessment::PlanEntry entry{item.id, change.action, change.owner, *due};
    store.set_plan_entry(entry);
    return entry;
}

}  // namespace dspt::client
