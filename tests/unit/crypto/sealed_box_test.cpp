#include "common/crypto/sealed_box.hpp"

#include <utility>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("sealed boxes round-trip, including an empty message", "[unit][crypto]") {
    const BoxKeyPair recipient = BoxKeyPair::generate();
    REQUIRE(recipient.public_key().size() == BoxKeyPair::kPublicKeyBytes);
    const Bytes message = GENERATE(Bytes{}, to_bytes("organisation key"), Bytes(5000, 0x5a));

    const Bytes sealed = seal_to(recipient.public_key(), message);
    REQUIRE(sealed.size() == message.size() + BoxKeyPair::kSealOverheadBytes);
    REQUIRE(recipient.open(sealed) == message);
    REQUIRE(seal_to(recipient.public_key(), message) != sealed);
}

TEST_CASE("sealed boxes reject tampering, truncation and another key", "[unit][crypto]") {
    const BoxKeyPair recipient = BoxKeyPair::generate();
    const Bytes sealed = seal_to(recipient.public_key(), to_bytes("key"));

    for (std::size_t i = 0; i < sealed.size(); ++i) {
        Bytes tampered = sealed;
        tampered[i] ^= 0x80;
        INFO("byte " << i);
        require_error(ErrorCode::authentication_failed, [&] { (void)recipient.open(tampered); });
    }
    for (std::size_t length : {std::size_t{0}, std::size_t{47}, sealed.size() - 1}) {
        const Bytes truncated(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(length));
        require_error(ErrorCode::authentication_failed, [&] { (void)recipient.open(truncated); });
    }
    const BoxKeyPair other = BoxKeyPair::generate();
    require_error(ErrorCode::authentication_failed, [&] { (void)other.open(sealed); });
}

TEST_CASE("BoxKeyPair restores from its secret key", "[unit][crypto]") {
    const BoxKeyPair original = BoxKeyPair::generate();
    const Bytes sealed = seal_to(original.public_key(), to_bytes("hello"));
    const BoxKeyPair restored = BoxKeyPair::from_secret_key(original.secret_key());
    REQUIRE(restored.public_key() == original.public_key());
    REQUIRE(restored.open(sealed) == to_bytes("hello"));
    require_error(ErrorCode::invalid_argument,
                  [] { (void)BoxKeyPair::from_secret_key(Bytes(31)); });
}

TEST_CASE("seal_to rejects unusable public keys; a moved-from pair is empty", "[unit][crypto]") {
    require_error(ErrorCode::invalid_argument, [] { (void)seal_to(Bytes(31), to_bytes("m")); });
    require_error(ErrorCode::invalid_argument, [] { (void)seal_to(Bytes(32, 0), to_bytes("m")); });

    BoxKeyPair pair = BoxKeyPair::generate();
    const Bytes sealed = seal_to(pair.public_key(), to_bytes("m"));
    BoxKeyPair moved = std::move(pair);
    REQUIRE(pair.empty());
    REQUIRE(pair.public_key().empty());
    require_error(ErrorCode::invalid_argument, [&] { (void)pair.open(sealed); });
    REQUIRE(moved.open(sealed) == to_bytes("m"));
}
