#pragma once
// The changes the server refused for good and this store set aside
// (outbox.hpp): finding them by item and dropping them at the user's word.
//
// Dropping a change discards its outbox entry; an answer or action plan entry
// it wrote leaves this device, and the next sync brings back whatever the
// server holds for the register (the pull cursor goes back to the version this
// store last knew of it). Nothing else is touched: an evidence file whose
// record was set aside stays on this device.
//
// Thread-safety: as LocalStore.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/store/outbox.hpp"

namespace dspt::client {

class LocalStore;

// An outbox entry the server refused for good, and why.
struct RefusedChange {
    std::int64_t seq = 0;
    std::string reason;
};

// "1.1.1 (answer): <the server's reason>", as messages list a change set aside.
std::string describe_set_aside(const OutboxSummary& entry);

// [{"item", "change", "scope", "seq", "reason"}, ...], as `--json` output gives them.
nlohmann::json set_aside_json(const std::vector<OutboxSummary>& entries);

// Sets the refused entries aside, in one transaction (none: nothing happens).
void set_aside_refused(LocalStore& store, const std::vector<RefusedChange>& refused);

// The changes set aside of `which`: an item id ("1.1.1", every register of the
// item) or a register key as `dspt outbox` lists it ("evidence/<id>").
std::vector<OutboxSummary> find_set_aside(LocalStore& store, std::string_view which);

// Drops the changes set aside of `which`, in one transaction; returns what went
// (empty when none matched).
std::vector<OutboxSummary> drop_set_aside(LocalStore& store, std::string_view which);

}  // namespace dspt::client
