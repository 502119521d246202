#include "common/sqlite/page_cache.hpp"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_fixture.hpp"

using dspt::sqlite::Database;
using dspt::sqlite::OpenMode;
using dspt::sqlite::Statement;
using dspt::sqlite::Transaction;
using dspt::sqlite::TransactionBehavior;
using dspt::sqlite::test::query_int;

namespace {

// Rows wide enough that a few hundred of them split b-tree pages, in key order
// spread over the index so that splits happen in its middle.
void insert_rows(Database& db, int first, int count, const std::string& filler) {
    Statement insert(db, "INSERT INTO wide (k, v) VALUES (?1, ?2)");
    for (int i = first; i < first + count; ++i) {
        insert.reset();
        insert.bind(1, static_cast<std::int64_t>(i) * 7919 % 100'003);
        insert.bind(2, filler + std::to_string(i));
        insert.execute();
    }
}

std::string text_of(Database& db, std::string_view sql) {
    Statement select(db, sql);
    REQUIRE(select.step());
    return select.column_text(0);
}

}  // namespace

TEST_CASE("The page cache layer keeps commits cheap and rolled-back pages out of the file",
          "[unit][sqlite]") {
    dspt::test::TempDir dir;
    Database db(dir.file("cache.db"));
    REQUIRE(dspt::sqlite::install_page_cache());
    db.execute("PRAGMA cache_size=4096");
    db.execute("CREATE TABLE wide (k INTEGER NOT NULL, v TEXT NOT NULL)");
    db.execute("CREATE INDEX wide_by_value ON wide(v, k)");
    const std::string filler(300, 'x');

    const auto before = dspt::sqlite::page_cache_counts();
    for (int round = 0; round < 40; ++round) {
        Transaction commit(db, TransactionBehavior::immediate);
        insert_rows(db, round * 100, 100, filler);
        commit.commit();
        // A transaction that grows the file and is rolled back: its pages must not
        // be found again when the file grows past them with other rows.
        Transaction rolled_back(db, TransactionBehavior::immediate);
        insert_rows(db, 1'000'000 + round * 300, 300, std::string(500, 'r'));
        rolled_back.rollback();
    }
    // A savepoint rolled back inside a transaction that commits.
    {
        Transaction commit(db, TransactionBehavior::immediate);
        db.execute("SAVEPOINT batch");
        insert_rows(db, 2'000'000, 500, std::string(400, 's'));
        db.execute("ROLLBACK TO batch");
        db.execute("RELEASE batch");
        insert_rows(db, 4'000, 50, filler);
        commit.commit();
    }
    const auto after = dspt::sqlite::page_cache_counts();

    // Most commits and rollbacks found no page past the end (a rollback discards the
    // pages it wrote one by one) and skipped the walk of the cache.
    CHECK(after.truncations_skipped - before.truncations_skipped >= 60);

    CHECK(text_of(db, "PRAGMA integrity_check") == "ok");
    CHECK(query_int(db, "SELECT COUNT(*) FROM wide") == 4'050);
    CHECK(query_int(db, "SELECT COUNT(*) FROM wide WHERE v LIKE 'r%' OR v LIKE 's%'") == 0);

    // Another connection, whose cache is emptied when the file changes, reads the
    // same rows.
    Database reader(dir.file("cache.db"), {OpenMode::read_only});
    CHECK(query_int(reader, "SELECT COUNT(*) FROM wide") == 4'050);
    insert_rows(db, 5'000, 10, filler);
    const auto passed = dspt::sqlite::page_cache_counts().truncations_passed;
    CHECK(query_int(reader, "SELECT COUNT(*) FROM wide") == 4'060);
    CHECK(dspt::sqlite::page_cache_counts().truncations_passed > passed);
    CHECK(text_of(reader, "PRAGMA integrity_check") == "ok");
}

TEST_CASE("The page cache layer drops every page at or past a truncation's limit",
          "[unit][sqlite]") {
    dspt::test::TempDir dir;
    Database db(dir.file("any.db"));  // SQLite and the layer are initialised
    const auto* methods = dspt::sqlite::page_cache_methods();
    REQUIRE(methods != nullptr);
    auto* cache = methods->xCreate(4096, 64, 1);
    REQUIRE(cache != nullptr);
    methods->xCachesize(cache, 100);
    const auto held = [&](unsigned key) { return methods->xFetch(cache, key, 0) != nullptr; };
    const auto fetch = [&](unsigned first, unsigned last) {
        for (unsigned key = first; key <= last; ++key) {
            auto* page = methods->xFetch(cache, key, 2);
            REQUIRE(page != nullptr);
            methods->xUnpin(cache, page, 0);
        }
    };

    fetch(1, 10);
    methods->xTruncate(cache, 11);  // the first truncation is always passed on
    CHECK(held(10));

    // A page renumbered far past the end, as a b-tree split does, then back.
    auto* moved = methods->xFetch(cache, 5, 0);
    REQUIRE(moved != nullptr);
    methods->xRekey(cache, moved, 5, 262'145);
    methods->xRekey(cache, moved, 262'145, 5);
    methods->xUnpin(cache, moved, 0);
    fetch(11, 20);
    auto counts = dspt::sqlite::page_cache_counts();
    methods->xTruncate(cache, 21);  // nothing at or past 21: skipped
    CHECK(dspt::sqlite::page_cache_counts().truncations_skipped == counts.truncations_skipped + 1);
    CHECK(held(5));
    CHECK(held(20));

    // A page left past the end: the truncation is passed on and drops it.
    auto* left = methods->xFetch(cache, 7, 0);
    REQUIRE(left != nullptr);
    methods->xRekey(cache, left, 7, 262'145);
    methods->xUnpin(cache, left, 0);
    counts = dspt::sqlite::page_cache_counts();
    methods->xTruncate(cache, 21);
    CHECK(dspt::sqlite::page_cache_counts().truncations_passed == counts.truncations_passed + 1);
    CHECK_FALSE(held(262'145));
    CHECK(held(20));

    // Pages added past the end, then a limit below them.
    fetch(21, 30);
    methods->xTruncate(cache, 25);
    CHECK(held(24));
    CHECK_FALSE(held(25));
    CHECK_FALSE(held(30));

    // A limit below the last one: pages under the old limit go too.
    methods->xTruncate(cache, 15);
    CHECK(held(14));
    CHECK_FALSE(held(15));
    CHECK_FALSE(held(24));

    // Emptied, then filled again.
    methods->xTruncate(cache, 1);
    CHECK_FALSE(held(1));
    fetch(1, 3);
    CHECK(held(3));
    methods->xDestroy(cache);
}
