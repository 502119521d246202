// EvidenceTransfers: a file added on one store travels, chunk by sealed chunk,
// to another store of the organisation, which takes only chunks that open
// under the file's key in their place.

#include "client/store/evidence_transfer.hpp"

#include <future>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "client/store/local_store.hpp"
#include "client/store/outbox.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

namespace dspt::client::test {

namespace {

constexpr std::size_t kMiB = EvidenceStore::kChunkBytes;

// The register value the uploading store wrote to its outbox for `id`.
nlohmann::json register_value(LocalStore& store, const std::string& id) {
    for (const auto& entry : store.outbox().pending(100)) {
        if (entry.register_key == "evidence/" + id) {
            return entry.payload;
        }
    }
    FAIL("no outbox entry for evidence " << id);
    return {};
}

}  // namespace

TEST_CASE("a file travels chunk by chunk to another store and opens byte for byte",
          "[unit][client_sync]") {
    StoreHome here;
    StoreHome there;
    auto uploader = here.open();
    auto receiver = there.open();
    const auto organisation_key = crypto::SecretKey::generate();
    const auto content = pseudo_random_bytes(2 * kMiB + 777, 3);
    const auto file = uploader->evidence().add(kDocumentItem, here.make_file("plan.pdf", content));

    EvidenceTransfers sending(*uploader);
    REQUIRE(sending.uploads_pending().size() == 1);
    CHECK(sending.upload_bytes_pending() == content.size());
    sending.finish_upload(file.id, organisation_key);
    CHECK(sending.uploads_pending().empty());
    CHECK(uploader->evidence().find(file.id).transfer == EvidenceTransfer::synced);
    const auto value = register_value(*uploader, file.id);
    CHECK(value["chunks"] == 3);
    REQUIRE(value.contains("file_key"));
    CHECK(value["file_key"].get<std::string>().size() > 40);

    EvidenceTransfers receiving(*receiver);
    receiving.receive("", value, organisation_key);
    receiving.receive("", value, organisation_key);  // a second copy changes nothing
    REQUIRE(receiving.downloads_pending().size() == 1);
    const auto listed = receiver->evidence().list(kDocumentItem);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].name == "plan.pdf");
    CHECK(listed[0].transfer == EvidenceTransfer::downloading);
    CHECK_THAT(
        require_error(ErrorCode::failed_precondition,
                      [&] { receiver->evidence().get(file.id, there.dir.file("x"), false); }),
        Catch::Contains("dspt sync"));

    // Chunks out of place, altered or from beyond the file are refused.
    const auto chunk0 = sending.sealed_chunk(file.id, 0).sealed;
    const auto chunk1 = sending.sealed_chunk(file.id, 1).sealed;
    require_error(ErrorCode::corrupt,
                  [&] { receiving.store_chunk(file.id, 0, crypto::as_byte_view(chunk1)); });
    auto altered = chunk0;
    altered[40] ^= 1;
    require_error(ErrorCode::corrupt,
                  [&] { receiving.store_chunk(file.id, 0, crypto::as_byte_view(altered)); });
    require_error(ErrorCode::corrupt,
                  [&] { receiving.store_chunk(file.id, 3, crypto::as_byte_view(chunk0)); });
    CHECK(receiving.chunks_here(file.id).empty());

    // In any order, and resumable: the file is readable with its last chunk.
    receiving.store_chunk(file.id, 2,
                          crypto::as_byte_view(sending.sealed_chunk(file.id, 2).sealed));
    receiving.store_chunk(file.id, 0, crypto::as_byte_view(chunk0));
    CHECK(receiving.chunks_here(file.id) == std::vector<std::uint32_t>{0, 2});
    CHECK(receiving.downloads_pending().size() == 1);
    receiving.store_chunk(file.id, 1, crypto::as_byte_view(chunk1));
    CHECK(receiving.downloads_pending().empty());
    CHECK(there.read_evidence(*receiver, file.id) == content);
    // Nothing of it goes back: the receiver has nothing to upload or push.
    CHECK(receiving.uploads_pending().empty());
    CHECK(receiver->outbox().pending_count() == 0);

    receiving.forget(file.id);
    CHECK(receiver->evidence().list(std::nullopt).empty());
}

TEST_CASE("the next chunk is read on another thread while the store serves this one",
          "[unit][client_sync]") {
    StoreHome here;
    auto store = here.open();
    const auto content = pseudo_random_bytes(2 * kMiB + 777, 5);
    const auto file = store->evidence().add(kDocumentItem, here.make_file("plan.pdf", content));
    EvidenceTransfers transfers(*store);
    std::vector<std::string> expected;
    for (std::uint32_t index = 0; index < 3; ++index) {
        expected.push_back(transfers.sealed_chunk(file.id, index).sealed);
    }
    // As an upload runs: the chunks read ahead on one thread while this one writes to
    // the store, as a request taking MAC counters from it does.
    for (int round = 0; round < 40; ++round) {
        auto reading = std::async(std::launch::async, [&] {
            std::vector<std::string> chunks;
            for (std::uint32_t index = 0; index < 3; ++index) {
                chunks.push_back(transfers.sealed_chunk(file.id, index).sealed);
            }
            return chunks;
        });
        for (int write = 0; write < 100; ++write) {
            sqlite::Transaction tx(store->database(), sqlite::TransactionBehavior::immediate);
            sqlite::Statement set(store->database(),
                                  "INSERT OR REPLACE INTO meta(key, value) VALUES('test', ?1)");
            set.bind(1, sqlite::Blob(crypto::Bytes(8, static_cast<unsigned char>(write))));
            set.execute();
            tx.commit();
        }
        CHECK(reading.get() == expected);
    }
}

TEST_CASE("a file record that does not add up, or a key from another organisation, is refused",
          "[unit][client_sync]") {
    StoreHome here;
    StoreHome there;
    auto uploader = here.open();
    auto receiver = there.open();
    const auto organisation_key = crypto::SecretKey::generate();
    const auto file = uploader->evidence().add(kDocumentItem,
                                               here.make_file("a.pdf", pseudo_random_bytes(10, 1)));
    EvidenceTransfers(*uploader).finish_upload(file.id, organisation_key);
    const auto value = register_value(*uploader, file.id);
    EvidenceTransfers receiving(*receiver);

    require_error(ErrorCode::authentication_failed,
                  [&] { receiving.receive("", value, crypto::SecretKey::generate()); });
    auto wrong = value;
    wrong["chunks"] = 2;  // 10 bytes are one chunk
    require_error(ErrorCode::invalid_argument,
                  [&] { receiving.receive("", wrong, organisation_key); });
    wrong = value;
    wrong["size"] = "10";
    require_error(ErrorCode::invalid_argument,
                  [&] { receiving.receive("", wrong, organisation_key); });
    wrong = value;
    wrong["item"] = "9.9.9";
    require_error(ErrorCode::not_found, [&] { receiving.receive("", wrong, organisation_key); });
    CHECK(receiver->evidence().list(std::nullopt).empty());

    // Another site's file, on a headquarters device, is kept apart.
    receiving.receive("VA002", value, organisation_key);
    CHECK(receiver->evidence().list(std::nullopt).empty());
    require_error(ErrorCode::forbidden, [&] { receiver->evidence().remove(file.id); });
    receiver->use_scope("VA002");
    const auto kept = receiver->evidence().list(std::nullopt);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].scope == "VA002");
}

}  // namespace dspt::client::test
