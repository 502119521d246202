// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void registry_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
void PgRepository::create_organisation(const Organisation& organisation) {
    registry_not_yet("create_organisation");
}

std::optional<Organisation> PgRepository::find_organisation(std::string_view ods) const {
    registry_not_yet("find_organisation");
}

std::vector<Organisation> PgRepository::list_organisations() const {
    registry_not_yet("list_organisations");
}

void PgRepository::set_cyber_essentials_plus(std::string_view ods, std::optional<Date> expires) {
    registry_not_yet("set_cyber_essentials_plus");
}

void PgRepository::add_site(const Site& site) {
    registry_not_yet("add_site");
}

std::optional<Site> PgRepository::find_site(std::string_view ods) const {
    registry_not_yet("find_site");
}

std::vector<Site> PgRepository::sites_of(std::string_view organisation_ods) const {
    registry_not_yet("sites_of");
}

ImportSummary PgRepository::import_registry(const std::vector<RegistryRow>& rows,
                                            std::int64_t at_ms) {
    registry_not_yet("import_registry");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
