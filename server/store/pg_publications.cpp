// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void publications_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
RecordedPublication PgRepository::record_publication(const Publication& publication) {
    publications_not_yet("record_publication");
}

std::optional<Publication> PgRepository::find_publication_by_request(
    std::string_view request_id) const {
    publications_not_yet("find_publication_by_request");
}

std::vector<Publication> PgRepository::publications_of(std::string_view organisation_ods) const {
    publications_not_yet("publications_of");
}

PublicPage PgRepository::search_public(std::string_view query, std::size_t offset,
                                       std::size_t limit) const {
    publications_not_yet("search_public");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
