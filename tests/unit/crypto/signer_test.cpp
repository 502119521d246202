#include "common/crypto/signer.hpp"

#include <utility>

#include <catch2/catch.hpp>

#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("Ed25519 matches RFC 8032 test 1", "[unit][crypto]") {
    const SigningKeyPair pair = SigningKeyPair::from_seed(
        from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    REQUIRE(to_hex(pair.public_key()) ==
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const Bytes signature = pair.sign({});
    REQUIRE(to_hex(signature) ==
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    REQUIRE(verify(pair.public_key(), {}, signature));
}

TEST_CASE("signatures verify and reject a changed message, signature or key", "[unit][crypto]") {
    const SigningKeyPair pair = SigningKeyPair::generate();
    const Bytes message = to_bytes("POST /v1/push 1700000000 nonce body-hash");
    const Bytes signature = pair.sign(message);
    REQUIRE(signature.size() == SigningKeyPair::kSignatureBytes);
    REQUIRE(pair.public_key().size() == SigningKeyPair::kPublicKeyBytes);
    REQUIRE(verify(pair.public_key(), message, signature));
    REQUIRE(pair.sign(message) == signature);  // deterministic

    Bytes changed_message = message;
    changed_message.back() ^= 0x01;
    REQUIRE_FALSE(verify(pair.public_key(), changed_message, signature));
    REQUIRE_FALSE(verify(pair.public_key(), {}, signature));

    for (std::size_t i = 0; i < signature.size(); ++i) {
        Bytes changed = signature;
        changed[i] ^= 0x01;
        INFO("byte " << i);
        REQUIRE_FALSE(verify(pair.public_key(), message, changed));
    }

    const SigningKeyPair other = SigningKeyPair::generate();
    REQUIRE_FALSE(verify(other.public_key(), message, signature));
    REQUIRE_FALSE(verify(Bytes(32, 0), message, signature));
    REQUIRE_FALSE(verify(Bytes(31), message, signature));
    REQUIRE_FALSE(verify(pair.public_key(), message, Bytes(63)));
    REQUIRE_FALSE(verify({}, message, {}));
}

TEST_CASE("SigningKeyPair restores from its 64-byte secret key", "[unit][crypto]") {
    const SigningKeyPair original = SigningKeyPair::generate();
    REQUIRE(original.secret_key().size() == SigningKeyPair::kSecretKeyBytes);
    const Bytes stored(original.secret_key().begin(), original.secret_key().end());

    const SigningKeyPair restored = SigningKeyPair::from_secret_key(stored);
    REQUIRE(restored.public_key() == original.public_key());
    REQUIRE(verify(original.public_key(), to_bytes("m"), restored.sign(to_bytes("m"))));

    Bytes mismatched = stored;
    mismatched.back() ^= 0x01;  // public half no longer matches the seed
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)SigningKeyPair::from_secret_key(mismatched); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)SigningKeyPair::from_secret_key(Bytes(32)); });
    require_error(ErrorCode::invalid_argument, [&] { (void)SigningKeyPair::from_seed(Bytes(64)); });
}

TEST_CASE("a moved-from SigningKeyPair is empty", "[unit][crypto]") {
    SigningKeyPair pair = SigningKeyPair::generate();
    const Bytes public_key = pair.public_key();
    SigningKeyPair moved = std::move(pair);
    REQUIRE(pair.empty());
    REQUIRE(pair.public_key().empty());
    require_error(ErrorCode::invalid_argument, [&] { (void)pair.sign(to_bytes("m")); });
    REQUIRE(moved.public_key() == public_key);
    REQUIRE(verify(public_key, to_bytes("m"), moved.sign(to_bytes("m"))));
}
