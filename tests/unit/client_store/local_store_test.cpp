// Creating, opening and unlocking the store: passphrases, schema versions,
// file permissions.

#include <string>
#include <sys/stat.h>
#include <vector>

#include "client/actions/plan_change.hpp"
#include "client/store/schema.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

// Every sealed blob in the store, in a fixed order.
std::vector<Bytes> sealed_blobs(const fs::path& path) {
    RawDb raw(path);
    std::vector<Bytes> blobs;
    for (const auto* sql : {
             "SELECT item_id, value, comment, answered_by FROM answers ORDER BY item_id",
             "SELECT item_id, entry FROM plan_entries ORDER BY item_id",
             "SELECT id, manifest, file_key FROM evidence ORDER BY id",
             "SELECT evidence_id, idx, data FROM evidence_chunks ORDER BY evidence_id, idx",
             "SELECT seq, payload FROM outbox ORDER BY seq",
         }) {
        auto rows = raw.rows(sql);
        blobs.insert(blobs.end(), rows.begin(), rows.end());
    }
    return blobs;
}

Bytes meta_value(const fs::path& path, std::string_view key) {
    RawDb raw(path);
    return raw.blob("SELECT value FROM meta WHERE key = ?1", key);
}

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode & 07777);
}

}  // namespace

TEST_CASE("A new store opens with its passphrase and knows its site and year",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    CHECK(store->info().year == kYear);
    CHECK(store->info().site_name == "Rose Lodge Care Home");
    CHECK(store->info().replica_id.size() == 36);
    CHECK(store->info().created_at_ms > 0);
    CHECK_FALSE(store->info().custom_pack);
    CHECK(store->pack() == standards::bundled_pack(kYear));
    CHECK(store->answers().empty());
    CHECK(store->plan().empty());
    CHECK(store->evidence().list(std::nullopt).empty());
    CHECK_FALSE(store->cyber_essentials_plus_expires().has_value());
    CHECK_THAT(require_error(ErrorCode::not_found, [&] { store->item("9.9.9"); }),
               Catch::Contains("9.9.9") && Catch::Contains("2025-26"));

    // Another store gets another replica id.
    StoreHome other;
    CHECK(other.open()->info().replica_id != store->info().replica_id);
}

TEST_CASE("The store file and its directory are private to the user", "[unit][client_store]") {
    StoreHome home;
    CHECK(mode_of(home.path.parent_path()) == 0700);
    CHECK(mode_of(home.path) == 0600);
    auto store = home.open();
    store->set_answer(kTextItem, "An answer", std::nullopt, "Alice");
    const fs::path wal = home.path.string() + "-wal";
    REQUIRE(fs::exists(wal));
    CHECK(mode_of(wal) == 0600);
}

TEST_CASE("A wrong passphrase is refused and leaves the file untouched", "[unit][client_store]") {
    StoreHome home;
    {
        auto store = home.open();
        store->set_answer(kTextItem, "An answer", "a comment", "Alice");
    }
    const auto before = hash_of(store_file_bytes(home.path));

    const auto message = require_error(ErrorCode::wrong_passphrase,
                                       [&] { home.open("correct horse battery stapler"); });
    CHECK_THAT(message, Catch::Contains("passphrase"));
    require_error(ErrorCode::wrong_passphrase, [&] { home.open(""); });
    require_error(ErrorCode::wrong_passphrase,
                  [&] { home.open(std::string(kPassphrase).substr(1)); });

    CHECK(hash_of(store_file_bytes(home.path)) == before);
    CHECK(home.open()->answer(kTextItem)->value == "An answer");
}

TEST_CASE("Changing the passphrase re-wraps only the data key", "[unit][client_store]") {
    StoreHome home;
    const auto content = pseudo_random_bytes(EvidenceStore::kChunkBytes + 10, 3);
    std::string evidence_id;
    {
        auto store = home.open();
        store->set_answer(kTextItem, "An answer", "a comment", "Alice");
        store->set_answer(kConfirmItem, "no", std::nullopt, "Alice");
        store->set_plan_entry(plan_entry(kConfirmItem, "Fix it"));
        evidence_id = store->evidence().add(kDocumentItem, home.make_file("e.bin", content)).id;
    }
    const auto blobs_before = sealed_blobs(home.path);
    REQUIRE(blobs_before.size() > 10);
    const auto wrapped_before = meta_value(home.path, "wrapped_data_key");
    const auto params_before = meta_value(home.path, "kdf_params");

    constexpr std::string_view kNewPassphrase = "a much longer new passphrase";
    {
        auto store = home.open();
        require_error(ErrorCode::invalid_argument,
                      [&] { store->change_passphrase("", crypto::KdfStrength::minimal); });
        store->change_passphrase(kNewPassphrase, crypto::KdfStrength::minimal);
        // The open store keeps working.
        CHECK(store->answer(kTextItem)->value == "An answer");
    }

    CHECK(sealed_blobs(home.path) == blobs_before);
    CHECK(meta_value(home.path, "wrapped_data_key") != wrapped_before);
    CHECK(meta_value(home.path, "kdf_params") != params_before);  // a fresh salt

    require_error(ErrorCode::wrong_passphrase, [&] { home.open(); });
    auto store = home.open(kNewPassphrase);
    const auto answers = store->answers();
    REQUIRE(answers.size() == 2);
    CHECK(answers.at("1.1.1").value == "An answer");
    CHECK(answers.at("1.1.1").comment == "a comment");
    CHECK(store->plan().at("1.1.6").action == "Fix it");
    CHECK(home.read_evidence(*store, evidence_id) == content);
    const auto entries = store->outbox().pending(100);
    REQUIRE(entries.size() == 3);  // the evidence file waits for its upload
    CHECK(entries[0].payload["value"] == "An answer");
}

TEST_CASE("Editing the store's key settings makes it refuse to open", "[unit][client_store]") {
    StoreHome home;
    {
        RawDb raw(home.path);
        SECTION("replica id") {
            raw.run("UPDATE meta SET value = ?1 WHERE key = 'replica_id'",
                    Bytes{'0', '0', '0', '0'});
        }
        SECTION("year") {
            raw.run("UPDATE meta SET value = ?1 WHERE key = 'year'",
                    Bytes{'2', '0', '2', '4', '-', '2', '5'});
        }
        SECTION("wrapped key") {
            const auto wrapped = raw.blob("SELECT value FROM meta WHERE key = 'wrapped_data_key'");
            raw.run("UPDATE meta SET value = ?1 WHERE key = 'wrapped_data_key'",
                    flip_byte(wrapped, 40));
        }
    }
    const auto error = thrown_error([&] { home.open(); });
    REQUIRE(error.has_value());
    INFO(error->what());
    CHECK((error->code() == ErrorCode::wrong_passphrase || error->code() == ErrorCode::corrupt));
}

TEST_CASE("create() never overwrites a store and open() never creates one",
          "[unit][client_store]") {
    StoreHome home;
    {
        auto store = home.open();
        store->set_answer(kTextItem, "Precious answer", std::nullopt, "Alice");
    }
    const auto before = hash_of(store_file_bytes(home.path));
    CHECK_THAT(require_error(ErrorCode::already_exists,
                             [&] { LocalStore::create(home.path, "another", test_options()); }),
               Catch::Contains(home.path.string()));
    CHECK(hash_of(store_file_bytes(home.path)) == before);
    CHECK(home.open()->answer(kTextItem)->value == "Precious answer");

    const auto missing = home.dir.file("nowhere/store.db");
    require_error(ErrorCode::not_found, [&] { LocalStore::open(missing, kPassphrase); });
    CHECK_FALSE(fs::exists(missing));
    CHECK_FALSE(fs::exists(missing.parent_path()));

    const auto empty_pass = home.dir.file("second/store.db");
    require_error(ErrorCode::invalid_argument,
                  [&] { LocalStore::create(empty_pass, "", test_options()); });
    CHECK_FALSE(fs::exists(empty_pass));
}

TEST_CASE("A store written by a newer dspt is refused and left alone", "[unit][client_store]") {
    StoreHome home;
    {
        RawDb raw(home.path);
        raw.db().set_user_version(kClientSchemaVersion + 1);
    }
    const auto before = hash_of(store_file_bytes(home.path));
    CHECK_THAT(require_error(ErrorCode::schema_too_new, [&] { home.open(); }),
               Catch::Contains(std::to_string(kClientSchemaVersion + 1)));
    CHECK(hash_of(store_file_bytes(home.path)) == before);
    RawDb raw(home.path);
    CHECK(raw.db().user_version() == kClientSchemaVersion + 1);
}

TEST_CASE("open() refuses a file that is not a dspt store without changing it",
          "[unit][client_store]") {
    TempDir dir;
    const auto path = dir.file("other.db");
    SECTION("another program's database") {
        {
            sqlite::Database other(path);
            other.execute("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('x');");
        }
        const auto before = hash_of(store_file_bytes(path));
        require_error(ErrorCode::corrupt, [&] { LocalStore::open(path, kPassphrase); });
        CHECK(hash_of(store_file_bytes(path)) == before);
        RawDb raw(path);
        CHECK(raw.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'answers'") == 0);
        CHECK(raw.db().user_version() == 0);
    }
    SECTION("an empty file") {
        write_bytes(path, {});
        require_error(ErrorCode::corrupt, [&] { LocalStore::open(path, kPassphrase); });
        CHECK(fs::file_size(path) == 0);
        // And create() still refuses to overwrite it.
        require_error(ErrorCode::already_exists,
                      [&] { LocalStore::create(path, kPassphrase, test_options()); });
    }
}

TEST_CASE("The Cyber Essentials Plus expiry is kept and synced", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto date = Date::parse("2026-05-01");
    REQUIRE(date);
    store->set_cyber_essentials_plus_expires(*date);
    CHECK(store->cyber_essentials_plus_expires() == date);
    CHECK(store->assessment().profile.cyber_essentials_plus_expires == date);
    store->set_cyber_essentials_plus_expires(std::nullopt);
    CHECK_FALSE(store->cyber_essentials_plus_expires().has_value());
    const auto entries = store->outbox().pending(10);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].register_key == "profile/cyber_essentials_plus");
    CHECK(entries[0].payload == nlohmann::json{{"expires", "2026-05-01"}});
    CHECK(entries[1].payload == nlohmann::json{{"deleted", true}});
}

TEST_CASE("a plan change is checked once for the command line and the screen",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();

    const auto entry =
        apply_plan_change(*store, {std::string(kConfirmItem), "Train every member of staff",
                                   "Registered manager", "2026-03-31"});
    CHECK(entry.due.to_string() == "2026-03-31");
    REQUIRE(store->plan().count(std::string(kConfirmItem)) == 1);
    CHECK(store->plan().at(std::string(kConfirmItem)).owner == "Registered manager");

    CHECK_THAT(require_error(ErrorCode::invalid_argument,
                             [&] {
                                 apply_plan_change(*store, {std::string(kTextItem), "Review",
                                                            "Manager", "2026-02-30"});
                             }),
               Catch::Contains("needs a real due date written YYYY-MM-DD, not \"2026-02-30\""));
    CHECK_THAT(
        require_error(
            ErrorCode::invalid_argument,
            [&] {
                apply_plan_change(*store, {std::string(kTextItem), "Review", "  ", "2026-02-28"});
            }),
        Catch::Contains("needs an owner"));
    require_error(ErrorCode::not_found, [&] {
        apply_plan_change(*store, {"9.9.9", "Review", "Manager", "2026-02-28"});
    });
    CHECK(store->plan().size() == 1);
}
