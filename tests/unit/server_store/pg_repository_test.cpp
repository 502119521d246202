// What PgRepository does beyond the contract every store keeps: its location, its
// schema's version, migrations run once by processes that start together, and
// connections the database closed. The cases tagged [server_store_pg] run only in
// the PostgreSQL run (unit.server_store.postgresql).

#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "server/store/pg_connection.hpp"
#include "store_fixture.hpp"

namespace dspt::server::store::test {

namespace {

// A location for the same schema, under an application name no other test uses.
std::string tagged(const std::string& location, const std::string& name) {
    return location + "&application_name=" + name;
}

std::int64_t count_of(const std::string& location, const std::string& sql) {
    pg::Connection connection(location);
    return connection.run(sql).int64(0, 0);
}

}  // namespace

TEST_CASE("a store location names PostgreSQL and hides its password", "[unit][server_store]") {
    CHECK(is_postgresql_location("postgresql://dspt@db/dspt"));
    CHECK(is_postgresql_location("postgres:///dspt?host=/run/postgresql"));
    CHECK_FALSE(is_postgresql_location("/var/lib/dspt"));
    CHECK_FALSE(is_postgresql_location("mysql://db/dspt"));

    CHECK(redact_location("postgresql://dspt:s3cret@db:5432/dspt") ==
          "postgresql://dspt:***@db:5432/dspt");
    CHECK(redact_location("postgresql://db/dspt?sslmode=require&password=s3cret&x=1") ==
          "postgresql://db/dspt?sslmode=require&password=***&x=1");
    CHECK(redact_location("postgresql://dspt@db/dspt") == "postgresql://dspt@db/dspt");
}

TEST_CASE("a PostgreSQL store written by a newer dsptsync is refused and left as it is",
          "[unit][server_store_pg]") {
    dspt::test::TestStore store;
    { const PgRepository repository(store.location()); }
    {
        pg::Connection connection(store.location());
        connection.run(
            "INSERT INTO dspt_schema (version, summary, applied_at) "
            "VALUES ($1, 'from the future', now())",
            pg::Params().int64(kPgSchemaVersion + 1));
    }
    const auto message = require_error(ErrorCode::schema_too_new,
                                       [&] { const PgRepository repository(store.location()); });
    CHECK_THAT(message, Catch::Contains(std::to_string(kPgSchemaVersion + 1)));
    CHECK(count_of(store.location(), "SELECT max(version)::bigint FROM dspt_schema") ==
          kPgSchemaVersion + 1);
}

TEST_CASE("servers that start together on a new database migrate it once",
          "[unit][server_store_pg]") {
    dspt::test::TestStore store;
    constexpr int kServers = 4;
    std::vector<std::string> failures(kServers);
    {
        std::vector<std::jthread> starting;
        for (int i = 0; i < kServers; ++i) {
            starting.emplace_back([&, i] {
                try {
                    const PgRepository repository(store.location());
                } catch (const std::exception& e) {
                    failures[i] = e.what();
                }
            });
        }
    }
    for (const auto& failure : failures) {
        CHECK(failure.empty());
    }
    CHECK(count_of(store.location(), "SELECT count(*) FROM dspt_schema") == kPgSchemaVersion);
}

TEST_CASE("a connection the database closed is replaced without failing a call",
          "[unit][server_store_pg]") {
    dspt::test::TestStore store;
    const std::string name = "closed_" + store.schema();
    PgOptions options;
    options.connections = 2;
    PgRepository repository(tagged(store.location(), name), options);
    repository.create_organisation(StoreFixture::organisation("AB12", "Rose Care Group", true));

    // The database ends every session of this repository, as a restart or an
    // administrator would.
    CHECK(count_of(store.location(),
                   "SELECT count(pg_terminate_backend(pid)) "
                   "FROM pg_stat_activity WHERE application_name = '" +
                       name + "'") >= 1);

    CHECK(repository.list_organisations().size() == 1);
    repository.create_organisation(StoreFixture::organisation("VC9D8", "Oak Homecare", false));
    CHECK(repository.list_organisations().size() == 2);
}

TEST_CASE(
    "a PostgreSQL server that cannot be reached is named in the error, without its "
    "password",
    "[unit][server_store_pg]") {
    // A socket directory where no server listens: refused at once, nothing leaves
    // the machine.
    dspt::test::TempDir nowhere;
    const std::string location =
        "postgresql://dspt:s3cret@/postgres?host=" + nowhere.path().string();
    const auto message =
        require_error(ErrorCode::database, [&] { const PgRepository repository(location); });
    CHECK_THAT(message, Catch::Contains("cannot connect to PostgreSQL at"));
    CHECK_THAT(message, !Catch::Contains("s3cret"));
}

}  // namespace dspt::server::store::test
