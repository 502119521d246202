#include "common/crypto/subkey.hpp"

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/keys.hpp"

using dspt::test::require_error;
using dspt::test::same_key;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("derive_subkey is deterministic and separates ids, contexts and masters",
          "[unit][crypto]") {
    const SecretKey master = SecretKey::generate();
    const SecretKey a = derive_subkey(master, 1, "evidence");
    REQUIRE(a.view().size() == SecretKey::kSize);
    REQUIRE(same_key(a, derive_subkey(master, 1, "evidence")));
    REQUIRE_FALSE(same_key(a, master));
    REQUIRE_FALSE(same_key(a, derive_subkey(master, 2, "evidence")));
    REQUIRE_FALSE(same_key(a, derive_subkey(master, 1, "verifier")));
    REQUIRE_FALSE(same_key(a, derive_subkey(SecretKey::generate(), 1, "evidence")));
}

TEST_CASE("derive_subkey checks its context and master", "[unit][crypto]") {
    const SecretKey master = SecretKey::generate();
    require_error(ErrorCode::invalid_argument, [&] { (void)derive_subkey(master, 1, "short"); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)derive_subkey(master, 1, "too long!"); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)derive_subkey(SecretKey{}, 1, "evidence"); });
}
