// PgRepository: the latest sync health each device reported.

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

void PgRepository::record_sync_health(const SyncHealthReport& report) {
    validate_sync_health_report(report);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        if (db.run("SELECT 1 FROM devices WHERE id = $1", pg::Params().text(report.device_id))
                .empty()) {
            fail(ErrorCode::not_found, "there is no device " + report.device_id);
        }
        db.run(
            "INSERT INTO sync_health (device_id, reported_at_ms, pending_changes, pending_bytes, "
            "oldest_pending_age_ms, last_sync_at_ms) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (device_id) DO UPDATE SET reported_at_ms = excluded.reported_at_ms, "
            "pending_changes = excluded.pending_changes, pending_bytes = excluded.pending_bytes, "
            "oldest_pending_age_ms = excluded.oldest_pending_age_ms, last_sync_at_ms = "
            "COALESCE(excluded.last_sync_at_ms, sync_health.last_sync_at_ms)",
            pg::Params()
                .text(report.device_id)
                .int64(report.reported_at_ms)
                .int64(static_cast<std::int64_t>(report.pending_changes))
                .int64(static_cast<std::int64_t>(report.pending_bytes))
                .int64(report.oldest_pending_age_ms)
                .optional_int64(report.finished ? std::optional(report.reported_at_ms)
                                                : std::nullopt));
    });
}

std::vector<DeviceSyncHealth> PgRepository::sync_health_of(
    std::string_view organisation_ods) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        const pg::Result rows =
            db.run("SELECT " + std::string(pg_rows::kDeviceColumns) +
                       ", h.reported_at_ms, h.pending_changes, h.pending_bytes, "
                       "h.oldest_pending_age_ms, h.last_sync_at_ms FROM sync_health h "
                       "JOIN devices d ON d.id = h.device_id WHERE d.organisation_ods = $1 "
                       "AND d.revoked_at_ms IS NULL ORDER BY d.id",
                   pg::Params().text(organisation_ods));
        std::vector<DeviceSyncHealth> health;
        for (int row = 0; row < rows.rows(); ++row) {
            const auto device = pg_rows::read_device(rows, row);
            DeviceSyncHealth entry;
            entry.device_id = device.id;
            entry.role = device.role;
            entry.site_ods = device.site_ods;
            entry.reported_at_ms = rows.int64(row, 10);
            entry.pending_changes = static_cast<std::uint64_t>(rows.int64(row, 11));
            entry.pending_bytes = static_cast<std::uint64_t>(rows.int64(row, 12));
            entry.oldest_pending_age_ms = rows.int64(row, 13);
            entry.last_sync_at_ms = rows.optional_int64(row, 14).value_or(0);
            health.push_back(std::move(entry));
        }
        return health;
    });
}

}  // namespace dspt::server::store
