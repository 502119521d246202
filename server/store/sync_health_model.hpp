#pragma once
// What devices report about their unsent changes with every sync, as plain values
// (protocol::SyncHealth; README.md, "Progress across sites"). The server keeps the latest report
// of each device, so a headquarters sees a branch that has stopped syncing, and
// what it still holds, even while the branch cannot reach the server.

#include <cstdint>
#include <string>

#include "server/store/model.hpp"

namespace dspt::server::store {

// One report, as the device sent it, received at `reported_at_ms` (server time).
struct SyncHealthReport {
    std::string device_id;
    std::int64_t reported_at_ms = 0;
    std::uint64_t pending_changes = 0;
    std::uint64_t pending_bytes = 0;
    std::int64_t oldest_pending_age_ms = 0;  // 0 when nothing is pending
    bool finished = false;                   // sent after a sync that completed
};

// A device's latest report and the last time it finished a sync.
struct DeviceSyncHealth {
    std::string device_id;
    DeviceRole role = DeviceRole::branch;
    std::string site_ods;  // branch devices only
    std::int64_t reported_at_ms = 0;
    std::uint64_t pending_changes = 0;
    std::uint64_t pending_bytes = 0;
    std::int64_t oldest_pending_age_ms = 0;
    std::int64_t last_sync_at_ms = 0;  // the latest report with finished; 0 never

    bool operator==(const DeviceSyncHealth&) const = default;
};

// Throws invalid_argument for a report with a negative time or age, or a count beyond
// INT64_MAX (what a store can keep); every store checks reports with it.
void validate_sync_health_report(const SyncHealthReport& report);

}  // namespace dspt::server::store
