#include "common/sqlite/statement.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "tests/support/errors.hpp"

using dspt::test::thrown_error;

using dspt::ErrorCode;
using dspt::sqlite::Blob;
using dspt::sqlite::Database;
using dspt::sqlite::ResetGuard;
using dspt::sqlite::Statement;
using namespace std::string_view_literals;
using Bytes = std::vector<unsigned char>;

namespace {

// A table whose `value` column has no type affinity, so SQLite stores each value with the
// type it was bound as.
struct ValueTable {
    Database db{":memory:"};
    ValueTable() { db.execute("CREATE TABLE v(id INTEGER PRIMARY KEY, value)"); }

    // Inserts whatever bind() does to `value`, then selects it back; the row is ready.
    template <typename T>
    Statement round_trip(const T& value) {
        Statement insert(db, "INSERT INTO v(value) VALUES (?)");
        insert.bind(1, value);
        insert.execute();
        Statement select(db, "SELECT value, typeof(value) FROM v WHERE id = ?");
        select.bind(1, db.last_insert_rowid());
        REQUIRE(select.step());
        return select;
    }
};

}  // namespace

TEST_CASE("Statement binds and reads back every value type", "[unit][sqlite]") {
    ValueTable table;

    SECTION("64-bit integers, including the extremes") {
        for (const std::int64_t n : {std::numeric_limits<std::int64_t>::min(), std::int64_t{0},
                                     std::numeric_limits<std::int64_t>::max()}) {
            auto row = table.round_trip(n);
            CHECK(row.column_text(1) == "integer");
            CHECK(row.column_int64(0) == n);
        }
    }
    SECTION("int and bool") {
        auto row = table.round_trip(-123);
        CHECK(row.column_int(0) == -123);
        CHECK(row.column_int64(0) == -123);
        CHECK(table.round_trip(true).column_int(0) == 1);
    }
    SECTION("double") {
        auto row = table.round_trip(2.5);
        CHECK(row.column_text(1) == "real");
        CHECK(row.column_double(0) == 2.5);
    }
    SECTION("text, with embedded zero bytes and as every string type") {
        const std::string_view with_zero = "a\0b\0"sv;
        auto row = table.round_trip(with_zero);
        CHECK(row.column_text(1) == "text");
        CHECK(row.column_text(0) == std::string(with_zero));
        CHECK(row.column_text(0).size() == 4);
        CHECK(table.round_trip(std::string("héllo")).column_text(0) == "héllo");
        CHECK(table.round_trip("literal").column_text(0) == "literal");
    }
    SECTION("empty text is not NULL") {
        for (const std::string_view empty : {std::string_view(), ""sv}) {
            auto row = table.round_trip(empty);
            CHECK_FALSE(row.column_is_null(0));
            CHECK(row.column_text(1) == "text");
            CHECK(row.column_text(0).empty());
        }
    }
    SECTION("blob with zero bytes, from a vector, an array and a span") {
        const Bytes bytes{0x00, 0x01, 0x00, 0xff, 0x00};
        auto row = table.round_trip(bytes);
        CHECK(row.column_text(1) == "blob");
        CHECK(row.column_blob(0) == bytes);
        const unsigned char raw[] = {0x00, 0x7f};
        CHECK(table.round_trip(Blob(raw)).column_blob(0) == Bytes{0x00, 0x7f});
    }
    SECTION("empty blob is a zero-length BLOB, not NULL") {
        auto row = table.round_trip(Bytes{});
        CHECK_FALSE(row.column_is_null(0));
        CHECK(row.column_text(1) == "blob");
        CHECK(row.column_blob(0).empty());
    }
    SECTION("NULL, and an empty optional") {
        for (const auto& row : {table.round_trip(nullptr), table.round_trip(std::optional<int>()),
                                table.round_trip(std::optional<std::string>()),
                                table.round_trip(std::optional<Bytes>())}) {
            CHECK(row.column_is_null(0));
            CHECK(row.column_text(1) == "null");
            // NULL reads as zero or empty.
            CHECK(row.column_int64(0) == 0);
            CHECK(row.column_int(0) == 0);
            CHECK(row.column_double(0) == 0.0);
            CHECK(row.column_text(0).empty());
            CHECK(row.column_blob(0).empty());
        }
    }
    SECTION("a full optional binds its value") {
        CHECK(table.round_trip(std::optional<std::int64_t>(9)).column_int64(0) == 9);
        CHECK(table.round_trip(std::optional<double>(0.25)).column_double(0) == 0.25);
        CHECK(table.round_trip(std::optional<std::string>("x")).column_text(0) == "x");
        CHECK(table.round_trip(std::optional<Bytes>(Bytes{1, 2})).column_blob(0) == Bytes{1, 2});
    }
}

TEST_CASE("Statement binds named parameters", "[unit][sqlite]") {
    Database db(":memory:");
    Statement stmt(db, "SELECT :a + @b, $c");
    CHECK(stmt.parameter_index(":a") == 1);
    stmt.bind(":a", 40);
    stmt.bind("@b", std::int64_t{2});
    stmt.bind("$c", std::string("text"));
    REQUIRE(stmt.step());
    CHECK(stmt.column_int(0) == 42);
    CHECK(stmt.column_text(1) == "text");

    const auto error = thrown_error([&] { stmt.bind(":missing", 1); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::internal);
    CHECK_THAT(error->what(), Catch::Contains(":missing"));
}

TEST_CASE("ResetGuard lets a cached statement be reused", "[unit][sqlite]") {
    Database db(":memory:");
    db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
    // Kept for the whole test, as a repository keeps its statements as members.
    Statement insert(db, "INSERT INTO t(name) VALUES (?)");
    Statement find(db, "SELECT name FROM t WHERE id >= ? ORDER BY id");

    for (const char* name : {"a", "b", "c"}) {
        ResetGuard use(insert);
        insert.bind(1, name);
        insert.execute();
    }
    CHECK(db.last_insert_rowid() == 3);

    {
        // Leave after the first of three rows, mid-query.
        ResetGuard use(find);
        find.bind(1, 1);
        REQUIRE(find.step());
        CHECK(find.column_text(0) == "a");
    }
    {
        ResetGuard use(find);
        find.bind(1, 3);
        REQUIRE(find.step());
        CHECK(find.column_text(0) == "c");
        CHECK_FALSE(find.step());
    }
    {
        // Bindings were cleared, so `id >= NULL` matches nothing.
        ResetGuard use(find);
        CHECK_FALSE(find.step());
    }
    // Also when an exception leaves the scope.
    CHECK_THROWS_AS(
        [&] {
            ResetGuard use(find);
            find.bind(1, 2);
            REQUIRE(find.step());
            throw std::runtime_error("caller failed");
        }(),
        std::runtime_error);
    ResetGuard use(find);
    find.bind(1, 2);
    REQUIRE(find.step());
    CHECK(find.column_text(0) == "b");
    CHECK(&use.statement() == &find);
}

TEST_CASE("reset keeps bindings and clear_bindings sets them to NULL", "[unit][sqlite]") {
    Database db(":memory:");
    Statement stmt(db, "SELECT ?1");
    stmt.bind(1, 7);
    REQUIRE(stmt.step());
    stmt.reset();
    REQUIRE(stmt.step());
    CHECK(stmt.column_int(0) == 7);
    CHECK(stmt.try_reset() == 0);
    stmt.clear_bindings();
    REQUIRE(stmt.step());
    CHECK(stmt.column_is_null(0));
}

TEST_CASE("A failing step throws, then the statement can be reset and reused", "[unit][sqlite]") {
    Database db(":memory:");
    db.execute("CREATE TABLE t(name TEXT UNIQUE)");
    Statement insert(db, "INSERT INTO t(name) VALUES (?)");
    insert.bind(1, "same");
    insert.execute();
    insert.reset();

    const auto error = thrown_error([&] { insert.execute(); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK_THAT(error->what(), Catch::Contains("UNIQUE constraint failed: t.name"));
    CHECK_THAT(error->what(), Catch::Contains("INSERT INTO t(name) VALUES (?)"));
    // SQLite reports the step's error again on reset; try_reset swallows it.
    CHECK(insert.try_reset() != 0);
    insert.bind(1, "other");
    insert.execute();
    CHECK(db.changes() == 1);
}

TEST_CASE("Statement misuse throws ErrorCode::internal or ErrorCode::database", "[unit][sqlite]") {
    Database db(":memory:");
    db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    Statement select(db, "SELECT x AS value FROM t");
    CHECK(select.column_count() == 1);
    CHECK(select.column_name(0) == "value");
    CHECK(select.sql() == "SELECT x AS value FROM t");

    auto code_of = [](auto&& fn) {
        const auto error = thrown_error(fn);
        return error ? error->code() : ErrorCode{};
    };
    CHECK(code_of([&] { (void)select.column_int(0); }) == ErrorCode::internal);  // no row yet
    REQUIRE(select.step());
    CHECK(code_of([&] { (void)select.column_int(1); }) == ErrorCode::internal);
    CHECK(code_of([&] { (void)select.column_text(-1); }) == ErrorCode::internal);
    CHECK(code_of([&] { (void)select.column_name(1); }) == ErrorCode::internal);
    CHECK_FALSE(select.step());
    CHECK(code_of([&] { (void)select.column_int(0); }) == ErrorCode::internal);  // done

    select.reset();
    CHECK(code_of([&] { select.execute(); }) == ErrorCode::internal);   // it returns rows
    CHECK(code_of([&] { select.bind(1, 1); }) == ErrorCode::database);  // no parameter 1

    CHECK(code_of([&] { Statement s(db, "SELECT 1; SELECT 2"); }) == ErrorCode::internal);
    CHECK(code_of([&] { Statement s(db, "SELECT 1; garbage"); }) == ErrorCode::internal);
    CHECK(code_of([&] { Statement s(db, "  "); }) == ErrorCode::internal);
    CHECK(code_of([&] { Statement s(db, "-- only a comment"); }) == ErrorCode::internal);
    // A trailing semicolon and comment are fine.
    Statement trailing(db, "SELECT 1; -- the answer\n");
    REQUIRE(trailing.step());
    CHECK(trailing.column_int(0) == 1);
}

TEST_CASE("Statement is move-only", "[unit][sqlite]") {
    static_assert(!std::is_copy_constructible_v<Statement>);
    static_assert(std::is_nothrow_move_constructible_v<Statement>);
    static_assert(std::is_nothrow_move_assignable_v<Statement>);
    static_assert(!std::is_copy_constructible_v<ResetGuard>);

    Database db(":memory:");
    Statement first(db, "SELECT 1");
    Statement second(std::move(first));
    REQUIRE(second.step());
    CHECK(second.column_int(0) == 1);
    Statement third(db, "SELECT 2");
    third = std::move(second);
    CHECK(third.sql() == "SELECT 1");
}
