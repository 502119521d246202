#include "common/crypto/session_key.hpp"

#include <algorithm>

#include <sodium.h>

#include "common/crypto/constant_time.hpp"
#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(kSessionPublicKeyBytes == crypto_kx_PUBLICKEYBYTES);
static_assert(kMacKeyBytes == crypto_kx_SESSIONKEYBYTES);
static_assert(kMacKeyBytes >= crypto_generichash_KEYBYTES_MIN &&
              kMacKeyBytes <= crypto_generichash_KEYBYTES_MAX);

namespace {

void require_public_key(ByteView key) {
    if (key.size() != kSessionPublicKeyBytes) {
        fail(ErrorCode::crypto, "a session public key must be 32 bytes");
    }
}

}  // namespace

MacKey::MacKey(ByteView bytes) {
    if (bytes.size() != kMacKeyBytes) {
        fail(ErrorCode::invalid_argument, "a session key must be 32 bytes");
    }
    std::copy(bytes.begin(), bytes.end(), bytes_.begin());
}

MacKey::~MacKey() {
    sodium_memzero(bytes_.data(), bytes_.size());
}

SessionKeyPair SessionKeyPair::generate() {
    ensure_initialised();
    SessionKeyPair pair;
    pair.secret_ = SecureBuffer(crypto_kx_SECRETKEYBYTES);
    crypto_kx_keypair(pair.public_.data(), pair.secret_.mutable_view().data());
    return pair;
}

MacKey SessionKeyPair::client_request_key(ByteView server_public_key) const {
    require_public_key(server_public_key);
    std::array<unsigned char, kMacKeyBytes> rx{};
    std::array<unsigned char, kMacKeyBytes> tx{};
    const bool ok =
        crypto_kx_client_session_keys(rx.data(), tx.data(), public_.data(), secret_.view().data(),
                                      server_public_key.data()) == 0;
    MacKey key(ByteView(tx.data(), tx.size()));
    sodium_memzero(rx.data(), rx.size());
    sodium_memzero(tx.data(), tx.size());
    if (!ok) {
        fail(ErrorCode::crypto, "the server's session public key gives no usable key");
    }
    return key;
}

MacKey SessionKeyPair::server_request_key(ByteView client_public_key) const {
    require_public_key(client_public_key);
    std::array<unsigned char, kMacKeyBytes> rx{};
    std::array<unsigned char, kMacKeyBytes> tx{};
    const bool ok =
        crypto_kx_server_session_keys(rx.data(), tx.data(), public_.data(), secret_.view().data(),
                                      client_public_key.data()) == 0;
    MacKey key(ByteView(rx.data(), rx.size()));
    sodium_memzero(rx.data(), rx.size());
    sodium_memzero(tx.data(), tx.size());
    if (!ok) {
        fail(ErrorCode::crypto, "the device's session public key gives no usable key");
    }
    return key;
}

Bytes mac(const MacKey& key, ByteView message) {
    Bytes out(kMacBytes);
    crypto_generichash(out.data(), out.size(), message.data(), message.size(), key.view().data(),
                       key.view().size());
    return out;
}

bool verify_mac(const MacKey& key, ByteView message, ByteView tag) {
    if (tag.size() != kMacBytes) {
        return false;
    }
    return constant_time_equal(mac(key, message), tag);
}

}  // namespace dspt::crypto
