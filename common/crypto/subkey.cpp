#include "common/crypto/subkey.hpp"

#include <utility>

#include <sodium.h>

#include "common/error.hpp"

namespace dspt::crypto {

static_assert(kSubkeyContextBytes == crypto_kdf_CONTEXTBYTES);
static_assert(SecretKey::kSize >= crypto_kdf_BYTES_MIN && SecretKey::kSize <= crypto_kdf_BYTES_MAX);

SecretKey derive_subkey(const SecretKey& master, std::uint64_t id, std::string_view context) {
    const ByteView k = master.checked_view();
    if (context.size() != kSubkeyContextBytes) {
        fail(ErrorCode::invalid_argument, "a subkey context must be exactly 8 characters");
    }
    SecureBuffer subkey(SecretKey::kSize);
    if (crypto_kdf_derive_from_key(subkey.mutable_view().data(), subkey.size(), id, context.data(),
                                   k.data()) != 0) {
        fail(ErrorCode::crypto, "subkey derivation failed");
    }
    return SecretKey(std::move(subkey));
}

}  // namespace dspt::crypto
