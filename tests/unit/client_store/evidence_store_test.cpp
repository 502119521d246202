// Evidence files: chunking, exact read-back, tampering with chunks, removal.

#include <cstdint>
#include <string>
#include <vector>

#include "client/store/evidence_format.hpp"
#include "client/store/evidence_transfer.hpp"
#include "client/store/schema.hpp"
#include "common/crypto/aead.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/text.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

constexpr std::size_t kMiB = EvidenceStore::kChunkBytes;

std::int64_t chunk_rows(RawDb& raw, std::string_view id) {
    return raw.integer("SELECT COUNT(*) FROM evidence_chunks WHERE evidence_id = ?1", id);
}

// Files left in `dir` other than the inputs the test made.
std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("Evidence is split into 1 MiB chunks and read back byte for byte",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    RawDb raw(home.path);

    struct Case {
        std::size_t size;
        std::uint64_t chunks;
    };
    const std::vector<Case> cases = {{0, 0}, {1, 1}, {kMiB, 1}, {kMiB + 1, 2}, {2 * kMiB + 7, 3}};
    std::uint32_t seed = 1;
    for (const auto& c : cases) {
        INFO("file of " << c.size << " bytes");
        const auto content = pseudo_random_bytes(c.size, seed++);
        const auto name = "evidence-" + std::to_string(c.size) + ".bin";
        const auto file = home.make_file(name, content);

        std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
        const auto added = store->evidence().add(
            kDocumentItem, file,
            [&](std::uint64_t done, std::uint64_t total) { progress.emplace_back(done, total); });
        CHECK(added.size == c.size);
        CHECK(added.chunk_count == c.chunks);
        CHECK(added.name == name);
        CHECK(added.item_id == kDocumentItem);
        CHECK(progress.size() == c.chunks);
        if (!progress.empty()) {
            CHECK(progress.back() == std::make_pair(std::uint64_t{c.size}, std::uint64_t{c.size}));
        }

        // The rows on disk: indices 0..n-1, each chunk the plaintext plus the AEAD overhead.
        CHECK(chunk_rows(raw, added.id) == static_cast<std::int64_t>(c.chunks));
        std::uint64_t stored = 0;
        for (std::uint64_t i = 0; i < c.chunks; ++i) {
            sqlite::Statement chunk(raw.db(),
                                    "SELECT length(data) FROM evidence_chunks"
                                    " WHERE evidence_id = ?1 AND idx = ?2");
            chunk.bind(1, added.id);
            chunk.bind(2, static_cast<std::int64_t>(i));
            REQUIRE(chunk.step());
            const auto length = static_cast<std::uint64_t>(chunk.column_int64(0));
            CHECK(length > crypto::Aead::kOverheadBytes);
            CHECK(length <= kMiB + crypto::Aead::kOverheadBytes);
            stored += length - crypto::Aead::kOverheadBytes;
        }
        CHECK(stored == c.size);

        const auto found = store->evidence().find(added.id);
        CHECK(found.size == c.size);
        CHECK(found.chunk_count == c.chunks);
        CHECK(found.name == name);

        const auto back = home.read_evidence(*store, added.id);
        CHECK(back.size() == c.size);
        CHECK(back == content);
    }
    // Every file is listed, oldest first, and the assessment sees them.
    const auto files = store->evidence().list(kDocumentItem);
    REQUIRE(files.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        CHECK(files[i].size == cases[i].size);
    }
    CHECK(store->evidence().list(kTextItem).empty());
    CHECK(store->assessment().evidence.size() == cases.size());

    // After reopening, the content is still exactly the same.
    const auto id = files[3].id;
    store.reset();
    auto reopened = home.open();
    CHECK(home.read_evidence(*reopened, id) == pseudo_random_bytes(kMiB + 1, 4));
}

TEST_CASE("Evidence get() writes atomically and honours overwrite", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto added =
        store->evidence().add(kDocumentItem, home.make_file("policy.pdf", "the new policy"));
    const auto out = home.dir.file("out.pdf");
    write_bytes(out, Bytes{'o', 'l', 'd'});

    require_error(ErrorCode::already_exists, [&] { store->evidence().get(added.id, out, false); });
    CHECK(read_bytes(out) == Bytes{'o', 'l', 'd'});

    store->evidence().get(added.id, out, true);
    const auto back = read_bytes(out);
    CHECK(std::string(back.begin(), back.end()) == "the new policy");

    require_error(ErrorCode::not_found,
                  [&] { store->evidence().get("no-such-id", home.dir.file("x"), false); });
    CHECK_FALSE(fs::exists(home.dir.file("x")));
    require_error(ErrorCode::not_found,
                  [&] { store->evidence().add("9.9.9", home.dir.file("policy.pdf")); });
    require_error(ErrorCode::not_found,
                  [&] { store->evidence().add(kDocumentItem, home.dir.file("missing.pdf")); });
    require_error(ErrorCode::not_found,
                  [&] { store->evidence().add(kDocumentItem, home.dir.path()); });
    CHECK(store->evidence().list(std::nullopt).size() == 1);
    // A file waits for its upload; its register entry comes once it is on the server.
    CHECK(store->evidence().list(std::nullopt)[0].transfer == EvidenceTransfer::to_upload);
    CHECK(store->outbox().pending_count() == 0);
}

TEST_CASE(
    "Evidence chunks moved, swapped or dropped make get() fail instead of returning "
    "other bytes",
    "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto two_chunks = pseudo_random_bytes(2 * kMiB, 11);  // two full chunks
    const auto big = store->evidence().add(kDocumentItem, home.make_file("big.bin", two_chunks));
    const auto small_a_content = pseudo_random_bytes(1000, 12);
    const auto small_b_content = pseudo_random_bytes(1000, 13);
    const auto small_a =
        store->evidence().add(kDocumentItem, home.make_file("a.bin", small_a_content));
    const auto small_b = store->evidence().add(kTextItem, home.make_file("b.bin", small_b_content));
    REQUIRE(big.chunk_count == 2);
    const auto inputs = names_in(home.dir.path());

    RawDb raw(home.path);
    std::string victim;
    SECTION("two chunks of one file swapped") {
        victim = big.id;
        const auto first =
            raw.blob("SELECT data FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 0", big.id);
        const auto second =
            raw.blob("SELECT data FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 1", big.id);
        raw.run("UPDATE evidence_chunks SET data = ?1 WHERE evidence_id = ?2 AND idx = 0", second,
                big.id);
        raw.run("UPDATE evidence_chunks SET data = ?1 WHERE evidence_id = ?2 AND idx = 1", first,
                big.id);
    }
    SECTION("a chunk copied from another file") {
        victim = small_b.id;
        const auto other = raw.blob(
            "SELECT data FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 0", small_a.id);
        raw.run("UPDATE evidence_chunks SET data = ?1 WHERE evidence_id = ?2 AND idx = 0", other,
                small_b.id);
    }
    SECTION("the last chunk deleted") {
        victim = big.id;
        raw.run("DELETE FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 1", big.id);
    }
    SECTION("the first chunk deleted") {
        victim = big.id;
        raw.run("DELETE FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 0", big.id);
    }
    SECTION("an extra chunk appended") {
        victim = big.id;
        raw.run(
            "INSERT INTO evidence_chunks(evidence_id, idx, data) SELECT evidence_id, 2, data"
            " FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 1",
            big.id);
    }
    SECTION("one byte of a chunk flipped") {
        victim = big.id;
        const auto data =
            raw.blob("SELECT data FROM evidence_chunks WHERE evidence_id = ?1 AND idx = 1", big.id);
        raw.run("UPDATE evidence_chunks SET data = ?1 WHERE evidence_id = ?2 AND idx = 1",
                flip_byte(data, data.size() / 2), big.id);
    }

    const auto out = home.dir.file("restored.bin");
    const auto message =
        require_error(ErrorCode::corrupt, [&] { store->evidence().get(victim, out, false); });
    CHECK_THAT(message, Catch::Contains(victim));
    // Nothing is written: neither the file nor a partial one.
    CHECK_FALSE(fs::exists(out));
    CHECK(names_in(home.dir.path()) == inputs);

    // The other files are intact.
    if (victim != big.id) {
        CHECK(home.read_evidence(*store, big.id) == two_chunks);
    }
    CHECK(home.read_evidence(*store, small_a.id) == small_a_content);
    if (victim != small_b.id) {
        CHECK(home.read_evidence(*store, small_b.id) == small_b_content);
    }
}

TEST_CASE("Evidence metadata edited in clear is refused, not shown", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto added = store->evidence().add(kDocumentItem, home.make_file("policy.pdf", "12345"));
    const auto other = store->evidence().add(kDocumentItem, home.make_file("other.pdf", "678"));
    RawDb raw(home.path);

    SECTION("size") {
        raw.run("UPDATE evidence SET size = 999999 WHERE id = ?1", added.id);
    }
    SECTION("chunk count") {
        raw.run("UPDATE evidence SET chunk_count = 7 WHERE id = ?1", added.id);
    }
    SECTION("moved to another item") {
        // Evidence attached to another item would count towards that item.
        raw.run("UPDATE evidence SET item_id = '1.1.1' WHERE id = ?1", added.id);
    }
    CHECK_THAT(require_error(ErrorCode::corrupt, [&] { store->evidence().find(added.id); }),
               Catch::Contains(added.id));
    require_error(ErrorCode::corrupt, [&] { store->evidence().list(std::nullopt); });
    require_error(ErrorCode::corrupt, [&] { store->assessment(); });
    require_error(ErrorCode::corrupt, [&] { home.read_evidence(*store, added.id); });
    CHECK(store->evidence().find(other.id).size == 3);
    CHECK(home.read_evidence(*store, other.id) == Bytes{'6', '7', '8'});
}

TEST_CASE("Removing evidence deletes its chunks and records a tombstone", "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto kept_content = pseudo_random_bytes(kMiB + 5, 21);
    const auto removed = store->evidence().add(
        kDocumentItem, home.make_file("old.pdf", pseudo_random_bytes(kMiB + 3, 22)));
    const auto kept = store->evidence().add(kDocumentItem, home.make_file("new.pdf", kept_content));
    // Both are on the server: their register entries are in the outbox.
    const auto organisation_key = crypto::SecretKey::generate();
    EvidenceTransfers(*store).finish_upload(removed.id, organisation_key);
    EvidenceTransfers(*store).finish_upload(kept.id, organisation_key);
    RawDb raw(home.path);
    REQUIRE(chunk_rows(raw, removed.id) == 2);

    store->evidence().remove(removed.id);

    CHECK(chunk_rows(raw, removed.id) == 0);
    CHECK(raw.integer("SELECT COUNT(*) FROM evidence WHERE id = ?1", removed.id) == 0);
    CHECK(chunk_rows(raw, kept.id) == 2);
    require_error(ErrorCode::not_found, [&] { store->evidence().find(removed.id); });
    require_error(ErrorCode::not_found,
                  [&] { store->evidence().get(removed.id, home.dir.file("x"), false); });
    const auto listed = store->evidence().list(kDocumentItem);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].id == kept.id);
    CHECK(home.read_evidence(*store, kept.id) == kept_content);

    const auto entries = store->outbox().pending(100);
    REQUIRE(entries.size() == 3);
    const auto& tombstone = entries[2];
    CHECK(tombstone.seq == 3);
    CHECK(tombstone.register_key == "evidence/" + removed.id);
    CHECK(tombstone.seen.empty());
    CHECK(tombstone.payload == nlohmann::json{{"id", removed.id},
                                              {"item", std::string(kDocumentItem)},
                                              {"deleted", true}});
    CHECK(tombstone.hlc > entries[1].hlc);

    // Removing it again changes nothing.
    require_error(ErrorCode::not_found, [&] { store->evidence().remove(removed.id); });
    CHECK(store->outbox().pending_count() == 3);

    // A file removed before it was uploaded leaves no trace for other devices.
    const auto unsent = store->evidence().add(kDocumentItem, home.make_file("draft.pdf", "x"));
    store->evidence().remove(unsent.id);
    CHECK(store->outbox().pending_count() == 3);
    CHECK(chunk_rows(raw, unsent.id) == 0);
}

TEST_CASE("A store with the version 3 chunk table is migrated and its evidence reads back",
          "[unit][client_store]") {
    StoreHome home;
    const auto content = pseudo_random_bytes(2 * kMiB + 100, 77);
    std::string id;
    {
        auto store = home.open();
        id = store->evidence().add(kDocumentItem, home.make_file("policy.pdf", content)).id;
    }
    {
        // The chunks back in a WITHOUT ROWID table, as version 3 kept them, and
        // none of the later tables.
        RawDb raw(home.path);
        raw.execute(R"sql(
            BEGIN;
            CREATE TABLE evidence_chunks_v3 (
                evidence_id TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
                idx         INTEGER NOT NULL,
                data        BLOB NOT NULL,
                PRIMARY KEY (evidence_id, idx)
            ) WITHOUT ROWID;
            INSERT INTO evidence_chunks_v3 SELECT evidence_id, idx, data FROM evidence_chunks;
            DROP TABLE evidence_chunks;
            ALTER TABLE evidence_chunks_v3 RENAME TO evidence_chunks;
            DROP TABLE to_review;  -- added by version 5
            ALTER TABLE register_versions DROP COLUMN seen;  -- added by version 6
            ALTER TABLE outbox DROP COLUMN seen;
            DROP INDEX outbox_set_aside;  -- added by version 8
            ALTER TABLE outbox DROP COLUMN set_aside;  -- added by version 7
            PRAGMA user_version = 3;
            COMMIT;
        )sql");
    }
    auto store = home.open();
    CHECK(home.read_evidence(*store, id) == content);
    RawDb raw(home.path);
    CHECK(raw.db().user_version() == kClientSchemaVersion);
    CHECK(raw.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'evidence_chunks' AND "
                      "sql LIKE '%WITHOUT ROWID%'") == 0);
    CHECK(chunk_rows(raw, id) == 3);
    // Removing the file still takes its chunks with it.
    store->evidence().remove(id);
    CHECK(chunk_rows(raw, id) == 0);
}

TEST_CASE(
    "A file name that could split a header or name a path is refused when added and "
    "when another device's record carries it",
    "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const std::string injected = "a\r\nSet-Cookie: evil=1\r\nx.pdf";
    const auto file = home.make_file("plain.pdf", "content");
    const auto renamed = file.parent_path() / injected;
    fs::rename(file, renamed);
    CHECK_THAT(require_error(ErrorCode::invalid_argument,
                             [&] { store->evidence().add(kDocumentItem, renamed); }),
               Catch::Contains("holds a control character (0x0D)"));
    CHECK(store->evidence().list(kDocumentItem).empty());
    CHECK(store->outbox().pending_count() == 0);

    // Another device's record: this store's own record, as a second device would pull it.
    const auto organisation_key = crypto::SecretKey::generate();
    const auto added = store->evidence().add(kDocumentItem, home.make_file("policy.pdf", "x"));
    EvidenceTransfers(*store).finish_upload(added.id, organisation_key);
    const auto record = store->outbox().pending(10).back().payload;
    const auto file_key = crypto::unwrap_key(
        organisation_key, crypto::from_base64(record["file_key"].get<std::string>()),
        crypto::as_byte_view(evidence_format::organisation_key_ad(added.id)));

    StoreHome other_home;
    auto other = other_home.open();
    for (const std::string& bad : {injected, std::string("..\\evil.pdf"), std::string("dir/x.pdf"),
                                   std::string("\x1b[2Jx.pdf"), std::string("\xff\xfe.pdf")}) {
        CAPTURE(bad);
        // Sealed by a device of the organisation that means harm (raw bytes: the
        // name need not be valid UTF-8)...
        std::string quoted = "\"" + bad + "\"";
        if (is_valid_utf8(bad)) {
            quoted = nlohmann::json(bad).dump();
        }
        const std::string hidden =
            "{\"name\":" + quoted + ",\"blake2b\":\"" + std::string(64, 'a') + "\"}";
        auto sealed = record;
        sealed["sealed"] = crypto::to_base64(crypto::Aead::seal(
            file_key, crypto::as_byte_view(hidden),
            crypto::as_byte_view(evidence_format::sealed_manifest_ad(added.id))));
        // ... or in clear, as earlier versions sent records.
        auto clear = record;
        clear.erase("sealed");
        clear["name"] = bad;
        clear["blake2b"] = std::string(64, 'a');
        for (const nlohmann::json& tampered : {sealed, clear}) {
            CHECK_THAT(
                require_error(
                    ErrorCode::invalid_argument,
                    [&] { EvidenceTransfers(*other).receive("", tampered, organisation_key); }),
                Catch::Contains("file name") || Catch::Contains("sealed part is not JSON"));
        }
    }
    CHECK(other->evidence().list(kDocumentItem).empty());
    EvidenceTransfers(*other).receive("", record, organisation_key);
    REQUIRE(other->evidence().list(kDocumentItem).size() == 1);
    CHECK(other->evidence().list(kDocumentItem)[0].name == "policy.pdf");

    // A record an earlier version sent, name and hash in clear, still opens.
    auto earlier = record;
    earlier.erase("sealed");
    earlier["name"] = "policy (2024).pdf";
    earlier["blake2b"] = crypto::to_hex(crypto::blake2b(crypto::as_byte_view(std::string("x"))));
    StoreHome third_home;
    auto third = third_home.open();
    EvidenceTransfers(*third).receive("", earlier, organisation_key);
    REQUIRE(third->evidence().list(kDocumentItem).size() == 1);
    CHECK(third->evidence().list(kDocumentItem)[0].name == "policy (2024).pdf");

    // A sealed part altered, or moved from another file, does not open.
    auto altered = record;
    auto bytes = crypto::from_base64(record["sealed"].get<std::string>());
    bytes.back() ^= 1;
    altered["sealed"] = crypto::to_base64(bytes);
    StoreHome fourth_home;
    auto fourth = fourth_home.open();
    require_error(ErrorCode::authentication_failed,
                  [&] { EvidenceTransfers(*fourth).receive("", altered, organisation_key); });
    CHECK(fourth->evidence().list(kDocumentItem).empty());
}
