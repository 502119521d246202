#include "common/sqlite/transaction.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/temp_dir.hpp"

using dspt::test::thrown_error;

using dspt::ErrorCode;
using dspt::sqlite::Database;
using dspt::sqlite::OpenOptions;
using dspt::sqlite::Statement;
using dspt::sqlite::Transaction;
using dspt::sqlite::TransactionBehavior;

namespace {

using TempDir = dspt::test::TempDir;

std::int64_t count_rows(Database& db) {
    Statement stmt(db, "SELECT count(*) FROM t");
    REQUIRE(stmt.step());
    return stmt.column_int64(0);
}

// A file database with an empty table t(x), in its own temporary directory.
struct FileFixture {
    TempDir dir;
    Database db{dir.file("tx.db")};
    FileFixture() { db.execute("CREATE TABLE t(x)"); }

    // A second connection to the same file that gives up on a lock quickly.
    Database open_second() const {
        return Database(dir.file("tx.db"),
                        OpenOptions{.busy_timeout = std::chrono::milliseconds(50)});
    }
};

}  // namespace

TEST_CASE("Transaction rolls back on scope exit without commit", "[unit][sqlite]") {
    FileFixture f;
    {
        Transaction tx(f.db);
        f.db.execute("INSERT INTO t VALUES (1)");
        CHECK(f.db.in_transaction());
        CHECK(count_rows(f.db) == 1);
    }
    CHECK_FALSE(f.db.in_transaction());
    CHECK(count_rows(f.db) == 0);
}

TEST_CASE("Transaction rolls back when an exception unwinds", "[unit][sqlite]") {
    FileFixture f;
    CHECK_THROWS_AS(
        [&] {
            Transaction tx(f.db, TransactionBehavior::immediate);
            f.db.execute("INSERT INTO t VALUES (1)");
            throw std::runtime_error("failed half way");
        }(),
        std::runtime_error);
    CHECK_FALSE(f.db.in_transaction());
    CHECK(count_rows(f.db) == 0);
}

TEST_CASE("Transaction commit persists", "[unit][sqlite]") {
    FileFixture f;
    const auto behavior = GENERATE(TransactionBehavior::deferred, TransactionBehavior::immediate,
                                   TransactionBehavior::exclusive);
    {
        Transaction tx(f.db, behavior);
        f.db.execute("INSERT INTO t VALUES (1)");
        f.db.execute("INSERT INTO t VALUES (2)");
        CHECK(tx.active());
        tx.commit();
        CHECK_FALSE(tx.active());
    }
    CHECK(count_rows(f.db) == 2);
    Database other = f.open_second();
    CHECK(count_rows(other) == 2);
}

TEST_CASE("An IMMEDIATE transaction blocks a second connection's write", "[unit][sqlite]") {
    FileFixture f;
    Database other = f.open_second();
    {
        Transaction tx(f.db, TransactionBehavior::immediate);
        f.db.execute("INSERT INTO t VALUES (1)");

        const auto start = std::chrono::steady_clock::now();
        auto error = thrown_error([&] { other.execute("INSERT INTO t VALUES (2)"); });
        REQUIRE(error);
        CHECK(error->code() == ErrorCode::database_busy);
        CHECK_THAT(error->what(), Catch::Contains("database is locked"));
        // The second connection waited for its busy timeout before giving up.
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(40));

        error = thrown_error([&] { Transaction blocked(other, TransactionBehavior::immediate); });
        REQUIRE(error);
        CHECK(error->code() == ErrorCode::database_busy);
        CHECK_FALSE(other.in_transaction());

        // WAL: the reader still proceeds, and sees only committed data.
        CHECK(count_rows(other) == 0);
        tx.commit();
    }
    other.execute("INSERT INTO t VALUES (2)");
    CHECK(count_rows(f.db) == 2);
}

TEST_CASE("The Transaction destructor never throws, even when SQLite ended the transaction",
          "[unit][sqlite]") {
    static_assert(std::is_nothrow_destructible_v<Transaction>);
    static_assert(!std::is_copy_constructible_v<Transaction>);
    static_assert(!std::is_move_constructible_v<Transaction>);
    Database db(":memory:");
    db.execute("CREATE TABLE t(x)");

    // Ended behind the Transaction's back: the destructor must neither throw nor issue
    // a second ROLLBACK.
    CHECK_NOTHROW([&] {
        Transaction tx(db);
        db.execute("INSERT INTO t VALUES (1)");
        db.execute("ROLLBACK");
    }());
    CHECK_FALSE(db.in_transaction());
    CHECK(count_rows(db) == 0);

    // Ending it explicitly leaves nothing for the destructor either.
    {
        Transaction tx(db);
        db.execute("INSERT INTO t VALUES (1)");
        tx.rollback();
        CHECK_FALSE(tx.active());
        CHECK_FALSE(db.in_transaction());
        const auto again = thrown_error([&] { tx.commit(); });
        REQUIRE(again);
        CHECK(again->code() == ErrorCode::internal);
    }
    CHECK(count_rows(db) == 0);

    Transaction next(db);
    db.execute("INSERT INTO t VALUES (2)");
    next.commit();
    CHECK(count_rows(db) == 1);
}

TEST_CASE("Transactions do not nest", "[unit][sqlite]") {
    Database db(":memory:");
    db.execute("CREATE TABLE t(x)");
    Transaction outer(db);
    db.execute("INSERT INTO t VALUES (1)");
    const auto error = thrown_error([&] { Transaction inner(db); });
    REQUIRE(error);
    CHECK(error->code() == ErrorCode::database);
    CHECK_THAT(error->what(), Catch::Contains("within a transaction"));
    // The failed inner BEGIN left the outer transaction intact.
    CHECK(db.in_transaction());
    outer.commit();
    CHECK(count_rows(db) == 1);
}
