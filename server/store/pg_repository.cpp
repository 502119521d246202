// PgRepository: connecting, the pool and the schema. The operations live in
// pg_registry.cpp, pg_partners.cpp, pg_devices.cpp, pg_sync.cpp, pg_blobs.cpp,
// pg_publications.cpp, pg_sync_health.cpp, pg_packs.cpp and pg_web_sessions.cpp.

#include "server/store/pg_repository.hpp"

#include <regex>

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_schema.hpp"

namespace dspt::server::store {

namespace {

constexpr std::size_t kMaxConnections = 256;

}  // namespace

bool is_postgresql_location(std::string_view location) noexcept {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string redact_location(std::string_view location) {
    std::string text(location);
    // postgresql://user:secret@host -> postgresql://user:***@host
    static const std::regex in_authority(R"(^(postgres(?:ql)?://[^:/@?]*:)[^@/?]*@)");
    text = std::regex_replace(text, in_authority, "$1***@");
    // ?password=secret&... -> ?password=***&...
    static const std::regex in_query(R"(([?&]password=)[^&]*)");
    return std::regex_replace(text, in_query, "$1***");
}

PgRepository::PgRepository(const std::string& location, PgOptions options) {
    if (options.connections == 0 || options.connections > kMaxConnections) {
        fail(ErrorCode::invalid_argument,
             "a PostgreSQL store needs 1 to " + std::to_string(kMaxConnections) +
                 " connections, not " + std::to_string(options.connections));
    }
    pool_ = std::make_unique<pg::Pool>(location, options.connections, options.pool_wait);
    auto connection = pool_->acquire();
    migrate_pg_store(*connection);
}

PgRepository::~PgRepository() = default;

}  // namespace dspt::server::store
