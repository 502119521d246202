// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void sync_health_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
void PgRepository::record_sync_health(const SyncHealthReport& report) {
    sync_health_not_yet("record_sync_health");
}

std::vector<DeviceSyncHealth> PgRepository::sync_health_of(
    std::string_view organisation_ods) const {
    sync_health_not_yet("sync_health_of");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
