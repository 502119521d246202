#include "common/crypto/key_wrap.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/crypto/secure_buffer.hpp"

namespace dspt::crypto {

namespace {

// Domain separation from plain Aead values; fixed length, so the concatenation
// with the caller's AD is unambiguous.
constexpr std::string_view kLabel = "dsptsync wrapped key v1";

Bytes labelled(ByteView associated_data) {
    // Sized once and filled with std::copy: g++ 12 at -O2 reports a false
    // -Warray-bounds on vector::insert here.
    Bytes ad(kLabel.size() + associated_data.size());
    const auto rest = std::copy(kLabel.begin(), kLabel.end(), ad.begin());
    std::copy(associated_data.begin(), associated_data.end(), rest);
    return ad;
}

}  // namespace

Bytes wrap_key(const SecretKey& kek, const SecretKey& key, ByteView associated_data) {
    return Aead::seal(kek, key.checked_view(), labelled(associated_data));
}

SecretKey unwrap_key(const SecretKey& kek, ByteView wrapped, ByteView associated_data) {
    // open_into rejects a wrapped value of any length but kWrappedKeyBytes.
    SecureBuffer key(SecretKey::kSize);
    Aead::open_into(kek, wrapped, labelled(associated_data), key.mutable_view());
    return SecretKey(std::move(key));
}

}  // namespace dspt::crypto
