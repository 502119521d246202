#include "common/sqlite/migrations.hpp"

#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_fixture.hpp"

using dspt::test::thrown_error;

using dspt::ErrorCode;
using dspt::sqlite::Database;
using dspt::sqlite::migrate;
using dspt::sqlite::Migration;
using dspt::sqlite::Statement;
using dspt::sqlite::Transaction;

using dspt::sqlite::test::query_int;

namespace {

using TempDir = dspt::test::TempDir;

bool has_table(Database& db, std::string_view name) {
    Statement stmt(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    stmt.bind(1, name);
    return stmt.step();
}

// Version 1 creates the table, version 2 seeds a row: running 2 twice would duplicate it.
std::vector<Migration> base_steps() {
    return {
        {1, "Create items",
         [](Database& db) { db.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)"); }},
        {2, "Seed the first item",
         [](Database& db) { db.execute("INSERT INTO items(name) VALUES ('first')"); }},
    };
}

}  // namespace

TEST_CASE("A migration runs once", "[unit][sqlite]") {
    TempDir dir;
    std::vector<Migration> steps = base_steps();
    {
        Database db(dir.file("m.db"));
        CHECK(migrate(db, steps) == 2);
        CHECK(db.user_version() == 2);
        CHECK_FALSE(db.in_transaction());
        CHECK(migrate(db, steps) == 0);
        CHECK(query_int(db, "SELECT count(*) FROM items") == 1);
    }
    Database reopened(dir.file("m.db"));
    CHECK(migrate(reopened, steps) == 0);
    CHECK(query_int(reopened, "SELECT count(*) FROM items") == 1);

    // A later release appends a step; only that one runs.
    int runs = 0;
    steps.push_back({3, "Add items.done", [&runs](Database& db) {
                         ++runs;
                         db.execute("ALTER TABLE items ADD COLUMN done INTEGER NOT NULL DEFAULT 0");
                     }});
    CHECK(migrate(reopened, steps) == 1);
    CHECK(migrate(reopened, steps) == 0);
    CHECK(runs == 1);
    CHECK(reopened.user_version() == 3);
    CHECK(query_int(reopened, "SELECT count(*) FROM items WHERE done = 0") == 1);
}

TEST_CASE("A failing migration step leaves the prior version and rolls back its changes",
          "[unit][sqlite]") {
    TempDir dir;
    Database db(dir.file("m.db"));
    std::vector<Migration> steps = base_steps();

    SECTION("when the step throws a dspt::Error") {
        steps.push_back({3, "Split items", [](Database& d) {
                             d.execute("CREATE TABLE extra(x)");
                             d.execute("INSERT INTO items(name) VALUES ('half done')");
                             dspt::fail(ErrorCode::corrupt, "item 7 cannot be split");
                         }});
        const auto error = thrown_error([&] { migrate(db, steps); });
        REQUIRE(error);
        CHECK(error->code() == ErrorCode::corrupt);
        CHECK_THAT(error->what(), Catch::Contains("schema migration 3 (Split items) failed"));
        CHECK_THAT(error->what(), Catch::Contains("item 7 cannot be split"));
    }
    SECTION("when the step's SQL fails") {
        steps.push_back({3, "Split items", [](Database& d) {
                             d.execute("CREATE TABLE extra(x)");
                             d.execute("INSERT INTO items(name) VALUES ('half done')");
                             d.execute("INSERT INTO no_such_table VALUES (1)");
                         }});
        const auto error = thrown_error([&] { migrate(db, steps); });
        REQUIRE(error);
        CHECK(error->code() == ErrorCode::database);
        CHECK_THAT(error->what(), Catch::Contains("no such table: no_such_table"));
    }

    // Steps 1 and 2 stayed applied; step 3 left no trace.
    CHECK(db.user_version() == 2);
    CHECK_FALSE(db.in_transaction());
    CHECK_FALSE(has_table(db, "extra"));
    CHECK(query_int(db, "SELECT count(*) FROM items") == 1);

    // Once fixed, the step applies on the next run.
    steps.back().apply = [](Database& d) { d.execute("CREATE TABLE extra(x)"); };
    CHECK(migrate(db, steps) == 1);
    CHECK(db.user_version() == 3);
    CHECK(has_table(db, "extra"));
}

TEST_CASE("A file with a newer schema than known is refused and left unchanged", "[unit][sqlite]") {
    TempDir dir;
    {
        Database newer(dir.file("m.db"));
        newer.execute("CREATE TABLE from_the_future(x)");
        newer.set_user_version(5);
    }
    Database db(dir.file("m.db"));
    int runs = 0;
    const std::vector<Migration> steps = {
        {1, "Create items", [&runs](Database&) { ++runs; }},
        {2, "Seed the first item", [&runs](Database&) { ++runs; }},
    };
    const auto error = thrown_error([&] { migrate(db, steps); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::schema_too_new);
    CHECK_THAT(error->what(), Catch::Contains("schema version 5"));
    CHECK_THAT(error->what(), Catch::Contains("up to 2"));
    CHECK(runs == 0);
    CHECK(db.user_version() == 5);
    CHECK(has_table(db, "from_the_future"));
    CHECK_FALSE(has_table(db, "items"));
}

TEST_CASE("migrate checks that steps are numbered 1, 2, 3, ...", "[unit][sqlite]") {
    Database db(":memory:");
    auto noop = [](Database&) {};

    const std::vector<std::vector<Migration>> invalid = {
        {{1, "one", noop}, {3, "three", noop}},  // a gap
        {{2, "two", noop}},                      // not starting at 1
        {{1, "one", noop}, {1, "one again", noop}},
        {{1, "one", nullptr}},  // nothing to apply
    };
    for (const auto& steps : invalid) {
        const auto error = thrown_error([&] { migrate(db, steps); });
        REQUIRE(error);
        CHECK(error->code() == ErrorCode::internal);
        CHECK(db.user_version() == 0);
    }

    CHECK(migrate(db, {}) == 0);
    CHECK(migrate(db, std::vector<Migration>{{1, "one", noop}}) == 1);
    CHECK(db.user_version() == 1);
}

TEST_CASE("migrate refuses to run inside an open transaction", "[unit][sqlite]") {
    Database db(":memory:");
    Transaction tx(db);
    const auto error = thrown_error([&] { migrate(db, base_steps()); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK(db.user_version() == 0);
}
