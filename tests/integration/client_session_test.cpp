// A care manager's offline session with the real `dspt` binary: from an empty
// store to Approaching Standards, Standards Met and Standards Exceeded, with
// evidence, the action plan and the outbox.

#include <catch2/catch.hpp>

#include "common/sqlite/database.hpp"
#include "common/sqlite/statement.hpp"
#include "tests/integration/client_fixture.hpp"

using namespace dspt::test;
using nlohmann::json;

namespace {

// Answers an item so that it is satisfied, according to its type.
void satisfy(const ClientHome& home, const json& item) {
    const auto id = item["id"].get<std::string>();
    const auto type = item["type"].get<std::string>();
    std::vector<std::string> args{"answer", id};
    if (type == "confirm") {
        args.push_back("yes");
    } else if (type == "text") {
        args.push_back("Described in the branch handbook, section " + id);
    } else if (type == "date") {
        args.push_back("2025-11-04");
    } else {
        args.insert(args.end(), {"--location", "Office filing cabinet, folder " + id});
    }
    const auto result = home.run(args);
    INFO(id << ": " << result.err);
    REQUIRE(result.exit_code == 0);
}

}  // namespace

TEST_CASE("a session reaches Approaching Standards, then Standards Met, then Exceeded",
          "[integration][client]") {
    ClientHome home;
    home.init();

    auto status = home.json({"status"});
    CHECK(status["year"] == "2025-26");
    CHECK(status["level"] == "none");
    CHECK(status["levels"]["approaching"]["satisfied"] == 0);
    CHECK(status["levels"]["approaching"]["total"] == 26);
    CHECK(status["levels"]["met"]["total"] == 42);
    CHECK(status["pending_changes"] == 0);

    // Approaching Standards: every item mandatory for it.
    const auto missing_as = home.json({"items", "--missing", "approaching"});
    REQUIRE(missing_as.size() == 26);
    for (const auto& item : missing_as) {
        satisfy(home, item);
    }
    status = home.json({"status"});
    CHECK(status["level"] == "approaching");
    CHECK(status["levels"]["approaching"]["missing"].empty());
    CHECK(status["levels"]["met"]["satisfied"] == 26);
    CHECK(status["pending_changes"] == 26);

    // A "no" is an answer, but does not satisfy the item.
    const auto remaining = home.json({"items", "--missing", "met"});
    REQUIRE(remaining.size() == 16);
    json confirm_item;
    for (const auto& item : remaining) {
        if (item["type"] == "confirm") {
            confirm_item = item;
            break;
        }
    }
    REQUIRE(confirm_item.is_object());
    const auto confirm_id = confirm_item["id"].get<std::string>();
    REQUIRE(home.run({"answer", confirm_id, "no", "--comment", "training booked"}).exit_code == 0);
    CHECK(home.json({"show", confirm_id})["state"] == "answered");
    CHECK(home.json({"status"})["level"] == "approaching");

    // Standards Met: everything else.
    for (const auto& item : remaining) {
        satisfy(home, item);
    }
    status = home.json({"status"});
    CHECK(status["level"] == "met");
    CHECK(status["levels"]["met"]["satisfied"] == 42);
    CHECK(status["levels"]["met"]["missing"].empty());

    // Standards Exceeded needs a current Cyber Essentials Plus certificate.
    REQUIRE(home.run({"profile", "--cyber-essentials-plus-expires", "2099-12-31"}).exit_code == 0);
    CHECK(home.json({"status"})["level"] == "exceeded");
    REQUIRE(home.run({"profile", "--cyber-essentials-plus-expires", "2020-01-01"}).exit_code == 0);
    CHECK(home.json({"status"})["level"] == "met");

    // Clearing an answer drops the level again, and every change waits to sync.
    REQUIRE(home.run({"answer", "1.1.1", "--clear"}).exit_code == 0);
    status = home.json({"status"});
    CHECK(status["level"] == "none");
    CHECK(status["levels"]["approaching"]["missing"] == json::array({"1.1.1"}));
    CHECK(status["pending_changes"].get<int>() == 26 + 1 + 16 + 2 + 1);

    const auto text = home.run({"status"});
    CHECK_THAT(text.out, Catch::Contains("Level reached: Not yet at Approaching Standards") &&
                             Catch::Contains("missing: 1.1.1"));
}

TEST_CASE("answers are checked against their item", "[integration][client]") {
    ClientHome home;
    home.init();

    auto result = home.run({"answer", "2.1.1", "maybe"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("yes or no"));

    result = home.run({"answer", "9.9.9", "yes"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("no item 9.9.9"));

    result = home.run({"answer", "1.1.2", "yes"});  // a document item
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("--location"));

    result = home.run({"answer", "1.1.1", "--location", "office"});  // not a document item
    CHECK(result.exit_code == 2);

    result = home.run(
        {"plan", "set", "3.2.1", "--action", "Train", "--owner", "RM", "--due", "2026-02-30"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("YYYY-MM-DD"));

    result = home.run({"answer", "1.1.1", "--comment", "no answer yet"});
    CHECK(result.exit_code == 2);

    // Nothing above changed the store.
    CHECK(home.json({"status"})["pending_changes"] == 0);

    // A comment can be changed on its own once there is an answer.
    REQUIRE(home.run({"answer", "1.1.1", "ZA123456"}).exit_code == 0);
    REQUIRE(home.run({"answer", "1.1.1", "--comment", "renewed May 2025"}).exit_code == 0);
    const auto shown = home.json({"show", "1.1.1"});
    CHECK(shown["answer"]["value"] == "ZA123456");
    CHECK(shown["answer"]["comment"] == "renewed May 2025");
    CHECK(shown["answer"]["answered_by"] == "test manager");
}

TEST_CASE("evidence comes back byte for byte and counts for document items",
          "[integration][client]") {
    ClientHome home;
    home.init();
    const auto policy = home.make_file("privacy notice.pdf", 3 * 1024 * 1024 + 17);

    const auto added = home.run({"evidence", "add", "1.1.3", policy.string()});
    REQUIRE(added.exit_code == 0);
    const auto list = home.json({"evidence", "list", "1.1.3"});
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "privacy notice.pdf");
    CHECK(list[0]["size"] == 3 * 1024 * 1024 + 17);
    CHECK(list[0]["chunks"] == 4);
    CHECK(home.json({"show", "1.1.3"})["state"] == "satisfied");

    const auto id = list[0]["id"].get<std::string>();
    const auto copy = home.home() / "copy.pdf";
    REQUIRE(home.run({"evidence", "get", id, copy.string()}).exit_code == 0);
    CHECK(slurp(copy) == slurp(policy));

    // get never overwrites by accident.
    auto again = home.run({"evidence", "get", id, copy.string()});
    CHECK(again.exit_code == 2);
    CHECK(home.run({"evidence", "get", id, copy.string(), "--force"}).exit_code == 0);

    REQUIRE(home.run({"evidence", "remove", id}).exit_code == 0);
    CHECK(home.json({"evidence", "list"}).empty());
    CHECK(home.json({"show", "1.1.3"})["state"] == "unanswered");
    CHECK(home.run({"evidence", "get", id, (home.home() / "x").string()}).exit_code == 2);
    // Added and removed before any sync: there is nothing to tell the server.
    CHECK(home.json({"status"})["pending_changes"] == 0);
}

TEST_CASE("the action plan is kept per item", "[integration][client]") {
    ClientHome home;
    home.init();
    REQUIRE(home.run({"plan", "set", "3.2.1", "--action", "Book data security training", "--owner",
                      "Registered manager", "--due", "2026-03-31"})
                .exit_code == 0);
    REQUIRE(home.run({"plan", "set", "9.5.2", "--action", "Encrypt the office laptop", "--owner",
                      "IT supplier", "--due", "2026-01-15"})
                .exit_code == 0);
    auto plan = home.json({"plan", "list"});
    REQUIRE(plan.size() == 2);
    CHECK(plan[0]["item"] == "3.2.1");
    CHECK(plan[0]["owner"] == "Registered manager");
    CHECK(home.json({"show", "9.5.2"})["plan"]["due"] == "2026-01-15");

    REQUIRE(home.run({"plan", "remove", "3.2.1"}).exit_code == 0);
    CHECK(home.json({"plan", "list"}).size() == 1);
    CHECK(home.run({"plan", "remove", "3.2.1"}).exit_code == 2);
}

TEST_CASE("init refuses an existing store and an unknown year", "[integration][client]") {
    ClientHome home;
    home.init();
    const auto before = slurp(home.store_file());
    const auto again = home.run({"init"});
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Catch::Contains("already exists"));
    CHECK(slurp(home.store_file()) == before);

    ClientHome other;
    const auto bad_year = other.run({"init", "--year", "2019-20"});
    CHECK(bad_year.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(other.store_file()));

    ClientHome older;
    older.init("2023-24");
    CHECK(older.json({"status"})["levels"]["met"]["total"] == 39);
}

TEST_CASE("the passphrase check costs what DSPT_KDF asks, interactive unless told",
          "[integration][client]") {
    // The stored Argon2id parameters: "argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>".
    const auto kdf_of = [](const std::filesystem::path& store) {
        dspt::sqlite::Database db(store);
        dspt::sqlite::Statement stmt(db, "SELECT value FROM meta WHERE key = 'kdf_params'");
        REQUIRE(stmt.step());
        return stmt.column_text(0);
    };
    const auto init_with = [](const ClientHome& home, const std::string& kdf) {
        ProcessOptions options;
        options.env["DSPT_PASSPHRASE"] = ClientHome::kPassphrase;
        if (kdf.empty()) {
            options.unset_env = {"DSPT_KDF"};
        } else {
            options.env["DSPT_KDF"] = kdf;
        }
        return run_process(DSPT_CLIENT_BIN, {"--home", home.home().string(), "init"}, options);
    };

    ClientHome plain;
    REQUIRE(init_with(plain, "").exit_code == 0);
    CHECK_THAT(kdf_of(plain.store_file()), Catch::StartsWith("argon2id$v=19$m=65536,t=2,p=1$"));

    ClientHome stronger;
    REQUIRE(init_with(stronger, "moderate").exit_code == 0);
    CHECK_THAT(kdf_of(stronger.store_file()), Catch::StartsWith("argon2id$v=19$m=262144,t=3,"));
    CHECK(stronger.json({"status"})["levels"]["met"]["total"].get<int>() > 0);

    ClientHome wrong;
    const auto refused = init_with(wrong, "fast");
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("DSPT_KDF must be interactive, moderate or minimal"));
    CHECK_FALSE(std::filesystem::exists(wrong.store_file()));
}

TEST_CASE("commands without a store say how to make one", "[integration][client]") {
    ClientHome home;
    const auto result = home.run({"status"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("dspt init"));
}
