// SqliteRepository: the latest sync health each device reported.

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

void write_sync_health(sqlite::Database& db, const SyncHealthReport& report) {
    if (!rows::select_device(db, report.device_id)) {
        fail(ErrorCode::not_found, "there is no device " + report.device_id);
    }
    sqlite::Statement upsert(
        db,
        "INSERT INTO sync_health (device_id, reported_at_ms, pending_changes, pending_bytes, "
        "oldest_pending_age_ms, last_sync_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (device_id) DO UPDATE SET reported_at_ms = excluded.reported_at_ms, "
        "pending_changes = excluded.pending_changes, pending_bytes = excluded.pending_bytes, "
        "oldest_pending_age_ms = excluded.oldest_pending_age_ms, "
        "last_sync_at_ms = COALESCE(excluded.last_sync_at_ms, last_sync_at_ms)");
    upsert.bind(1, report.device_id);
    upsert.bind(2, report.reported_at_ms);
    upsert.bind(3, static_cast<std::int64_t>(report.pending_changes));
    upsert.bind(4, static_cast<std::int64_t>(report.pending_bytes));
    upsert.bind(5, report.oldest_pending_age_ms);
    upsert.bind(
        6, report.finished ? std::optional<std::int64_t>(report.reported_at_ms) : std::nullopt);
    upsert.execute();
}

void SqliteRepository::record_sync_health(const SyncHealthReport& report) {
    validate_sync_health_report(report);
    static const std::vector<Change> kNoChanges;
    PendingBatch job{"", report.device_id, kNoChanges, {}, nullptr, &report};
    batches_->submit(job, [this](auto& group) { commit_group(group); });
    if (job.error) {
        std::rethrow_exception(job.error);
    }
}

std::vector<DeviceSyncHealth> SqliteRepository::sync_health_of(
    std::string_view organisation_ods) const {
    return read(false, [&](Reader& reader) {
        sqlite::Statement select(
            reader.db, "SELECT " + std::string(rows::kDeviceColumns) +
                           ", h.reported_at_ms, h.pending_changes, h.pending_bytes, "
                           "h.oldest_pending_age_ms, h.last_sync_at_ms FROM sync_health h "
                           "JOIN devices d ON d.id = h.device_id WHERE d.organisation_ods = ?1 "
                           "AND d.revoked_at_ms IS NULL ORDER BY d.id");
        select.bind(1, organisation_ods);
        std::vector<DeviceSyncHealth> health;
        while (select.step()) {
            const auto device = rows::read_device(select);
            DeviceSyncHealth row;
            row.device_id = device.id;
            row.role = device.role;
            row.site_ods = device.site_ods;
            row.reported_at_ms = select.column_int64(10);
            row.pending_changes = static_cast<std::uint64_t>(select.column_int64(11));
            row.pending_bytes = static_cast<std::uint64_t>(select.column_int64(12));
            row.oldest_pending_age_ms = select.column_int64(13);
            row.last_sync_at_ms = rows::optional_int64(select, 14).value_or(0);
            health.push_back(std::move(row));
        }
        return health;
    });
}

}  // namespace dspt::server::store
