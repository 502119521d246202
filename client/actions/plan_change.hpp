#pragma once
// Setting an item's action-plan entry as a person asks for it, from
// `dspt plan set` or the local screen (`dspt ui`): the checks are made here
// once, so both refuse the same things with the same words.

#include <string>

#include "client/store/local_store.hpp"
#include "common/assessment/assessment.hpp"

namespace dspt::client {

struct PlanChange {
    std::string item;
    std::string action;  // what will be done
    std::string owner;   // who does it
    std::string due;     // as typed: YYYY-MM-DD
};

// Writes the entry to the chosen assessment of `store` and returns it.
// Refused with invalid_argument: a due date that is not a real date written
// YYYY-MM-DD; a blank action or owner (LocalStore::set_plan_entry); an
// unknown item (not_found).
assessment::PlanEntry apply_plan_change(LocalStore& store, const PlanChange& change);

}  // namespace dspt::client
