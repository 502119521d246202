#pragma once
// The values of a register in conflict as people read them: each value, who
// wrote it, on which device, and when; the device that holds this store is
// named "this device". Both the screen's Conflicts page and `dspt conflicts`
// show these.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/store/sync_state.hpp"

namespace dspt::client {

struct ConflictValue {
    std::string replica_id;  // the writing store's id: what `dspt resolve --keep` takes
    bool removed = false;    // the value removed the answer
    std::string value;       // "" when removed
    std::string comment;
    std::string author;       // the person's name; "" when none was given
    std::string device_name;  // as the server names the device; "" when unknown
    bool this_device = false;
    std::int64_t at_ms = 0;  // when it was written (Unix ms); 0 when unknown

    // "this device", the device's name, or "another device".
    std::string device_label() const;
};

// Every value of `conflict`, in the order pulled; `own_replica` is this
// store's replica id (StoreInfo::replica_id).
std::vector<ConflictValue> conflict_values(const ConflictRecord& conflict,
                                           std::string_view own_replica);

}  // namespace dspt::client
