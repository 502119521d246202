#include "common/crypto/aead.hpp"

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("Aead round-trips a value, including an empty one", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes ad = to_bytes("answers|row-1|text");
    const Bytes plaintext =
        GENERATE(Bytes{}, to_bytes("x"), to_bytes("We review access yearly."), Bytes(10000, 0xab));

    const Bytes sealed = Aead::seal(key, plaintext, ad);
    REQUIRE(sealed.size() == plaintext.size() + Aead::kOverheadBytes);
    REQUIRE(Aead::open(key, sealed, ad) == plaintext);
}

TEST_CASE("Aead accepts empty associated data", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes sealed = Aead::seal(key, to_bytes("value"), {});
    REQUIRE(Aead::open(key, sealed, {}) == to_bytes("value"));
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)Aead::open(key, sealed, to_bytes("x")); });
}

TEST_CASE("Aead rejects a flipped bit anywhere in nonce, ciphertext or tag", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes ad = to_bytes("answers|row-1|text");
    const Bytes sealed = Aead::seal(key, to_bytes("short"), ad);

    for (std::size_t i = 0; i < sealed.size(); ++i) {
        for (unsigned bit : {0U, 7U}) {
            Bytes tampered = sealed;
            tampered[i] = static_cast<unsigned char>(tampered[i] ^ (1U << bit));
            INFO("byte " << i << " bit " << bit);
            require_error(ErrorCode::authentication_failed,
                          [&] { (void)Aead::open(key, tampered, ad); });
        }
    }
}

TEST_CASE("Aead rejects the wrong key", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const SecretKey other = SecretKey::generate();
    const Bytes sealed = Aead::seal(key, to_bytes("secret"), to_bytes("ad"));
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)Aead::open(other, sealed, to_bytes("ad")); });
}

TEST_CASE("Aead rejects a value moved to another row (other associated data)", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes sealed = Aead::seal(key, to_bytes("Yes"), to_bytes("answers|row-1|text"));
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)Aead::open(key, sealed, to_bytes("answers|row-2|text")); });
    require_error(ErrorCode::authentication_failed,
                  [&] { (void)Aead::open(key, sealed, to_bytes("answers|row-1|note")); });
}

TEST_CASE("Aead rejects truncated and extended input", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes sealed = Aead::seal(key, to_bytes("hello"), {});
    for (std::size_t length = 0; length < sealed.size(); ++length) {
        INFO("length " << length);
        const Bytes truncated(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(length));
        require_error(ErrorCode::authentication_failed,
                      [&] { (void)Aead::open(key, truncated, {}); });
    }
    Bytes extended = sealed;
    extended.push_back(0);
    require_error(ErrorCode::authentication_failed, [&] { (void)Aead::open(key, extended, {}); });
}

TEST_CASE("Aead seals the same plaintext differently each time", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes a = Aead::seal(key, to_bytes("same"), to_bytes("ad"));
    const Bytes b = Aead::seal(key, to_bytes("same"), to_bytes("ad"));
    REQUIRE(a != b);
    REQUIRE(Bytes(a.begin(), a.begin() + Aead::kNonceBytes) !=
            Bytes(b.begin(), b.begin() + Aead::kNonceBytes));
}

TEST_CASE("Aead open_into checks the output size and zeroes it on failure", "[unit][crypto]") {
    const SecretKey key = SecretKey::generate();
    const Bytes sealed = Aead::seal(key, to_bytes("abcd"), {});

    Bytes out(4, 0xff);
    Aead::open_into(key, sealed, {}, out);
    REQUIRE(out == to_bytes("abcd"));

    Bytes wrong_size(5, 0xff);
    require_error(ErrorCode::authentication_failed,
                  [&] { Aead::open_into(key, sealed, {}, wrong_size); });
    REQUIRE(wrong_size == Bytes(5, 0));

    Bytes after_bad_ad(4, 0xff);
    require_error(ErrorCode::authentication_failed,
                  [&] { Aead::open_into(key, sealed, to_bytes("x"), after_bad_ad); });
    REQUIRE(after_bad_ad == Bytes(4, 0));
}

TEST_CASE("Aead refuses an empty key", "[unit][crypto]") {
    const SecretKey empty;
    require_error(ErrorCode::invalid_argument, [&] { (void)Aead::seal(empty, {}, {}); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)Aead::open(empty, Bytes(Aead::kOverheadBytes), {}); });
}
