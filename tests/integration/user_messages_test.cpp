// What dspt says when people slip: each message names the cause and the next step
// (the flag or command to use), on the real binary in a temporary home.

#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "common/date.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

constexpr const char* kDocumentItem = "1.1.2";

// The id `dspt evidence add` printed: its last word.
std::string added_id(const ProcessResult& added) {
    auto text = added.out;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text.substr(text.rfind(' ') + 1);
}

}  // namespace

TEST_CASE("evidence commands say what to do about folders, missing folders and existing files",
          "[integration][cli]") {
    ClientHome home;
    home.init();
    const auto folder = home.home() / "policies";
    std::filesystem::create_directory(folder);

    const auto add_folder = home.run({"evidence", "add", kDocumentItem, folder.string()});
    CHECK(add_folder.exit_code == 2);
    CHECK_THAT(add_folder.err, Catch::Contains("is a folder"));
    CHECK_THAT(add_folder.err, !Catch::Contains("no such file"));

    const auto file = home.make_file("fire-policy.pdf", 3000);
    const auto added = home.run({"evidence", "add", kDocumentItem, file.string()});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    const auto id = added_id(added);
    REQUIRE(id.size() == 36);

    // Into a folder that does not exist: the folder is named, not a temporary file.
    const auto nowhere = home.home() / "no-such-folder" / "copy.pdf";
    const auto missing = home.run({"evidence", "get", id, nowhere.string()});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("does not exist"));
    CHECK_THAT(missing.err, Catch::Contains("mkdir -p"));
    CHECK_THAT(missing.err, !Catch::Contains(".dspt-partial"));

    // An existing file: refused, naming --force; a unique prefix of the id is enough.
    const auto out = home.home() / "copy.pdf";
    REQUIRE(home.run({"evidence", "get", id.substr(0, 8), out.string()}).exit_code == 0);
    const auto again = home.run({"evidence", "get", id, out.string()});
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Catch::Contains("--force"));
    CHECK(home.run({"evidence", "get", id, out.string(), "--force"}).exit_code == 0);

    // `export` refuses to overwrite the same way.
    const auto csv = home.home() / "answers.csv";
    REQUIRE(home.run({"export", csv.string()}).exit_code == 0);
    const auto overwrite = home.run({"export", csv.string()});
    CHECK(overwrite.exit_code == 2);
    CHECK_THAT(overwrite.err, Catch::Contains("--force"));
    CHECK(home.run({"export", csv.string(), "--force"}).exit_code == 0);
}

TEST_CASE("an evidence id may be shortened to a prefix only it has; an ambiguous one lists them",
          "[integration][cli]") {
    ClientHome home;
    home.init();
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        const auto file =
            home.make_file("doc" + std::to_string(i) + ".pdf", 100 + i, "DOC" + std::to_string(i));
        const auto added = home.run({"evidence", "add", kDocumentItem, file.string()});
        REQUIRE(added.exit_code == 0);
        ids.push_back(added_id(added));
    }
    // Twenty random ids share a first hex digit (pigeonhole: 16 digits).
    std::string shared;
    for (std::size_t a = 0; a < ids.size() && shared.empty(); ++a) {
        for (std::size_t b = a + 1; b < ids.size(); ++b) {
            if (ids[a][0] == ids[b][0]) {
                shared = ids[a].substr(0, 1);
                break;
            }
        }
    }
    REQUIRE_FALSE(shared.empty());
    const auto ambiguous = home.run({"evidence", "remove", shared});
    CHECK(ambiguous.exit_code == 2);
    CHECK_THAT(ambiguous.err, Catch::Contains("give more of the id"));
    CHECK_THAT(ambiguous.err, Catch::Contains(shared));
    CHECK(home.json({"evidence", "list"}).size() == 20);

    const auto unknown = home.run({"evidence", "remove", "zzzz"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("dspt evidence list"));

    const auto removed = home.run({"evidence", "remove", ids[0].substr(0, 13)});
    INFO(removed.err);
    CHECK(removed.exit_code == 0);
    CHECK(home.json({"evidence", "list"}).size() == 19);
}

TEST_CASE("dspt warns where people slip: empty files, the same file twice, dates already past",
          "[integration][cli]") {
    ClientHome home;
    home.init();
    const auto empty = home.write_file("empty.pdf", "");
    const auto added_empty = home.run({"evidence", "add", kDocumentItem, empty.string()});
    CHECK(added_empty.exit_code == 0);
    CHECK_THAT(added_empty.err, Catch::Contains("empty (0 bytes)"));
    CHECK_THAT(added_empty.err, Catch::Contains("dspt evidence remove"));

    const auto file = home.make_file("policy.pdf", 5000);
    REQUIRE(home.run({"evidence", "add", kDocumentItem, file.string()}).exit_code == 0);
    const auto twice = home.run({"evidence", "add", kDocumentItem, file.string()});
    CHECK(twice.exit_code == 0);
    CHECK_THAT(twice.err, Catch::Contains("already has this file"));
    CHECK_THAT(twice.err, Catch::Contains("dspt evidence remove"));

    const auto planned = home.run({"plan", "set", "3.2.1", "--action", "Book training", "--owner",
                                   "RM", "--due", "2020-03-31"});
    CHECK(planned.exit_code == 0);
    CHECK_THAT(planned.err, Catch::Contains("31 March 2020"));
    CHECK_THAT(planned.err, Catch::Contains("--due"));

    const auto lapsed = home.run({"profile", "--ce-plus-until", "2020-01-31"});
    CHECK(lapsed.exit_code == 0);
    CHECK_THAT(lapsed.err, Catch::Contains("31 January 2020"));
    CHECK_THAT(lapsed.err, Catch::Contains("--ce-plus-until"));

    const auto cleared = home.run({"answer", "1.1.1", ""});
    CHECK(cleared.exit_code == 2);
    CHECK_THAT(cleared.err, Catch::Contains("dspt answer 1.1.1 --clear"));
}

TEST_CASE("a new passphrase shorter than 12 characters is refused, saying so",
          "[integration][cli]") {
    ClientHome home;
    const auto short_one = home.run({"init", "--name", "Rosewood Care Home"}, "short pass");
    CHECK(short_one.exit_code == 2);
    CHECK_THAT(short_one.err, Catch::Contains("at least 12"));
    CHECK_FALSE(std::filesystem::exists(home.store_file()));
    home.init();
}

TEST_CASE("certificate takes its format from the file's ending and refuses others",
          "[integration][cli]") {
    ClientHome home;
    home.init();
    const auto jpg = home.run({"certificate", "--out", (home.home() / "cert.jpg").string()});
    CHECK(jpg.exit_code == 2);
    CHECK_THAT(jpg.err, Catch::Contains(".pdf or .png"));
    CHECK_FALSE(std::filesystem::exists(home.home() / "cert.jpg"));
}

TEST_CASE("enrolment codes that do not work say why and what to do next", "[integration][client]") {
    ServerProcess server;
    server.register_demo();

    // Every character allowed, but not a code: mistyped.
    ClientHome typo;
    REQUIRE(typo.run({"init"}).exit_code == 0);
    const auto garbled = typo.run(
        {"enrol", "--server", server.url(), "--code", "0123456789abcdef-AAECAwQFBgcICQoLDA0ODx"});
    CHECK(garbled.exit_code == 2);
    CHECK_THAT(garbled.err, Catch::Contains("mistyped"));
    CHECK_THAT(garbled.err, !Catch::Contains("characters"));
    // Well formed, but not one this server made.
    const auto unknown = typo.run(
        {"enrol", "--server", server.url(), "--code", "0123456789abcdef-AAECAwQFBgcICQoLDA0ODw"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("mistyped"));

    // Used: when, in words, and whom to ask.
    const auto code = server.code({"--org", "CD2", "--site", "VC001"});
    ClientHome first;
    enrol(first, server, code, "Cedar House");
    ClientHome second;
    REQUIRE(second.run({"init"}).exit_code == 0);
    const auto used = second.run({"enrol", "--server", server.url(), "--code", code});
    CHECK(used.exit_code == 2);
    CHECK_THAT(used.err, Catch::Contains("already used, on " + long_date(Date::today())));
    CHECK_THAT(used.err, Catch::Contains("by device \"Cedar House\""));
    CHECK_THAT(used.err, Catch::Contains("dspt-server admin enrol-code --org CD2 --site VC001"));

    // Revoked: the next step on every command that meets the server.
    const auto device = first.json({"whoami"})["device_id"].get<std::string>();
    const auto revoked = server.admin({"revoke-device", device});
    REQUIRE(revoked.exit_code == 0);
    CHECK_THAT(revoked.out, Catch::Contains("(\"Cedar House\")"));
    const auto refused = first.run({"sites"});
    CHECK(refused.exit_code != 0);
    CHECK_THAT(refused.err, Catch::Contains("revoked"));
    CHECK_THAT(refused.err, Catch::Contains("dspt enrol --again --code CODE"));
}
