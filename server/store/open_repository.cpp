#include "server/store/open_repository.hpp"

#include "common/error.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/sqlite_repository.hpp"

namespace dspt::server::store {

std::unique_ptr<Repository> open_repository(const StoreLocation& location) {
    if (!location.store.empty() && !location.data_dir.empty()) {
        fail(ErrorCode::invalid_argument,
             "give either --data DIR (the embedded store) or --store postgresql://... "
             "(PostgreSQL), not both");
    }
    if (!location.store.empty()) {
        if (!is_postgresql_location(location.store)) {
            fail(ErrorCode::invalid_argument, "--store must be a postgresql:// location, not \"" +
                                                  redact_location(location.store) +
                                                  "\"; for the embedded store give --data DIR");
        }
        PgOptions options;
        options.connections = location.connections;
        return std::make_unique<PgRepository>(location.store, options);
    }
    if (location.data_dir.empty()) {
        fail(ErrorCode::invalid_argument,
             "--data DIR (the embedded store) or --store postgresql://... is required");
    }
    return std::make_unique<SqliteRepository>(location.data_dir);
}

std::string describe(const StoreLocation& location) {
    if (!location.store.empty()) {
        return "PostgreSQL " + redact_location(location.store);
    }
    return "data " + location.data_dir;
}

}  // namespace dspt::server::store
