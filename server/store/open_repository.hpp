#pragma once
// Opens the server's store from where the operator said it is: a data directory for
// the embedded SQLite store, or a postgresql:// location for PostgreSQL.

#include <cstddef>
#include <memory>
#include <string>

#include "server/store/repository.hpp"

namespace dspt::server::store {

struct StoreLocation {
    std::string data_dir;  // the embedded store's directory
    std::string store;     // "postgresql://...", or ""
    // PostgreSQL: the connections this process may hold (PgOptions::connections).
    std::size_t connections = 8;
};

// Throws invalid_argument when neither is given, or both; otherwise what the
// repository's constructor throws.
std::unique_ptr<Repository> open_repository(const StoreLocation& location);

// "PostgreSQL at host/db" or "the embedded store in DIR", without a password.
std::string describe(const StoreLocation& location);

}  // namespace dspt::server::store
