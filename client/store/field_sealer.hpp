#pragma once
// Seals and opens the store's encrypted fields under the data key.
//
// Each field's associated data is "<table>|<row key>|<column>", so a
// ciphertext copied to another row, another column or another table fails to
// open. A field that fails to open is reported as a damaged store
// (ErrorCode::corrupt) with a message naming what it belonged to, e.g.
// "the answer to item 1.1.1"; other fields stay readable.

#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/crypto/secure_buffer.hpp"

namespace dspt::client {

class FieldSealer {
  public:
    // `data_key` must outlive the sealer.
    explicit FieldSealer(const crypto::SecretKey& data_key) : key_(data_key) {}

    crypto::Bytes seal(std::string_view table, std::string_view row, std::string_view column,
                       std::string_view plaintext) const;

    // `what` names the field's owner for the error message.
    std::string open(std::string_view table, std::string_view row, std::string_view column,
                     crypto::ByteView sealed, std::string_view what) const;

    // open() for a field that holds key bytes: the plaintext is opened straight
    // into guarded memory (crypto::SecureBuffer: wiped when freed, never
    // swapped), so it never sits in an ordinary string that is freed unwiped.
    crypto::SecureBuffer open_secret(std::string_view table, std::string_view row,
                                     std::string_view column, crypto::ByteView sealed,
                                     std::string_view what) const;

    const crypto::SecretKey& key() const noexcept { return key_; }

    static std::string associated_data(std::string_view table, std::string_view row,
                                       std::string_view column);

  private:
    const crypto::SecretKey& key_;
};

}  // namespace dspt::client
