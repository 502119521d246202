#pragma once
// Byte strings as dspt::crypto takes and returns them.
//
// Bytes owns ordinary heap memory. It carries values that are public or already
// protected: ciphertexts (sealed values, wrapped keys), signatures, public keys,
// hashes, salts. Secret keys never live in Bytes; they live in SecureBuffer and
// SecretKey, whose memory is guarded and wiped (see secure_buffer.hpp).
//
// ByteView is the input type of every function. It does not own its bytes, which
// must stay valid for the duration of the call only; no function keeps a view.

#include <span>
#include <string_view>
#include <vector>

namespace dspt::crypto {

using Bytes = std::vector<unsigned char>;
using ByteView = std::span<const unsigned char>;

// The bytes of a string (UTF-8 text, a passphrase, a label) without copying.
// The view is valid as long as the string it looks at.
inline ByteView as_byte_view(std::string_view text) noexcept {
    // Reading char objects through unsigned char is always allowed.
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

// A copy of a string's bytes.
inline Bytes to_bytes(std::string_view text) {
    const ByteView view = as_byte_view(text);
    return Bytes(view.begin(), view.end());
}

}  // namespace dspt::crypto
