#include "common/crypto/key_wrap.hpp"

#include <catch2/catch.hpp>

#include "common/crypto/constant_time.hpp"
#include "common/crypto/password_kdf.hpp"
#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("wrap_key and unwrap_key round-trip", "[unit][crypto]") {
    const SecretKey kek = SecretKey::generate();
    const SecretKey key = SecretKey::generate();
    const Bytes ad = to_bytes("data-key");

    const Bytes wrapped = wrap_key(kek, key, ad);
    REQUIRE(wrapped.size() == kWrappedKeyBytes);
    const SecretKey unwrapped = unwrap_key(kek, wrapped, ad);
    REQUIRE(constant_time_equal(unwrapped.view(), key.view()));
    REQUIRE(wrap_key(kek, key, ad) != wrapped);
}

TEST_CASE("unwrap_key rejects a wrong KEK, other AD and changed bytes", "[unit][crypto]") {
    const SecretKey kek = SecretKey::generate();
    const SecretKey key = SecretKey::generate();
    const Bytes wrapped = wrap_key(kek, key, to_bytes("data-key"));

    require_error(ErrorCode::authentication_failed,
                  [&] { (void)unwrap_key(SecretKey::generate(), wrapped, to_bytes("data-key")); });
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)unwrap_key(kek, wrapped, to_bytes("org-key")); });
    for (std::size_t i = 0; i < wrapped.size(); ++i) {
        Bytes tampered = wrapped;
        tampered[i] ^= 0x01;
        require_error(ErrorCode::authentication_failed,
                      [&] { (void)unwrap_key(kek, tampered, to_bytes("data-key")); });
    }
    const Bytes truncated(wrapped.begin(), wrapped.end() - 1);
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)unwrap_key(kek, truncated, to_bytes("data-key")); });
}

TEST_CASE("unwrap_key with a key from a wrong passphrase is authentication_failed",
          "[unit][crypto]") {
    const KdfParams params = KdfParams::generate(KdfStrength::minimal);
    const SecretKey data_key = SecretKey::generate();
    const Bytes ad = to_bytes(params.serialise());
    const Bytes wrapped = wrap_key(derive_key("correct horse", params), data_key, ad);

    const SecretKey again = unwrap_key(derive_key("correct horse", params), wrapped, ad);
    REQUIRE(constant_time_equal(again.view(), data_key.view()));
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)unwrap_key(derive_key("correct horsf", params), wrapped, ad); });
}

TEST_CASE("a wrapped key does not open as a plain Aead value", "[unit][crypto]") {
    const SecretKey kek = SecretKey::generate();
    const Bytes wrapped = wrap_key(kek, SecretKey::generate(), to_bytes("ad"));
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)Aead::open(kek, wrapped, to_bytes("ad")); });
    const Bytes sealed = Aead::seal(kek, Bytes(SecretKey::kSize, 7), to_bytes("ad"));
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)unwrap_key(kek, sealed, to_bytes("ad")); });
}

TEST_CASE("wrap_key refuses empty keys", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    require_error(ErrorCode::invalid_argument, [&] { (void)wrap_key(SecretKey{}, key, {}); });
    require_error(ErrorCode::invalid_argument, [&] { (void)wrap_key(key, SecretKey{}, {}); });
}
