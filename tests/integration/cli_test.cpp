// The two executables' command lines: help, version, unknown commands, and the
// standards commands a user or operator runs.

#include <fstream>

#include <catch2/catch.hpp>

#include "tests/support/process.hpp"

using namespace dspt::test;

namespace {

ProcessResult dspt_cli(const std::vector<std::string>& args) {
    return run_process(DSPT_CLIENT_BIN, args);
}

ProcessResult server_cli(const std::vector<std::string>& args) {
    return run_process(DSPT_SERVER_BIN, args);
}

}  // namespace

TEST_CASE("both programs print their version and help", "[integration][cli]") {
    const auto version = dspt_cli({"--version"});
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("dspt 0.") && Catch::Contains("2025-26"));

    const auto help = dspt_cli({"--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("standards"));

    const auto server_version = server_cli({"--version"});
    CHECK(server_version.exit_code == 0);
    CHECK_THAT(server_version.out, Catch::StartsWith("dspt-server 0."));
    CHECK(server_cli({"--help"}).exit_code == 0);
}

TEST_CASE("an unknown command is refused with a clear message", "[integration][cli]") {
    const auto client = dspt_cli({"frobnicate"});
    CHECK(client.exit_code == 1);
    CHECK_THAT(client.err, Catch::Contains("unknown command 'frobnicate'"));

    const auto server = server_cli({"frobnicate"});
    CHECK(server.exit_code == 1);
    CHECK_THAT(server.err, Catch::Contains("unknown command 'frobnicate'"));

    const auto option = dspt_cli({"standards", "list", "--no-such-option"});
    CHECK(option.exit_code == 1);
    CHECK_THAT(option.err, Catch::Contains("--no-such-option"));
}

TEST_CASE("dspt standards lists the bundled years with their counts", "[integration][cli]") {
    const auto list = dspt_cli({"standards", "list"});
    REQUIRE(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("2023-24") && Catch::Contains("2024-25") &&
                             Catch::Contains("2025-26"));

    const auto json = dspt_cli({"standards", "list", "--json"});
    REQUIRE(json.exit_code == 0);
    CHECK_THAT(json.out, Catch::Contains("\"met\": 45"));

    const auto items = dspt_cli({"standards", "items", "--year", "2024-25", "--standard", "4"});
    REQUIRE(items.exit_code == 0);
    CHECK_THAT(items.out, Catch::Contains("4.5.3"));
    CHECK_THAT(items.out, !Catch::Contains("4.3.1 "));

    const auto unknown_year = dspt_cli({"standards", "items", "--year", "1999-00"});
    CHECK(unknown_year.exit_code == 2);
    CHECK_THAT(unknown_year.err, Catch::Contains("2025-26"));
}

TEST_CASE("dspt standards import turns an official CSV into a pack, or says what is wrong",
          "[integration][cli]") {
    TempDir dir;
    const auto good = dir.path() / "official.csv";
    {
        std::ofstream out(good);
        out << "ID,Standard,Title,Question,Type,Approaching,Met,Comment\r\n"
            << "1.1.1,1,ICO registration,\"What is your ICO registration number, if any?\","
               "text,yes,yes,\r\n"
            << "3.2.1,3,Staff trained,Have 95% of staff been trained?,checkbox,no,yes,"
               "\"Count volunteers, too\"\r\n";
    }
    const auto pack = dir.path() / "pack.json";
    const auto ok = dspt_cli(
        {"standards", "import", good.string(), "--year", "2025-26", "--out", pack.string()});
    REQUIRE(ok.exit_code == 0);
    CHECK_THAT(ok.out, Catch::Contains("Imported 2 items"));
    std::ifstream written(pack);
    const std::string content((std::istreambuf_iterator<char>(written)),
                              std::istreambuf_iterator<char>());
    CHECK_THAT(content, Catch::Contains("\"Count volunteers, too\""));

    const auto bad = dir.path() / "bad.csv";
    {
        std::ofstream out(bad);
        out << "id,standard,title,question,type,approaching,met\n"
            << "1.1.1,1,ICO,Number?,text,yes,yes\n"
            << "1.1.2,1,Data list,Where?,number,yes,yes\n";
    }
    const auto refused = dspt_cli({"standards", "import", bad.string(), "--year", "2025-26",
                                   "--out", (dir.path() / "bad.json").string()});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("bad.csv:3") && Catch::Contains("number"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "bad.json"));
}
