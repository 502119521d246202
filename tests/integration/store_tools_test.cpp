// The operator's store tools on the real binaries: `admin backup` copies the embedded
// store while the server runs and the copy serves again once restored; `migrate` moves
// the service to PostgreSQL, where a new device pulls back every answer and evidence
// file, and refuses a PostgreSQL store that already holds data.
//
// The migrate cases ([store_tools_pg]) need the test cluster: ctest runs them only in
// integration.store_tools.postgresql, and they fail, rather than pass, without it.

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

constexpr const char* kItem = "1.1.2";

// Acorn Homecare on the embedded store: headquarters, and a Leeds device that has
// answered, added an evidence file and synced, and invited a second Leeds device that
// has not enrolled yet.
struct EmbeddedService {
    ServerProcess server{ServerProcess::Store{""}};
    ClientHome hq;
    ClientHome leeds;
    std::filesystem::path file;
    std::string evidence_id;
    std::string second_device_code;

    EmbeddedService() {
        server.register_demo();
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(leeds, server, invite(hq), "Acorn Leeds");
        REQUIRE(leeds.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
        REQUIRE(leeds.run({"answer", "2.1.1", "yes"}).exit_code == 0);
        file = leeds.make_file("fire-policy.pdf", 2 * 1024 * 1024 + 4321, "FIRE");
        const auto added = leeds.run({"evidence", "add", kItem, file.string()});
        INFO(added.err);
        REQUIRE(added.exit_code == 0);
        evidence_id = leeds.json({"evidence", "list"}).back()["id"].get<std::string>();
        const auto sent = leeds.json({"sync"});
        REQUIRE(sent["files_uploaded"] == 1);
        REQUIRE(leeds.json({"status"})["pending_changes"] == 0);
        second_device_code = invite(leeds);
    }

    static std::string invite(const ClientHome& from) {
        return from.json({"invite", "--site", "VA001"})["code"].get<std::string>();
    }

    // A new Leeds device enrolled on `at` with the invitation made before: it pulls
    // the answers and the evidence file, byte for byte.
    void second_device_pulls_everything(const ServerProcess& at) const {
        ClientHome second;
        enrol(second, at, second_device_code, "Acorn Leeds");
        const auto pulled = second.json({"sync"});
        CHECK(pulled["files_downloaded"] == 1);
        CHECK(second.json({"show", "1.1.1"})["answer"]["value"] ==
              leeds.json({"show", "1.1.1"})["answer"]["value"]);
        CHECK(second.json({"show", "2.1.1"})["answer"] == leeds.json({"show", "2.1.1"})["answer"]);
        const auto out = second.home() / "copy.pdf";
        const auto got = second.run({"evidence", "get", evidence_id, out.string()});
        INFO(got.err);
        REQUIRE(got.exit_code == 0);
        CHECK(same_content(out, file));
    }
};

ProcessResult server_command(const std::vector<std::string>& args) {
    return run_process(DSPT_SERVER_BIN, args);
}

}  // namespace

TEST_CASE("admin backup copies the running embedded store, and the copy serves once restored",
          "[integration][store_tools]") {
    EmbeddedService service;
    TempDir backups;
    const auto out = backups.path() / "acorn.db";

    // The server runs meanwhile, and answers a device right after.
    const auto made = service.server.admin({"backup", out.string()});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    CHECK_THAT(made.out, Catch::Contains("Backed up"));
    CHECK(service.leeds.run({"sync"}).exit_code == 0);
    struct stat info {};
    REQUIRE(::stat(out.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(integrity_check(out) == "ok");

    // Never over an existing file.
    const auto size = std::filesystem::file_size(out);
    const auto again = service.server.admin({"backup", out.string()});
    CHECK(again.exit_code != 0);
    CHECK_THAT(again.err, Catch::Contains("exists"));
    CHECK(std::filesystem::file_size(out) == size);
    CHECK(integrity_check(out) == "ok");

    // Restored into a new data directory, it serves a new device everything.
    service.server.stop();
    ServerProcess restored{ServerProcess::Store{""}};
    restored.stop();
    std::filesystem::remove(restored.database());
    std::filesystem::remove(restored.database().string() + "-wal");
    std::filesystem::remove(restored.database().string() + "-shm");
    std::filesystem::copy_file(out, restored.database());
    restored.restart();
    service.second_device_pulls_everything(restored);
}

TEST_CASE("admin backup refuses the PostgreSQL store and a missing embedded store",
          "[integration][store_tools]") {
    TempDir empty;
    const auto out = empty.path() / "copy.db";
    const auto missing = server_command(
        {"admin", "--data", (empty.path() / "none").string(), "backup", out.string()});
    CHECK(missing.exit_code != 0);
    CHECK_THAT(missing.err, Catch::Contains("no database"));
    CHECK_FALSE(std::filesystem::exists(out));
    const auto postgres = server_command(
        {"admin", "--store", "postgresql://nobody@127.0.0.1:1/none", "backup", out.string()});
    CHECK(postgres.exit_code != 0);
    CHECK_THAT(postgres.err, Catch::Contains("embedded store"));
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("migrate moves the embedded store to PostgreSQL, where a new device pulls everything",
          "[integration][store_tools_pg]") {
    INFO("these cases need PostgreSQL: run them as ctest's integration.store_tools.postgresql");
    REQUIRE(testing_postgresql());
    EmbeddedService service;
    service.server.stop();
    TestStore target;

    const auto moved = server_command(
        {"migrate", "--from", service.server.data().string(), "--to", target.location()});
    INFO(moved.out << moved.err);
    REQUIRE(moved.exit_code == 0);
    CHECK_THAT(moved.out, Catch::Contains("verified"));
    CHECK_THAT(moved.out, Catch::Contains("blob_chunks"));
    CHECK_THAT(moved.out, Catch::Contains("register_values"));

    ServerProcess on_postgresql{ServerProcess::Store{target.location()}};
    service.second_device_pulls_everything(on_postgresql);
    // Ids go on past the copied ones: the demo's partner is 1, a new one 2.
    const auto partner =
        on_postgresql.admin({"create-partner", "--name", "Bay Care Partners", "--json"});
    INFO(partner.err);
    REQUIRE(partner.exit_code == 0);
    CHECK(nlohmann::json::parse(partner.out)["id"] == 2);
}

TEST_CASE("migrate refuses a PostgreSQL store that holds data, and changes nothing",
          "[integration][store_tools_pg]") {
    INFO("these cases need PostgreSQL: run them as ctest's integration.store_tools.postgresql");
    REQUIRE(testing_postgresql());
    ServerProcess embedded{ServerProcess::Store{""}};
    embedded.register_demo();
    embedded.stop();
    TestStore target;
    const auto first =
        server_command({"migrate", "--from", embedded.data().string(), "--to", target.location()});
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);

    const auto added = embedded.admin({"create-org", "--ods", "EF3", "--name", "Elm Lodge"});
    REQUIRE(added.exit_code == 0);
    const auto second =
        server_command({"migrate", "--from", embedded.data().string(), "--to", target.location()});
    CHECK(second.exit_code != 0);
    CHECK_THAT(second.err, Catch::Contains("already holds data"));
    const auto store = server::store::open_repository({"", target.location()});
    CHECK(store->list_organisations().size() == 2);
    CHECK_FALSE(store->find_organisation("EF3").has_value());

    // Nor does it take a directory without an embedded store.
    TempDir nothing;
    TestStore fresh;
    const auto missing =
        server_command({"migrate", "--from", nothing.path().string(), "--to", fresh.location()});
    CHECK(missing.exit_code != 0);
    CHECK_THAT(missing.err, Catch::Contains("no embedded store"));
}

TEST_CASE("admin refuses a data directory without a store unless --create is given",
          "[integration][store_tools]") {
    TempDir parent;
    const auto mistyped = parent.path() / "srever";
    const auto refused = server_command({"admin", "--data", mistyped.string(), "create-org",
                                         "--ods", "AB1", "--name", "Acorn Homecare"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("no store in " + mistyped.string()));
    CHECK_THAT(refused.err, Catch::Contains("--data"));
    CHECK_THAT(refused.err, Catch::Contains("--create"));
    CHECK_FALSE(std::filesystem::exists(mistyped / "server.db"));
    const auto listed = server_command({"admin", "--data", mistyped.string(), "list-devices"});
    CHECK(listed.exit_code == 2);
    CHECK_THAT(listed.err, Catch::Contains("--create"));
    CHECK_FALSE(std::filesystem::exists(mistyped / "server.db"));

    // Lower-case codes are taken as the upper-case codes they are.
    const auto made =
        server_command({"admin", "--data", mistyped.string(), "--create", "create-org", "--ods",
                        "ab1", "--name", "Acorn Homecare", "--hq"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    CHECK_THAT(made.out, Catch::Contains("AB1"));
    const auto site =
        server_command({"admin", "--data", mistyped.string(), "add-site", "--org", "ab1", "--ods",
                        "va001", "--cqc", "1-100000001", "--name", "Acorn Leeds"});
    INFO(site.err);
    REQUIRE(site.exit_code == 0);
    const auto orgs = server_command({"admin", "--data", mistyped.string(), "list-orgs"});
    REQUIRE(orgs.exit_code == 0);
    CHECK_THAT(orgs.out, Catch::Contains("ODS"));
    CHECK_THAT(orgs.out, Catch::Contains("AB1"));
    CHECK_THAT(orgs.out, Catch::Contains("Acorn Homecare"));
    const auto sites =
        server_command({"admin", "--data", mistyped.string(), "list-sites", "--org", "ab1"});
    REQUIRE(sites.exit_code == 0);
    CHECK_THAT(sites.out, Catch::Contains("VA001"));
    CHECK_THAT(sites.out, Catch::Contains("1-100000001"));
    const auto unknown =
        server_command({"admin", "--data", mistyped.string(), "list-sites", "--org", "ZZ9"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("list-orgs"));
}

TEST_CASE("serve on a directory without a store says it makes a new one",
          "[integration][store_tools]") {
    ServerProcess server{ServerProcess::Store{""}};
    server.stop();
    CHECK_THAT(server.process().out(), Catch::Contains("creating a new, empty one"));
}

TEST_CASE("enrol-code names its expiry and the device's command; list-devices its columns",
          "[integration][store_tools]") {
    ServerProcess server{ServerProcess::Store{""}};
    server.register_demo();
    const auto made = server.admin({"enrol-code", "--org", "ab1", "--expires-in", "2d"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    const auto expires = Date::from_unix_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            (std::chrono::system_clock::now() + std::chrono::hours(48)).time_since_epoch())
            .count());
    CHECK_THAT(made.out, Catch::Contains("until " + long_date(expires)));
    CHECK_THAT(made.out, Catch::Contains("dspt enrol --server"));
    CHECK_THAT(made.out, Catch::Contains("--code "));

    ClientHome hq;
    enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
    REQUIRE(hq.run({"sync"}).exit_code == 0);
    const auto listed = server.admin({"list-devices"});
    INFO(listed.err);
    REQUIRE(listed.exit_code == 0);
    CHECK_THAT(listed.out, Catch::Contains("DEVICE ID"));
    CHECK_THAT(listed.out, Catch::Contains("LAST SEEN"));
    CHECK_THAT(listed.out, Catch::Contains(long_date(Date::today())));
    CHECK_THAT(listed.out, Catch::Contains("active"));
}
