// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void partners_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
Partner PgRepository::create_partner(std::string_view name, std::int64_t at_ms) {
    partners_not_yet("create_partner");
}

std::optional<Partner> PgRepository::find_partner(std::int64_t id) const {
    partners_not_yet("find_partner");
}

std::optional<Partner> PgRepository::find_partner_by_name(std::string_view name) const {
    partners_not_yet("find_partner_by_name");
}

std::vector<Partner> PgRepository::list_partners() const {
    partners_not_yet("list_partners");
}

Grant PgRepository::give_grant(std::string_view organisation_ods, std::int64_t partner_id,
                               std::string_view device_id, std::int64_t at_ms,
                               std::optional<std::int64_t> expires_at_ms) {
    partners_not_yet("give_grant");
}

Grant PgRepository::revoke_grant(std::string_view organisation_ods, std::int64_t partner_id,
                                 std::string_view device_id, std::int64_t at_ms) {
    partners_not_yet("revoke_grant");
}

std::optional<Grant> PgRepository::live_grant(std::string_view organisation_ods,
                                              std::int64_t partner_id, std::int64_t at_ms) const {
    partners_not_yet("live_grant");
}

std::vector<Grant> PgRepository::grants_of_organisation(std::string_view organisation_ods) const {
    partners_not_yet("grants_of_organisation");
}

std::vector<Organisation> PgRepository::organisations_granting(std::int64_t partner_id,
                                                               std::int64_t at_ms) const {
    partners_not_yet("organisations_granting");
}

std::vector<Grant> PgRepository::grants_to_partner(std::int64_t partner_id,
                                                   std::int64_t at_ms) const {
    partners_not_yet("grants_to_partner");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
