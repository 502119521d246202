#pragma once
// Shared helpers for the server store's sync tests: a registry with two branch
// devices of site VA1B2, and a builder for pushed changes.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/server_store/store_fixture.hpp"

namespace dspt::server::store::test {

// A change of `key` in `scope` whose payload is {"value": value}; its hlc is the
// seq unless given.
inline Change change(std::string replica, std::int64_t seq, std::string key, std::int64_t base,
                     std::string value, std::uint64_t hlc = 0, std::string scope = "VA1B2") {
    return {std::move(replica), seq, hlc == 0 ? static_cast<std::uint64_t>(seq) : hlc,
            std::move(scope), std::move(key),
            // One version seen, as a settled register shows it; none for a new one.
            base == 0 ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{base},
            R"({"value":")" + value + "\"}", "manager", false};
}

// The registry of StoreFixture, with two branch devices of VA1B2 enrolled.
class SyncFixture : public StoreFixture {
  public:
    SyncFixture() {
        seed_registry();
        branch = enrol(branch_token());
        auto second = branch_token("fedcba9876543210");
        second.verifier = verifier(0x77);
        other = enrol(second, "Office PC");
    }

    std::vector<ChangeResult> push(const Device& device, const std::vector<Change>& changes) {
        return repo().apply_changes("AB12", device.id, changes);
    }

    Register only_register(std::int64_t since = 0) {
        const auto page = repo().registers_since("AB12", {"VA1B2"}, since, 10);
        REQUIRE(page.registers.size() == 1);
        return page.registers.front();
    }

    Device branch;
    Device other;
};

}  // namespace dspt::server::store::test
