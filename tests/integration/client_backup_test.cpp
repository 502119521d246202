// `dspt backup FILE` and `dspt restore FILE` on the real binaries: a store backed up
// on one laptop comes back on another with its answers, only with its passphrase, never
// over a store already there without --force (which keeps the old one aside), never from
// a file that is not a store; and the restored device syncs with the real server in a
// fresh request session.

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// Whether the store file keeps a request session between runs.
bool keeps_kept_session(const std::filesystem::path& store) {
    sqlite::Database db(store);
    sqlite::Statement count(db, "SELECT count(*) FROM meta WHERE key = 'request_session'");
    REQUIRE(count.step());
    return count.column_int64(0) != 0;
}

std::string restored_answer(const ClientHome& home, const std::string& item) {
    return home.json({"show", item})["answer"]["value"].get<std::string>();
}

}  // namespace

TEST_CASE("a backed-up store is restored on another laptop only with its passphrase",
          "[integration][client_backup]") {
    ClientHome old_laptop;
    old_laptop.init();
    REQUIRE(old_laptop.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(old_laptop.run({"answer", "2.1.1", "yes"}).exit_code == 0);

    TempDir safe;
    const auto backup = safe.file("rosewood.dsptbackup");
    const auto made = old_laptop.run({"backup", backup.string()});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    CHECK(made.out.find(backup.string()) != std::string::npos);
    CHECK(made.out.find("passphrase") != std::string::npos);
    CHECK(std::filesystem::is_regular_file(backup));
    const auto backup_bytes = slurp(backup);

    SECTION("an existing backup file is replaced only with --force") {
        REQUIRE(old_laptop.run({"answer", "1.1.1", "ZB654321"}).exit_code == 0);
        const auto refused = old_laptop.run({"backup", backup.string()});
        CHECK(refused.exit_code != 0);
        CHECK(refused.err.find("--force") != std::string::npos);
        CHECK(slurp(backup) == backup_bytes);
        REQUIRE(old_laptop.run({"backup", backup.string(), "--force"}).exit_code == 0);
        ClientHome other;
        REQUIRE(other.run({"restore", backup.string()}).exit_code == 0);
        CHECK(restored_answer(other, "1.1.1") == "ZB654321");
    }

    SECTION("restored into a fresh place, the answers are there") {
        ClientHome new_laptop;
        const auto restored = new_laptop.run({"restore", backup.string()});
        INFO(restored.err);
        REQUIRE(restored.exit_code == 0);
        CHECK(restored.out.find("Rosewood Care Home") != std::string::npos);
        CHECK(restored_answer(new_laptop, "1.1.1") == "ZA123456");
        CHECK(restored_answer(new_laptop, "2.1.1") == "yes");
        CHECK(integrity_check(new_laptop.store_file()) == "ok");
        // The backup itself is left as it was.
        CHECK(slurp(backup) == backup_bytes);
    }

    SECTION("a wrong passphrase is refused and nothing is created") {
        ClientHome new_laptop;
        const auto refused = new_laptop.run({"restore", backup.string()}, "not the passphrase");
        CHECK(refused.exit_code != 0);
        CHECK(refused.err.find("passphrase") != std::string::npos);
        CHECK(refused.err.find("Nothing was changed") != std::string::npos);
        CHECK(!std::filesystem::exists(new_laptop.store_file()));
        CHECK(new_laptop.run({"status"}).exit_code != 0);
        // Nor is a folder made for it.
        const auto fresh = new_laptop.home() / "fresh";
        CHECK(ClientHome::run_at(fresh, {"restore", backup.string()}, "wrong").exit_code != 0);
        CHECK(!std::filesystem::exists(fresh));
    }

    SECTION("a file that is not a store is refused, whether SQLite or not") {
        ClientHome new_laptop;
        const auto text = new_laptop.write_file("notes.txt", "Fire drill on Tuesday\n");
        const auto refused = new_laptop.run({"restore", text.string()});
        CHECK(refused.exit_code != 0);
        CHECK(refused.err.find("is not a dspt store") != std::string::npos);
        CHECK(!std::filesystem::exists(new_laptop.store_file()));

        const auto other_db = new_laptop.home() / "contacts.db";
        {
            sqlite::Database db(other_db);
            db.execute("CREATE TABLE contacts(name TEXT)");
        }
        const auto also_refused = new_laptop.run({"restore", other_db.string()});
        CHECK(also_refused.exit_code != 0);
        CHECK(also_refused.err.find("is not a dspt store") != std::string::npos);
        CHECK(!std::filesystem::exists(new_laptop.store_file()));

        const auto missing = new_laptop.run({"restore", (safe.path() / "nope").string()});
        CHECK(missing.exit_code != 0);
        CHECK(missing.err.find("no file") != std::string::npos);
    }

    SECTION("an existing store is replaced only with --force, and kept aside") {
        ClientHome new_laptop;
        new_laptop.init();
        REQUIRE(new_laptop.run({"answer", "1.1.1", "ZC000001"}).exit_code == 0);
        const auto before = slurp(new_laptop.store_file());

        const auto refused = new_laptop.run({"restore", backup.string()});
        CHECK(refused.exit_code != 0);
        CHECK(refused.err.find("--force") != std::string::npos);
        CHECK(restored_answer(new_laptop, "1.1.1") == "ZC000001");

        // A wrong passphrase with --force replaces nothing either.
        CHECK(new_laptop.run({"restore", backup.string(), "--force"}, "wrong one").exit_code != 0);
        CHECK(restored_answer(new_laptop, "1.1.1") == "ZC000001");

        const auto replaced = new_laptop.run({"restore", backup.string(), "--force"});
        INFO(replaced.err);
        REQUIRE(replaced.exit_code == 0);
        CHECK(restored_answer(new_laptop, "1.1.1") == "ZA123456");
        // The message names where the old store went, and it is still a store.
        std::filesystem::path aside;
        for (const auto& entry : std::filesystem::directory_iterator(new_laptop.home())) {
            if (entry.path().filename().string().rfind("store.db.before-restore-", 0) == 0 &&
                entry.path().string().find("-wal") == std::string::npos &&
                entry.path().string().find("-shm") == std::string::npos) {
                aside = entry.path();
            }
        }
        REQUIRE(!aside.empty());
        CHECK(replaced.out.find(aside.string()) != std::string::npos);
        CHECK(integrity_check(aside) == "ok");
    }
}

TEST_CASE("a restored device syncs on in a fresh request session", "[integration][client_backup]") {
    ServerProcess server;
    server.register_demo();
    ClientHome old_laptop;
    enrol(old_laptop, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    ClientHome colleague;
    enrol(colleague, server,
          old_laptop.json({"invite", "--site", "VC001"})["code"].get<std::string>(),
          "Cedar House office");
    REQUIRE(old_laptop.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    CHECK(old_laptop.json({"sync"})["pushed"] == 1);
    // Not sent before the backup: the restored copy sends it.
    REQUIRE(old_laptop.run({"answer", "2.1.1", "yes"}).exit_code == 0);
    REQUIRE(keeps_kept_session(old_laptop.store_file()));

    TempDir safe;
    const auto backup = safe.file("cedar.dsptbackup");
    REQUIRE(old_laptop.run({"backup", backup.string()}).exit_code == 0);

    ClientHome new_laptop;
    const auto restored = new_laptop.run({"restore", backup.string()});
    INFO(restored.err);
    REQUIRE(restored.exit_code == 0);
    CHECK(restored.out.find("dspt sync") != std::string::npos);
    // The copy's session, whose counters the old laptop may have used since, is gone.
    CHECK(!keeps_kept_session(new_laptop.store_file()));
    CHECK(keeps_kept_session(backup));

    CHECK(new_laptop.json({"sync"})["pushed"] == 1);
    REQUIRE(new_laptop.run({"answer", "1.1.6", "yes"}).exit_code == 0);
    CHECK(new_laptop.json({"sync"})["pushed"] == 1);
    CHECK(keeps_kept_session(new_laptop.store_file()));

    colleague.json({"sync"});
    CHECK(restored_answer(colleague, "1.1.1") == "ZA123456");
    CHECK(restored_answer(colleague, "2.1.1") == "yes");
    CHECK(restored_answer(colleague, "1.1.6") == "yes");
}
