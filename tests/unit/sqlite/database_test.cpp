#include "common/sqlite/database.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_fixture.hpp"

using dspt::test::thrown_error;

using dspt::ErrorCode;
using dspt::sqlite::Database;
using dspt::sqlite::OpenMode;
using dspt::sqlite::OpenOptions;
using dspt::sqlite::Statement;

using dspt::sqlite::test::query_int;

namespace {

using TempDir = dspt::test::TempDir;

}  // namespace

TEST_CASE("A file database opens in WAL mode with foreign keys and a busy timeout",
          "[unit][sqlite]") {
    TempDir dir;
    Database db(dir.file("store.db"));
    CHECK(db.journal_mode() == "wal");
    CHECK(query_int(db, "PRAGMA foreign_keys") == 1);
    CHECK(query_int(db, "PRAGMA synchronous") == 1);  // NORMAL
    CHECK(query_int(db, "PRAGMA busy_timeout") == 5000);
    CHECK_FALSE(db.read_only());
    CHECK(db.path() == dir.file("store.db").string());

    db.execute("CREATE TABLE t(x)");
    CHECK(std::filesystem::exists(dir.file("store.db-wal")));

    Database other(dir.file("store.db"),
                   OpenOptions{.busy_timeout = std::chrono::milliseconds(250)});
    CHECK(query_int(other, "PRAGMA busy_timeout") == 250);
    other.set_busy_timeout(std::chrono::milliseconds(75));
    CHECK(query_int(other, "PRAGMA busy_timeout") == 75);
}

TEST_CASE("An in-memory database keeps the memory journal and enforces foreign keys",
          "[unit][sqlite]") {
    Database db(":memory:");
    CHECK(db.journal_mode() == "memory");
    CHECK(query_int(db, "PRAGMA foreign_keys") == 1);
}

TEST_CASE("An SQL syntax error throws ErrorCode::database with SQLite's message",
          "[unit][sqlite]") {
    Database db(":memory:");

    auto error = thrown_error([&] { db.execute("SELEC 1"); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK_THAT(error->what(), Catch::Contains("near \"SELEC\": syntax error"));
    CHECK_THAT(error->what(), Catch::Contains("SELEC 1"));

    error = thrown_error([&] { Statement bad(db, "SELECT * FROM\n    missing_table"); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK_THAT(error->what(), Catch::Contains("no such table: missing_table"));
    CHECK_THAT(error->what(), Catch::Contains("prepare \"SELECT * FROM missing_table\""));
}

TEST_CASE("Foreign keys are enforced", "[unit][sqlite]") {
    Database db(":memory:");
    db.execute(
        "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
        "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
        "  REFERENCES parent(id));"
        "INSERT INTO parent(id) VALUES (1);");

    db.execute("INSERT INTO child(parent_id) VALUES (1)");
    const auto error = thrown_error([&] { db.execute("INSERT INTO child(parent_id) VALUES (2)"); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK_THAT(error->what(), Catch::Contains("FOREIGN KEY constraint failed"));

    CHECK_THROWS_AS(db.execute("DELETE FROM parent WHERE id = 1"), dspt::Error);
    CHECK(query_int(db, "SELECT count(*) FROM child") == 1);
}

TEST_CASE("execute runs a script, and changes and last_insert_rowid report the last write",
          "[unit][sqlite]") {
    Database db(":memory:");
    db.execute(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);\n"
        "INSERT INTO t(v) VALUES ('a'), ('b'), ('c');");
    CHECK(db.changes() == 3);
    CHECK(db.last_insert_rowid() == 3);

    db.execute("INSERT INTO t(id, v) VALUES (42, 'd')");
    CHECK(db.last_insert_rowid() == 42);
    db.execute("UPDATE t SET v = 'x' WHERE id < 3");
    CHECK(db.changes() == 2);
}

TEST_CASE("user_version is stored in the file", "[unit][sqlite]") {
    TempDir dir;
    {
        Database db(dir.file("v.db"));
        CHECK(db.user_version() == 0);
        db.set_user_version(7);
        CHECK(db.user_version() == 7);
    }
    Database reopened(dir.file("v.db"), OpenOptions{.mode = OpenMode::read_write});
    CHECK(reopened.user_version() == 7);
}

TEST_CASE("A read-only Database reads, refuses writes and needs an existing file",
          "[unit][sqlite]") {
    TempDir dir;
    {
        Database db(dir.file("ro.db"));
        db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    }
    Database ro(dir.file("ro.db"), OpenOptions{.mode = OpenMode::read_only});
    CHECK(ro.read_only());
    CHECK(ro.journal_mode() == "wal");  // the file's mode, set by the writer
    CHECK(query_int(ro, "SELECT x FROM t") == 1);
    const auto error = thrown_error([&] { ro.execute("INSERT INTO t VALUES (2)"); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK_THAT(error->what(), Catch::Contains("readonly"));

    for (const OpenMode mode : {OpenMode::read_only, OpenMode::read_write}) {
        const auto missing =
            thrown_error([&] { Database db(dir.file("missing.db"), OpenOptions{.mode = mode}); });
        REQUIRE(missing);
        CHECK(missing->code() == ErrorCode::database);
        CHECK_THAT(missing->what(), Catch::Contains("missing.db"));
    }
    CHECK_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

TEST_CASE("Opening a file that is not a database throws ErrorCode::database", "[unit][sqlite]") {
    TempDir dir;
    {
        std::ofstream out(dir.file("junk.db"), std::ios::binary);
        out << std::string(4096, 'x');
    }
    for (const OpenMode mode : {OpenMode::read_write_create, OpenMode::read_only}) {
        const auto error =
            thrown_error([&] { Database db(dir.file("junk.db"), OpenOptions{.mode = mode}); });
        REQUIRE(error);
        CHECK(error->code() == ErrorCode::database);
        CHECK_THAT(error->what(), Catch::Contains("file is not a database"));
    }
}

TEST_CASE("Database is move-only and keeps its connection when moved", "[unit][sqlite]") {
    static_assert(!std::is_copy_constructible_v<Database>);
    static_assert(!std::is_copy_assignable_v<Database>);
    static_assert(std::is_nothrow_move_constructible_v<Database>);
    static_assert(std::is_nothrow_move_assignable_v<Database>);

    Database first(":memory:");
    first.execute("CREATE TABLE t(x); INSERT INTO t VALUES (5);");
    Database second(std::move(first));
    CHECK(query_int(second, "SELECT x FROM t") == 5);

    Database third(":memory:");
    third = std::move(second);
    CHECK(query_int(third, "SELECT x FROM t") == 5);
    CHECK(third.handle() != nullptr);
}
