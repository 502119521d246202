#include "common/sqlite/statement_cache.hpp"

#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"

using dspt::ErrorCode;
using dspt::sqlite::Database;
using dspt::sqlite::Statement;
using dspt::sqlite::Transaction;
using dspt::sqlite::TransactionBehavior;
using dspt::test::require_error;

namespace {

std::optional<std::string> name_of(Database& db, std::int64_t id) {
    Statement find(db, "SELECT name FROM people WHERE id = ?");
    find.bind(1, id);
    if (!find.step()) {
        return std::nullopt;
    }
    return find.column_text(0);
}

Database people_db(const std::string& path = ":memory:") {
    Database db(path);
    db.execute("CREATE TABLE IF NOT EXISTS people(id INTEGER PRIMARY KEY, name TEXT)");
    return db;
}

}  // namespace

TEST_CASE("a statement made again for the same SQL reuses the compiled one", "[sqlite][cache]") {
    Database db = people_db();
    sqlite3_stmt* first = nullptr;
    {
        Statement s(db, "SELECT name FROM people WHERE id = ?");
        first = s.handle();
    }
    Statement again(db, "SELECT name FROM people WHERE id = ?");
    CHECK(again.handle() == first);
    // Two alive at once with the same text each have their own.
    Statement other(db, "SELECT name FROM people WHERE id = ?");
    CHECK(other.handle() != again.handle());
}

TEST_CASE("a reused statement starts reset, with no value bound from its last use",
          "[sqlite][cache]") {
    Database db = people_db();
    db.execute("INSERT INTO people VALUES (1, 'Asha'), (2, 'Ben')");
    {
        // Left mid-iteration with a value bound: the next user must not see either.
        Statement all(db, "SELECT name FROM people WHERE id >= ? ORDER BY id");
        all.bind(1, std::int64_t{1});
        REQUIRE(all.step());
        CHECK(all.column_text(0) == "Asha");
    }
    Statement again(db, "SELECT name FROM people WHERE id >= ? ORDER BY id");
    // Unbound, the parameter is NULL and no row compares >= NULL.
    CHECK_FALSE(again.step());
    again.reset();
    again.bind(1, std::int64_t{2});
    REQUIRE(again.step());
    CHECK(again.column_text(0) == "Ben");
    CHECK_FALSE(again.step());
}

TEST_CASE("a kept statement holds no lock: another connection can write", "[sqlite][cache]") {
    dspt::test::TempDir dir;
    const auto path = (dir.path() / "people.db").string();
    Database reader = people_db(path);
    Database writer(path);
    writer.execute("INSERT INTO people VALUES (1, 'Asha')");
    CHECK(name_of(reader, 1) == "Asha");  // the lookup is now kept, reset
    writer.set_busy_timeout(std::chrono::milliseconds(0));
    Transaction write(writer, TransactionBehavior::exclusive);
    writer.execute("UPDATE people SET name = 'Asha K' WHERE id = 1");
    write.commit();
    CHECK(name_of(reader, 1) == "Asha K");  // a new snapshot, not the old one
}

TEST_CASE("a kept statement follows a schema change made by another connection",
          "[sqlite][cache]") {
    dspt::test::TempDir dir;
    const auto path = (dir.path() / "people.db").string();
    Database db = people_db(path);
    db.execute("INSERT INTO people VALUES (1, 'Asha')");
    {
        Statement star(db, "SELECT * FROM people WHERE id = 1");
        REQUIRE(star.step());
        CHECK(star.column_count() == 2);
    }
    Database other(path);
    other.execute("ALTER TABLE people ADD COLUMN role TEXT DEFAULT 'manager'");
    {
        Statement star(db, "SELECT * FROM people WHERE id = 1");
        REQUIRE(star.step());
        CHECK(star.column_count() == 3);
        CHECK(star.column_text(2) == "manager");
    }

    // A kept statement whose table went away fails when run, as compiling it would.
    { Statement find(db, "SELECT name FROM people WHERE id = 1"); }
    other.execute("DROP TABLE people");
    Statement find(db, "SELECT name FROM people WHERE id = 1");
    require_error(ErrorCode::database, [&] { find.step(); });
}

TEST_CASE("more distinct statements than the cache keeps all still run", "[sqlite][cache]") {
    Database db = people_db();
    const std::size_t count = dspt::sqlite::detail::StatementCache::kMaxKept * 2 + 5;
    for (std::size_t round = 0; round < 2; ++round) {
        for (std::size_t i = 0; i < count; ++i) {
            Statement s(db, "SELECT " + std::to_string(i) + " + ?");
            s.bind(1, std::int64_t{1});
            REQUIRE(s.step());
            CHECK(s.column_int64(0) == static_cast<std::int64_t>(i) + 1);
        }
    }
}

TEST_CASE("a statement that outlives its database is finalized safely", "[sqlite][cache]") {
    std::optional<Database> db(people_db());
    std::optional<Statement> s;
    s.emplace(*db, "SELECT count(*) FROM people");
    REQUIRE(s->step());
    CHECK(s->column_int64(0) == 0);
    s->reset();
    db.reset();  // the connection closes once the statement is finalized
    s.reset();   // nothing to give back to: finalized, no crash (ASan build checks)
    SUCCEED();
}

TEST_CASE("execute keeps a single statement and still runs scripts", "[sqlite][cache]") {
    Database db = people_db();
    for (int i = 1; i <= 3; ++i) {
        Transaction t(db, TransactionBehavior::immediate);  // BEGIN/COMMIT kept
        db.execute("INSERT INTO people(name) VALUES ('again')");
        t.commit();
    }
    db.execute("INSERT INTO people(name) VALUES ('one'); INSERT INTO people(name) VALUES ('two');");
    Statement count(db, "SELECT count(*) FROM people");
    REQUIRE(count.step());
    CHECK(count.column_int64(0) == 5);

    // A failing kept statement reports its error each time and stays usable.
    db.execute("CREATE UNIQUE INDEX one_name ON people(name) WHERE name = 'solo'");
    db.execute("INSERT INTO people(name) VALUES ('solo')");
    require_error(ErrorCode::database,
                  [&] { db.execute("INSERT INTO people(name) VALUES ('solo')"); });
    require_error(ErrorCode::database,
                  [&] { db.execute("INSERT INTO people(name) VALUES ('solo')"); });
    db.execute("DELETE FROM people WHERE name = 'solo'");
    db.execute("INSERT INTO people(name) VALUES ('solo')");
    CHECK(name_of(db, 6) == "solo");  // rowids 1-5 above; the failed inserts took none
}
