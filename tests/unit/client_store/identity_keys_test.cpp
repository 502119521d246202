// A device's secret keys in memory: opened from the store into guarded memory
// only, so no freed, unwiped copy is left in the process's ordinary heap for a
// core dump, a swap file or a later bug to show.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "client/store/identity_store.hpp"
#include "common/crypto/constant_time.hpp"
#include "common/crypto/random.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedHeap = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizedHeap = true;
#else
constexpr bool kSanitizedHeap = false;
#endif
#else
constexpr bool kSanitizedHeap = false;
#endif

// Whether `secret` appears anywhere in the process's main heap (the [heap]
// mapping of /proc/self/maps), live or freed: the C library does not wipe
// what it frees, so a key that passed through a std::string stays there.
bool in_heap(crypto::ByteView secret) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        if (!line.ends_with("[heap]")) {
            continue;
        }
        std::uintptr_t start = 0;
        std::uintptr_t end = 0;
        REQUIRE(std::sscanf(line.c_str(), "%lx-%lx", &start, &end) == 2);
        const auto* first = reinterpret_cast<const unsigned char*>(start);
        const auto* last = reinterpret_cast<const unsigned char*>(end);
        return std::search(first, last, secret.begin(), secret.end()) != last;
    }
    return false;
}

}  // namespace

TEST_CASE("a device's secret keys are read from the store into guarded memory, never the heap",
          "[unit][client_store]") {
    if (kSanitizedHeap) {
        // AddressSanitizer's allocator does not use the [heap] mapping.
        WARN("skipped under AddressSanitizer");
        return;
    }
    StoreHome home;
    auto store = home.open();

    // The search finds a key that did pass through the heap: one sealed as an
    // ordinary field and read back with open(), which returns a std::string.
    const auto marker = crypto::SecretKey::generate();
    crypto::SecureBuffer field(96);  // the marker in the last 32 bytes, like a box key
    std::copy(marker.view().begin(), marker.view().end(), field.mutable_view().begin() + 64);
    const auto sealed = store->sealer().seal(
        "meta", "k", "value",
        std::string_view(reinterpret_cast<const char*>(field.view().data()), field.size()));
    REQUIRE_FALSE(in_heap(marker.view()));
    (void)store->sealer().open("meta", "k", "value", sealed, "test field");
    CHECK(in_heap(marker.view()));

    const auto pending = enrolment_keys(*store, "3f2a9c0d17e4b5a6");
    const auto kept = enrolment_keys(*store, "3f2a9c0d17e4b5a6");  // opens the kept record
    REQUIRE(crypto::constant_time_equal(kept.box.secret_key(), pending.box.secret_key()));
    CHECK_FALSE(in_heap(kept.box.secret_key()));

    save_identity(*store, acorn_branch_device());
    const auto loaded = load_identity(*store);
    REQUIRE(loaded.has_value());
    REQUIRE(loaded->box.secret_key().size() == crypto::BoxKeyPair::kSecretKeyBytes);
    CHECK_FALSE(in_heap(loaded->box.secret_key()));
    CHECK_FALSE(in_heap(loaded->signing.secret_key().subspan(16, 16)));  // of the seed
}

TEST_CASE("a sealed key field opens only into guarded memory, and a damaged one reads as damage",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    const auto key = crypto::random_bytes(32);
    const auto sealed = store->sealer().seal(
        "meta", "k", "value", std::string_view(reinterpret_cast<const char*>(key.data()), 32));

    const crypto::SecureBuffer opened =
        store->sealer().open_secret("meta", "k", "value", sealed, "test key");
    CHECK(crypto::constant_time_equal(opened.view(), key));

    // Another row's associated data, a changed byte, a value too short to be sealed.
    const auto open = [&](std::string_view row, const crypto::Bytes& bytes) {
        return [&store, row, bytes] {
            (void)store->sealer().open_secret("meta", row, "value", bytes, "test key");
        };
    };
    CHECK(require_error(ErrorCode::corrupt, open("j", sealed)) ==
          "the stored test key fails its integrity check: the store was changed outside dspt or "
          "is damaged");
    auto changed = sealed;
    changed.back() ^= 1;
    CHECK_THAT(require_error(ErrorCode::corrupt, open("k", changed)),
               Catch::Contains("fails its integrity check"));
    CHECK_THAT(require_error(ErrorCode::corrupt, open("k", crypto::Bytes(10))),
               Catch::Contains("fails its integrity check"));
}
