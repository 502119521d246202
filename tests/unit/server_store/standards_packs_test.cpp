// Standards packs an operator installs in the server store, and the pack a
// publication is evaluated with: bundled, installed, or none the server holds.

#include <catch2/catch.hpp>

#include "common/standards/bundled.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/pack_digest.hpp"
#include "server/publish/publish_pack.hpp"
#include "tests/unit/server_store/store_fixture.hpp"

using namespace dspt::server::store;
using namespace dspt::server::store::test;
namespace standards = dspt::standards;

namespace {

// The bundled 2025-26 pack with one item's Standards Met flag turned off.
standards::Pack changed_pack() {
    auto pack = standards::bundled_pack("2025-26");
    for (auto& item : pack.items) {
        if (item.mandatory_met && !item.mandatory_approaching) {
            item.mandatory_met = false;
            break;
        }
    }
    return pack;
}

InstalledPack installed(const standards::Pack& pack, std::int64_t at_ms) {
    return {pack.year, pack.version, standards::pack_digest(pack), standards::pack_to_json(pack),
            at_ms};
}

}  // namespace

TEST_CASE("an installed pack is kept once under its year and digest", "[unit][server_store]") {
    StoreFixture fx;
    const auto pack = changed_pack();
    const auto digest = standards::pack_digest(pack);
    CHECK(digest.size() == 64);
    CHECK(digest != standards::pack_digest(standards::bundled_pack("2025-26")));
    CHECK_FALSE(fx.repo().find_installed_pack("2025-26", digest));

    CHECK(fx.repo().install_pack(installed(pack, kT0)));
    CHECK_FALSE(fx.repo().install_pack(installed(pack, kT0 + 1)));  // already there
    const auto found = fx.repo().find_installed_pack("2025-26", digest);
    REQUIRE(found);
    CHECK(found->version == "v8");
    CHECK(found->installed_at_ms == kT0);
    CHECK(standards::parse_pack_json(found->json, "stored") == pack);
    CHECK_FALSE(fx.repo().find_installed_pack("2024-25", digest));
    CHECK(fx.repo().installed_packs().size() == 1);
}

TEST_CASE("a publication's pack is the bundled one or an installed one, else none",
          "[unit][server_store]") {
    using dspt::server::publish::held_pack;
    StoreFixture fx;
    const auto& bundled = standards::bundled_pack("2025-26");
    // A request naming no pack (class version 1) and one naming the bundled pack.
    CHECK(held_pack(fx.repo(), "2025-26", "") == bundled);
    CHECK(held_pack(fx.repo(), "2025-26", standards::pack_digest(bundled)) == bundled);

    const auto pack = changed_pack();
    const auto digest = standards::pack_digest(pack);
    CHECK_FALSE(held_pack(fx.repo(), "2025-26", digest));
    CHECK_THAT(dspt::server::publish::missing_pack_message("2025-26", "v8", digest),
               Catch::StartsWith("this server does not hold the standards pack your devices "
                                 "use for 2025-26 v8 (digest " +
                                 digest.substr(0, 16) + "...)"));
    REQUIRE(fx.repo().install_pack(installed(pack, kT0)));
    CHECK(held_pack(fx.repo(), "2025-26", digest) == pack);
}

TEST_CASE("a publish request's pack digest and version are checked before use",
          "[unit][server_store]") {
    using dspt::server::publish::check_pack_identity;
    const std::string digest(64, 'a');
    check_pack_identity("v8", digest);
    check_pack_identity("", "");  // a request of class version 1
    for (const auto& bad : {std::string(63, 'a'), std::string(64, 'A'), std::string(64, 'g')}) {
        REQUIRE_THROWS_WITH(check_pack_identity("v8", bad),
                            "a standards pack digest is 64 lower-case hex characters");
    }
    REQUIRE_THROWS_WITH(check_pack_identity(std::string(41, 'v'), digest),
                        "a standards pack version is at most 40 bytes");
}
