// A provider whose devices use an item list imported from NHS England's
// spreadsheet publishes against it: the server evaluates with that pack when
// it holds it, and refuses, saying how to install it, when it does not.

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/server_fixture.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

std::string csv_field(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return quoted + "\"";
}

// The bundled 2025-26 items laid out as NHS England's evidence-item sheet, with
// `optional_id` made optional (mandatory for neither level): an official list
// whose flags differ from the bundled ones.
std::string official_sheet(const nlohmann::json& items, const std::string& optional_id) {
    std::string csv =
        "Assertion,Evidence ref,Evidence text - Others (Category 3),Tool tips - Others (Category "
        "3),Mandatory - Others (Category 3),Approaching Standards - Others (Category 3)\r\n";
    for (const auto& item : items) {
        const auto id = item["id"].get<std::string>();
        const bool optional = id == optional_id;
        csv += id.substr(0, id.rfind('.')) + "," + id + "," +
               csv_field(item["question"].get<std::string>()) + "," +
               csv_field(item.value("comment", "")) + "," +
               (!optional && item["met"].get<bool>() ? "Yes" : "No") + "," +
               (!optional && item["approaching"].get<bool>() ? "Yes" : "No") + "\r\n";
    }
    return csv;
}

}  // namespace

TEST_CASE(
    "a publication is evaluated against the imported pack the devices use, once the "
    "server holds it",
    "[integration][standards_pack]") {
    ServerProcess server;
    server.register_demo();
    ClientHome home;

    // An item mandatory for Standards Met only in the bundled pack, left
    // optional by the imported list.
    const auto bundled = home.json({"standards", "items", "--year", "2025-26", "--json"});
    std::string optional_id;
    for (const auto& item : bundled["items"]) {
        if (item["met"].get<bool>() && !item["approaching"].get<bool>()) {
            optional_id = item["id"].get<std::string>();
            break;
        }
    }
    REQUIRE_FALSE(optional_id.empty());

    const auto sheet =
        home.write_file("evidence-items.csv", official_sheet(bundled["items"], optional_id));
    const auto pack = home.home() / "pack-2025-26.json";
    const auto imported =
        home.run({"standards", "import", sheet.string(), "--year", "2025-26", "--version", "v8",
                  "--opens", "2025-09-18", "--out", pack.string()});
    INFO(imported.out << imported.err);
    REQUIRE(imported.exit_code == 0);
    CHECK_THAT(imported.err, Catch::Contains("category \"Others (Category 3)\""));

    REQUIRE(home.run({"init", "--pack", pack.string(), "--name", "Cedar House"}).exit_code == 0);
    const auto enrolled = home.run({"enrol", "--server", server.url(), "--code",
                                    server.code({"--org", "CD2", "--site", "VC001"})});
    INFO(enrolled.err);
    REQUIRE(enrolled.exit_code == 0);
    answer_all(home, "met");
    // The bundled pack would need the item the imported list leaves optional.
    const auto still_missing = home.json({"items", "--missing", "met"});
    CHECK(still_missing.empty());

    const auto refused = home.run({"publish", "--level", "met", "--json"});
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    REQUIRE(answer["problems"].size() == 1);
    const auto message = answer["problems"][0]["message"].get<std::string>();
    CHECK_THAT(message, Catch::Contains("does not hold the standards pack your devices use for "
                                        "2025-26 v8"));
    CHECK_THAT(message, Catch::Contains("dspt-server admin import-standards"));
    CHECK(home.json({"publications"}).empty());

    const auto installed = server.admin({"import-standards", pack.string()});
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    CHECK_THAT(installed.out, Catch::Contains("Installed the standards pack 2025-26 v8"));
    const auto held = server.admin({"--json", "list-standards"});
    CHECK_THAT(held.out, Catch::Contains("\"bundled\": false"));

    // Evaluated with the imported pack: the item it leaves optional does not
    // block Standards Met, as it would with the bundled one.
    const auto published = home.json({"publish", "--level", "met"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["level"] == "met");
    CHECK(published["publication"]["sites"] == nlohmann::json::array({"VC001"}));
}
