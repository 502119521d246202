#include "tests/support/test_store.hpp"

#include <cstdlib>
#include <libpq-fe.h>
#include <random>
#include <stdexcept>

namespace dspt::test {

namespace {

void run(const std::string& base, const std::string& sql) {
    PGconn* conn = PQconnectdb(base.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("cannot reach the test PostgreSQL at " + base + ": " + message);
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string message = PQerrorMessage(conn);
    PQclear(result);
    PQfinish(conn);
    if (!ok) {
        throw std::runtime_error("test PostgreSQL refused \"" + sql + "\": " + message);
    }
}

std::string random_schema() {
    std::random_device device;
    std::uniform_int_distribution<unsigned long long> pick;
    char name[32];
    std::snprintf(name, sizeof name, "t_%016llx", pick(device));
    return name;
}

}  // namespace

std::string postgres_location() {
    const char* value = std::getenv("DSPT_TEST_POSTGRES");
    return value == nullptr ? std::string() : std::string(value);
}

TestStore::TestStore() {
    const std::string base = postgres_location();
    if (base.empty()) {
        return;
    }
    schema_ = random_schema();
    run(base, "CREATE SCHEMA " + schema_);
    location_ = base + (base.find('?') == std::string::npos ? "?" : "&") +
                "options=-csearch_path%3D" + schema_;
}

TestStore::~TestStore() {
    if (schema_.empty()) {
        return;
    }
    try {
        run(postgres_location(), "DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception&) {
        // The cluster is thrown away at the end of the run anyway.
    }
}

}  // namespace dspt::test
