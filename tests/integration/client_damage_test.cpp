// What the client does with a wrong passphrase, a tampered or newer store, and
// a process killed in the middle of adding a large file.

#include <chrono>
#include <signal.h>
#include <thread>

#include <catch2/catch.hpp>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/integration/client_fixture.hpp"

using namespace dspt::test;

namespace {

// Flips one byte in the middle of a sealed column of one row.
void flip_byte(const std::filesystem::path& store, const std::string& sql_select,
               const std::string& sql_update) {
    dspt::sqlite::Database db(store);
    dspt::sqlite::Statement select(db, sql_select);
    REQUIRE(select.step());
    auto blob = select.column_blob(0);
    REQUIRE(blob.size() > 30);
    blob[blob.size() / 2] ^= 0x01;
    dspt::sqlite::Statement update(db, sql_update);
    update.bind(1, dspt::sqlite::Blob(blob));
    update.execute();
    REQUIRE(db.changes() == 1);
}

}  // namespace

TEST_CASE("a wrong passphrase says so and changes nothing", "[integration][client_damage]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    const auto before = slurp(home.store_file());

    for (const auto& args : std::vector<std::vector<std::string>>{
             {"status"}, {"answer", "2.1.1", "yes"}, {"passphrase", "change"}}) {
        const auto result = home.run(args, "not the passphrase");
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.err, Catch::Contains("wrong passphrase"));
    }
    CHECK(slurp(home.store_file()) == before);
}

TEST_CASE("the passphrase can come from a file, and can be changed",
          "[integration][client_damage]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);

    const auto file = home.home() / "passphrase.txt";
    {
        std::ofstream out(file);
        out << ClientHome::kPassphrase << "\n";
    }
    dspt::test::ProcessOptions options;
    options.unset_env = {"DSPT_PASSPHRASE", "DSPT_HOME"};
    auto from_file = run_process(
        DSPT_CLIENT_BIN,
        {"--home", home.home().string(), "--passphrase-file", file.string(), "show", "1.1.1"},
        options);
    CHECK(from_file.exit_code == 0);
    CHECK_THAT(from_file.out, Catch::Contains("ZA123456"));

    // No passphrase at all, and no terminal to ask on: a clear error.
    auto none = run_process(DSPT_CLIENT_BIN, {"--home", home.home().string(), "status"}, options);
    CHECK(none.exit_code == 2);
    CHECK_THAT(none.err, Catch::Contains("DSPT_PASSPHRASE"));

    options.env["DSPT_PASSPHRASE"] = ClientHome::kPassphrase;
    options.env["DSPT_NEW_PASSPHRASE"] = "a new and longer passphrase";
    const auto change = run_process(
        DSPT_CLIENT_BIN, {"--home", home.home().string(), "passphrase", "change"}, options);
    REQUIRE(change.exit_code == 0);
    CHECK(home.run({"status"}).exit_code == 2);  // the old passphrase
    const auto with_new = home.run({"show", "1.1.1"}, "a new and longer passphrase");
    CHECK(with_new.exit_code == 0);
    CHECK_THAT(with_new.out, Catch::Contains("ZA123456"));
}

TEST_CASE("nothing sensitive is readable in the store file", "[integration][client_damage]") {
    ClientHome home;
    home.init();
    REQUIRE(
        home.run({"answer", "1.1.1", "ICO-NUMBER-4471", "--comment", "COMMENT-MARKER"}).exit_code ==
        0);
    REQUIRE(home.run({"plan", "set", "3.2.1", "--action", "ACTION-MARKER", "--owner",
                      "OWNER-MARKER", "--due", "2026-01-01"})
                .exit_code == 0);
    const auto file = home.make_file("NAME-MARKER.pdf", 100000, "CONTENT-MARKER");
    REQUIRE(home.run({"evidence", "add", "1.1.3", file.string()}).exit_code == 0);

    std::string raw = slurp(home.store_file());
    const auto wal = home.store_file().string() + "-wal";
    if (std::filesystem::exists(wal)) {
        raw += slurp(wal);
    }
    for (const char* marker : {"ICO-NUMBER-4471", "COMMENT-MARKER", "ACTION-MARKER", "OWNER-MARKER",
                               "NAME-MARKER", "CONTENT-MARKER"}) {
        INFO(marker);
        CHECK(raw.find(marker) == std::string::npos);
    }
}

TEST_CASE("a tampered answer names its item and leaves the others readable",
          "[integration][client_damage]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(home.run({"answer", "2.1.1", "yes"}).exit_code == 0);

    flip_byte(home.store_file(), "SELECT value FROM answers WHERE item_id = '1.1.1'",
              "UPDATE answers SET value = ?1 WHERE item_id = '1.1.1'");

    const auto show = home.run({"show", "1.1.1"});
    CHECK(show.exit_code == 3);
    CHECK_THAT(show.err, Catch::Contains("item 1.1.1") && Catch::Contains("integrity"));

    const auto status = home.run({"status"});
    CHECK(status.exit_code == 3);
    CHECK_THAT(status.err, Catch::Contains("item 1.1.1"));

    const auto other = home.run({"show", "2.1.1"});
    CHECK(other.exit_code == 0);
    CHECK_THAT(other.out, Catch::Contains("yes"));

    // Re-answering the damaged item replaces it.
    REQUIRE(home.run({"answer", "1.1.1", "--clear"}).exit_code == 0);
    CHECK(home.run({"status"}).exit_code == 0);
}

TEST_CASE("a tampered evidence chunk is refused, not returned", "[integration][client_damage]") {
    ClientHome home;
    home.init();
    const auto file = home.make_file("register.xlsx", 2 * 1024 * 1024 + 5);
    REQUIRE(home.run({"evidence", "add", "1.1.2", file.string()}).exit_code == 0);
    const auto id = home.json({"evidence", "list"})[0]["id"].get<std::string>();

    flip_byte(home.store_file(),
              "SELECT data FROM evidence_chunks WHERE evidence_id = '" + id + "' AND idx = 1",
              "UPDATE evidence_chunks SET data = ?1 WHERE evidence_id = '" + id + "' AND idx = 1");
    const auto out = home.home() / "out.xlsx";
    const auto get = home.run({"evidence", "get", id, out.string()});
    CHECK(get.exit_code == 3);
    CHECK_THAT(get.err, Catch::Contains("chunk 1") && Catch::Contains("register.xlsx"));
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("a store written by a newer dspt is refused", "[integration][client_damage]") {
    ClientHome home;
    home.init();
    {
        dspt::sqlite::Database db(home.store_file());
        db.set_user_version(999);
    }
    const auto result = home.run({"status"});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("newer"));
}

TEST_CASE("kill -9 during evidence add leaves the store consistent",
          "[integration][client_damage]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    const auto big = home.make_file("recording.bin", 96 * 1024 * 1024);

    dspt::test::ProcessOptions options;
    options.env["DSPT_PASSPHRASE"] = ClientHome::kPassphrase;
    options.unset_env = {"DSPT_HOME"};
    dspt::test::BackgroundProcess add(
        DSPT_CLIENT_BIN, {"--home", home.home().string(), "evidence", "add", "1.1.2", big.string()},
        options);

    // Wait until the write-ahead log shows the add under way, then kill it.
    const auto wal = std::filesystem::path(home.store_file().string() + "-wal");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool under_way = false;
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code ec;
        if (std::filesystem::file_size(wal, ec) > 8 * 1024 * 1024 && !ec) {
            under_way = true;
            break;
        }
        if (add.wait(std::chrono::milliseconds(0)) >= 0) {
            break;  // it finished first: the REQUIRE below reports that
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    add.signal(SIGKILL);
    add.wait(std::chrono::seconds(10));
    // The point of the test is a kill in the middle of the add.
    REQUIRE(under_way);

    CHECK(integrity_check(home.store_file()) == "ok");
    const auto files = home.json({"evidence", "list"});
    const auto pending = home.json({"status"})["pending_changes"].get<int>();
    if (files.empty()) {
        CHECK(pending == 1);  // only the answer
    } else {
        REQUIRE(files.size() == 1);
        CHECK(pending == 2);
        const auto out = home.home() / "out.bin";
        REQUIRE(home.run({"evidence", "get", files[0]["id"], out.string()}).exit_code == 0);
        CHECK(std::filesystem::file_size(out) == std::filesystem::file_size(big));
    }
    // The store goes on working.
    const auto small = home.make_file("small.pdf", 1000);
    CHECK(home.run({"evidence", "add", "1.1.2", small.string()}).exit_code == 0);
    CHECK(home.json({"show", "1.1.1"})["answer"]["value"] == "ZA123456");
}
