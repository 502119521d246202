// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void sync_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
std::vector<ChangeResult> PgRepository::apply_changes(std::string_view organisation_ods,
                                                      std::string_view device_id,
                                                      const std::vector<Change>& changes) {
    sync_not_yet("apply_changes");
}

RegisterPage PgRepository::registers_since(std::string_view organisation_ods,
                                           const std::vector<std::string>& scopes,
                                           std::int64_t since, std::size_t limit) const {
    sync_not_yet("registers_since");
}

std::optional<std::int64_t> PgRepository::replica_high_water(std::string_view replica_id,
                                                             std::string_view device_id) const {
    sync_not_yet("replica_high_water");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
