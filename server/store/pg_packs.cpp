// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void packs_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
bool PgRepository::install_pack(const InstalledPack& pack) {
    packs_not_yet("install_pack");
}

std::optional<InstalledPack> PgRepository::find_installed_pack(std::string_view year,
                                                               std::string_view digest) const {
    packs_not_yet("find_installed_pack");
}

std::vector<InstalledPack> PgRepository::installed_packs() const {
    packs_not_yet("installed_packs");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
