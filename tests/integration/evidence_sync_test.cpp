// Evidence files between real devices through the real server: the sealed
// chunks upload before the file's record, resume after a cut, download byte
// for byte on the site's other devices and on headquarters, and reach no one
// else; a device the organisation revoked keeps its work.

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

constexpr const char* kItem = "1.1.2";

// Acorn Homecare (AB1): headquarters enrolled first with an admin code and so
// holding the organisation key; a Leeds (VA001) device and a York (VA002)
// device invited by it; a second Leeds device invited by the first.
struct Acorn {
    ServerProcess server;
    ClientHome hq;
    ClientHome leeds;
    ClientHome leeds2;
    ClientHome york;

    Acorn() {
        server.register_demo();
        enrol(hq, server, server.code({"--org", "AB1"}), "Acorn Homecare");
        enrol(leeds, server, invite(hq, "VA001"), "Acorn Leeds");
        enrol(york, server, invite(hq, "VA002"), "Acorn York");
        enrol(leeds2, server, invite(leeds, "VA001"), "Acorn Leeds");
    }

    static std::string invite(const ClientHome& from, const std::string& site) {
        return from.json({"invite", "--site", site})["code"].get<std::string>();
    }
};

nlohmann::json sync_json(const ClientHome& home, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"sync"};
    args.insert(args.end(), extra.begin(), extra.end());
    return home.json(args);
}

std::string add_evidence(const ClientHome& home, const std::filesystem::path& file) {
    const auto added = home.run({"evidence", "add", kItem, file.string()});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    const auto listed = home.json({"evidence", "list"});
    REQUIRE_FALSE(listed.empty());
    return listed.back()["id"].get<std::string>();
}

// Writes evidence `id` out of `home` and returns where.
std::filesystem::path fetch(const ClientHome& home, const std::string& id,
                            const std::string& out_name) {
    const auto out = home.home() / out_name;
    const auto got = home.run({"evidence", "get", id, out.string(), "--force"});
    INFO(got.err);
    REQUIRE(got.exit_code == 0);
    return out;
}

}  // namespace

TEST_CASE(
    "evidence reaches the site's other device and headquarters byte for byte, and no one "
    "else",
    "[integration][evidence_sync]") {
    Acorn acorn;
    const auto file = acorn.leeds.make_file("fire-policy.pdf", 3 * 1024 * 1024 + 12345, "FIRE");
    const auto id = add_evidence(acorn.leeds, file);
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);

    const auto waiting = acorn.leeds.json({"status"});
    CHECK(waiting["pending_changes"] == 2);
    CHECK(waiting["pending_bytes"].get<std::uint64_t>() > std::filesystem::file_size(file));
    CHECK(waiting["last_sync"].is_null());
    CHECK(acorn.leeds.json({"evidence", "list"})[0]["sync"] == "to upload");

    const auto sent = sync_json(acorn.leeds);
    CHECK(sent["files_uploaded"] == 1);
    CHECK(sent["chunks_uploaded"] == 4);
    CHECK(sent["pushed"] == 2);
    const auto after = acorn.leeds.json({"status"});
    CHECK(after["pending_changes"] == 0);
    CHECK(after["pending_bytes"] == 0);
    CHECK(after["last_sync"].is_string());
    CHECK(acorn.leeds.json({"evidence", "list"})[0]["sync"] == "synced");

    // The other Leeds device: the record, then the bytes.
    const auto received = sync_json(acorn.leeds2);
    CHECK(received["files_downloaded"] == 1);
    CHECK(received["chunks_downloaded"] == 4);
    const auto listed = acorn.leeds2.json({"evidence", "list", kItem});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["id"] == id);
    CHECK(listed[0]["name"] == "fire-policy.pdf");
    CHECK(listed[0]["sync"] == "synced");
    CHECK(same_content(fetch(acorn.leeds2, id, "copy.pdf"), file));
    CHECK(acorn.leeds2.json({"show", "1.1.1"})["answer"]["value"] == "ZA123456");

    // Headquarters keeps a branch's files apart from its own.
    CHECK(sync_json(acorn.hq)["files_downloaded"] == 1);
    CHECK(acorn.hq.json({"evidence", "list"}).empty());
    const auto at_hq = acorn.hq.json({"evidence", "list", "--site", "VA001"});
    REQUIRE(at_hq.size() == 1);
    CHECK(at_hq[0]["site"] == "VA001");
    CHECK(same_content(fetch(acorn.hq, id, "hq-copy.pdf"), file));
    CHECK(acorn.hq.run({"evidence", "remove", id}).exit_code == 2);

    // The sister site gets nothing, not even the record.
    CHECK(sync_json(acorn.york)["files_downloaded"] == 0);
    CHECK(acorn.york.json({"evidence", "list"}).empty());
    CHECK(acorn.york.run({"evidence", "list", "--site", "VA001"}).exit_code == 2);

    // A removal travels too; a second sync has nothing to do.
    REQUIRE(acorn.leeds.run({"evidence", "remove", id}).exit_code == 0);
    CHECK(sync_json(acorn.leeds)["pushed"] == 1);
    sync_json(acorn.leeds2);
    CHECK(acorn.leeds2.json({"evidence", "list"}).empty());
    const auto again = sync_json(acorn.leeds2);
    CHECK(again["pushed"] == 0);
    CHECK(again["pulled"] == 0);
}

TEST_CASE(
    "a fast line carries a file two chunks at a time on a second connection, a slow line one "
    "chunk at a time on one",
    "[integration][evidence_sync]") {
    Acorn acorn;
    FaultProxy proxy(acorn.server.port());
    const auto via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    // Twelve chunks: the second connection opens once one of them went in quickly,
    // whatever else the machine is doing.
    const auto large = acorn.leeds.make_file("policies.zip", 12 * 1024 * 1024 + 1, "POLICIES");
    const auto large_id = add_evidence(acorn.leeds, large);
    const auto sent = sync_json(acorn.leeds, {"--server", via_proxy});
    CHECK(sent["files_uploaded"] == 1);
    CHECK(sent["chunks_uploaded"] == 13);
    CHECK(proxy.connections() == 2);

    // At 2 MB/s a chunk takes half a second: one connection carries them all, also
    // after a small file whose one chunk went in quickly.
    const auto note = acorn.leeds.make_file("note.txt", 40 * 1024, "NOTE");
    const auto note_id = add_evidence(acorn.leeds, note);
    const auto small = acorn.leeds.make_file("training.pdf", 2 * 1024 * 1024 + 1, "TRAINING");
    const auto small_id = add_evidence(acorn.leeds, small);
    proxy.throttle(2'000'000);
    const auto slow = sync_json(acorn.leeds, {"--server", via_proxy});
    CHECK(slow["files_uploaded"] == 2);
    CHECK(slow["chunks_uploaded"] == 4);
    CHECK(proxy.connections() == 3);

    // Every file arrives byte for byte.
    CHECK(sync_json(acorn.leeds2)["files_downloaded"] == 3);
    CHECK(same_content(fetch(acorn.leeds2, note_id, "note-copy.txt"), note));
    CHECK(same_content(fetch(acorn.leeds2, large_id, "policies-copy.zip"), large));
    CHECK(same_content(fetch(acorn.leeds2, small_id, "training-copy.pdf"), small));
}

TEST_CASE(
    "a file being uploaded is not announced, and an answer written after it is not held "
    "back",
    "[integration][evidence_sync]") {
    Acorn acorn;
    FaultProxy proxy(acorn.server.port());
    const auto via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    const auto file = acorn.leeds.make_file("register.xlsx", 3 * 1024 * 1024, "REG");
    const auto id = add_evidence(acorn.leeds, file);
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA777777"}).exit_code == 0);

    // The connection dies in the middle of the file's second chunk.
    proxy.cut_every(static_cast<std::size_t>(1.5 * 1024 * 1024), true);
    const auto cut = acorn.leeds.run({"sync", "--server", via_proxy, "--attempts", "1"});
    INFO(cut.err);
    CHECK(cut.exit_code == 4);
    CHECK_THAT(cut.err, Catch::Contains("still to send: 1 change"));

    // The answer went first; the file is not listed anywhere until it is whole.
    sync_json(acorn.leeds2);
    CHECK(acorn.leeds2.json({"show", "1.1.1"})["answer"]["value"] == "ZA777777");
    CHECK(acorn.leeds2.json({"evidence", "list"}).empty());

    // The next sync resumes at the first chunk the server lacks.
    proxy.forward();
    const auto resumed = sync_json(acorn.leeds, {"--server", via_proxy});
    CHECK(resumed["files_uploaded"] == 1);
    CHECK(resumed["chunks_uploaded"].get<int>() < 3);
    sync_json(acorn.leeds2);
    CHECK(same_content(fetch(acorn.leeds2, id, "copy.xlsx"), file));
}

TEST_CASE(
    "a large file over a connection cut every tenth of it uploads whole, re-sending at most a "
    "chunk per cut",
    "[integration][evidence_sync]") {
    // 50 MB (DSPT_TEST_LARGE_FILE_MB, tests/integration/CMakeLists.txt).
    constexpr std::size_t size = std::size_t{DSPT_TEST_LARGE_FILE_MB} * 1000 * 1000;
    Acorn acorn;
    FaultProxy proxy(acorn.server.port());
    const auto file = acorn.leeds.make_file("cctv-audit.zip", size, "AUDIT");
    const auto id = add_evidence(acorn.leeds, file);

    proxy.cut_every(size / 10, true);
    // The default number of attempts (6), fewer than the cuts: an attempt that
    // stored a chunk before its cut does not count against them.
    const auto sent =
        acorn.leeds.run({"sync", "--server", "http://127.0.0.1:" + std::to_string(proxy.port()),
                         "--retry-delay", "10", "--json"});
    INFO(sent.err);
    REQUIRE(sent.exit_code == 0);
    CHECK(proxy.cuts() >= 9);
    // Every cut costs at most the chunk it interrupted (1 MiB and its headers).
    const std::size_t per_cut = (1 << 20) + 4096;
    CHECK(proxy.bytes_to_server() <= size + proxy.cuts() * per_cut + 64 * 1024);

    CHECK(sync_json(acorn.hq)["files_downloaded"] == 1);
    CHECK(same_content(fetch(acorn.hq, id, "audit.zip"), file));
}

TEST_CASE(
    "cuts at random byte offsets of push, pull and chunk upload converge with nothing lost "
    "or doubled",
    "[integration][evidence_sync]") {
    const auto seed = std::random_device{}();
    INFO("seed " << seed);
    std::printf("evidence_sync random cuts: seed %u\n", seed);
    std::mt19937 random(seed);
    Acorn acorn;
    FaultProxy proxy(acorn.server.port());
    const auto via_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    std::set<std::string> files;
    constexpr int kRounds = 8;
    for (int round = 0; round < kRounds; ++round) {
        REQUIRE(
            acorn.leeds.run({"answer", "1.1.1", "ZA" + std::to_string(200000 + round)}).exit_code ==
            0);
        if (round % 3 == 0) {
            files.insert(add_evidence(
                acorn.leeds,
                acorn.leeds.make_file("file" + std::to_string(round), 1'200'000 + round,
                                      "ROUND" + std::to_string(round))));
        }
        // Leeds' other device writes too, so pulls carry something.
        REQUIRE(acorn.leeds2
                    .run({"plan", "set", "3.2.1", "--action", "Action " + std::to_string(round),
                          "--owner", "Manager", "--due", "2026-03-31"})
                    .exit_code == 0);
        sync_json(acorn.leeds2);
        const bool to_server = random() % 2 == 0;
        const std::size_t offset = 1 + random() % (to_server ? 1'400'000 : 6'000);
        INFO("round " << round << ": cut after " << offset << " bytes "
                      << (to_server ? "to the server" : "to the client"));
        proxy.cut_after(offset, to_server);
        const auto cut = acorn.leeds.run({"sync", "--server", via_proxy, "--attempts", "1"});
        INFO(cut.err);
        CHECK((cut.exit_code == 0 || cut.exit_code == 4));
    }
    proxy.forward();
    sync_json(acorn.leeds, {"--server", via_proxy});
    sync_json(acorn.leeds2);
    sync_json(acorn.leeds);

    for (const auto* device : {&acorn.leeds, &acorn.leeds2}) {
        CHECK(device->json({"show", "1.1.1"})["answer"]["value"] ==
              "ZA" + std::to_string(200000 + kRounds - 1));
        CHECK(device->json({"show", "3.2.1"})["plan"]["action"] ==
              "Action " + std::to_string(kRounds - 1));
        const auto status = device->json({"status"});
        CHECK(status["pending_changes"] == 0);
        CHECK(status["conflicts"] == 0);
        std::set<std::string> listed;
        for (const auto& file : device->json({"evidence", "list"})) {
            listed.insert(file["id"].get<std::string>());
            CHECK(file["sync"] == "synced");
        }
        CHECK(listed == files);
    }
    for (const auto& id : files) {
        CHECK(same_content(fetch(acorn.leeds2, id, "check"), fetch(acorn.leeds, id, "check")));
    }
}

TEST_CASE("a revoked device's sync is refused and its pending changes stay safe",
          "[integration][evidence_sync]") {
    Acorn acorn;
    REQUIRE(acorn.leeds2.run({"answer", "1.1.1", "ZA555555"}).exit_code == 0);
    const auto file = acorn.leeds2.make_file("minutes.docx", 200'000, "MINUTES");
    add_evidence(acorn.leeds2, file);
    const auto device_id = acorn.leeds2.json({"whoami"})["device_id"].get<std::string>();
    REQUIRE(acorn.server.admin({"revoke-device", device_id}).exit_code == 0);

    const auto refused = acorn.leeds2.run({"sync"});
    CHECK(refused.exit_code != 0);
    CHECK_THAT(refused.err, Catch::Contains("revoked"));
    CHECK_THAT(refused.err, Catch::Contains("still to send: 2 change"));
    const auto status = acorn.leeds2.json({"status"});
    CHECK(status["pending_changes"] == 2);
    CHECK(acorn.leeds2.json({"show", "1.1.1"})["answer"]["value"] == "ZA555555");
    CHECK(same_content(
        fetch(acorn.leeds2, acorn.leeds2.json({"evidence", "list"})[0]["id"], "m.docx"), file));
    sync_json(acorn.leeds);
    CHECK(acorn.leeds.json({"show", "1.1.1"})["answer"].is_null());
}

TEST_CASE("a chunk the server altered is refused without holding back the rest of the sync",
          "[integration][evidence_sync]") {
    Acorn acorn;
    const auto file = acorn.leeds.make_file("policy.pdf", 2 * 1024 * 1024 + 5, "POLICY");
    const auto id = add_evidence(acorn.leeds, file);
    sync_json(acorn.leeds);
    {
        // The server keeps chunks as files beside its database (chunk_files names them):
        // overwrite chunk 1's bytes in place, keeping its size.
        sqlite::Database db(acorn.server.database());
        sqlite::Statement select(db, "SELECT name, bytes FROM chunk_files WHERE idx = 1");
        REQUIRE(select.step());
        const auto name = select.column_text(0);
        const auto bytes = static_cast<std::uintmax_t>(select.column_int64(1));
        REQUIRE_FALSE(select.step());
        const auto path =
            acorn.server.database().parent_path() / "evidence" / name.substr(0, 2) / name;
        REQUIRE(std::filesystem::file_size(path) == bytes);
        std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
        out.seekp(0);
        const std::string noise(bytes, '\x5a');
        out.write(noise.data(), static_cast<std::streamsize>(noise.size()));
        REQUIRE(out.good());
    }
    REQUIRE(acorn.leeds.run({"answer", "1.1.1", "ZA161803"}).exit_code == 0);
    sync_json(acorn.leeds);

    const auto received = sync_json(acorn.leeds2);
    REQUIRE(received["refused"].size() == 1);
    CHECK_THAT(received["refused"][0].get<std::string>(), Catch::Contains("integrity"));
    CHECK(received["files_downloaded"] == 0);
    CHECK(acorn.leeds2.json({"show", "1.1.1"})["answer"]["value"] == "ZA161803");
    CHECK(acorn.leeds2.json({"evidence", "list"})[0]["sync"] == "downloading");
    CHECK(
        acorn.leeds2.run({"evidence", "get", id, (acorn.leeds2.home() / "x").string()}).exit_code ==
        2);
}

TEST_CASE("evidence added and synced shows progress on a terminal and nothing off one",
          "[integration][evidence_sync]") {
    Acorn acorn;
    const auto file = acorn.leeds.make_file("rota.pdf", 6 * 1024 * 1024 + 99, "ROTA");

    // On a terminal: a line redrawn in place, then a final one.
    const auto added = acorn.leeds.run_in_terminal({"evidence", "add", kItem, file.string()});
    INFO(added.out);
    REQUIRE(added.exit_code == 0);
    CHECK(added.out.find("\rAdding rota.pdf: ") != std::string::npos);
    CHECK(added.out.find("6.0 MiB of 6.0 MiB (100%)") != std::string::npos);
    const auto synced = acorn.leeds.run_in_terminal({"sync"});
    INFO(synced.out);
    REQUIRE(synced.exit_code == 0);
    CHECK(synced.out.find("\rUploading evidence: ") != std::string::npos);
    CHECK(synced.out.find("(100%), file 1 of 1") != std::string::npos);
    CHECK(synced.out.find("Uploaded 1 evidence file(s)") != std::string::npos);

    // Off a terminal: the same commands print no progress, and --json is JSON alone.
    const auto again = acorn.leeds2.make_file("rota2.pdf", 6 * 1024 * 1024, "ROTA2");
    const auto quiet_add = acorn.leeds2.run({"evidence", "add", kItem, again.string()});
    REQUIRE(quiet_add.exit_code == 0);
    CHECK(quiet_add.err.find("Adding") == std::string::npos);
    const auto quiet_sync = acorn.leeds2.run({"sync"});
    REQUIRE(quiet_sync.exit_code == 0);
    CHECK(quiet_sync.err.find("evidence:") == std::string::npos);
    CHECK(quiet_sync.out.find('\r') == std::string::npos);
    const auto as_json = acorn.hq.run({"sync", "--json"});
    REQUIRE(as_json.exit_code == 0);
    CHECK(as_json.err.empty());
    CHECK(nlohmann::json::parse(as_json.out)["files_downloaded"] == 2);

    // Downloading on a terminal shows it too.
    const auto fetched = acorn.leeds.run_in_terminal({"sync"});
    INFO(fetched.out);
    REQUIRE(fetched.exit_code == 0);
    CHECK(fetched.out.find("\rDownloading evidence: ") != std::string::npos);
}
