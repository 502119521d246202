#include "client/store/field_sealer.hpp"

#include "common/crypto/aead.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

// Runs open_field, reporting a field that fails to open as a damaged store.
template <class Open>
auto opened(std::string_view what, Open&& open_field) {
    try {
        return open_field();
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::corrupt, "the stored " + std::string(what) +
                                     " fails its integrity check: the store was changed "
                                     "outside dspt or is damaged");
    }
}

}  // namespace

std::string FieldSealer::associated_data(std::string_view table, std::string_view row,
                                         std::string_view column) {
    std::string ad;
    ad.reserve(table.size() + row.size() + column.size() + 2);
    ad.append(table).append("|").append(row).append("|").append(column);
    return ad;
}

crypto::Bytes FieldSealer::seal(std::string_view table, std::string_view row,
                                std::string_view column, std::string_view plaintext) const {
    const auto ad = associated_data(table, row, column);
    return crypto::Aead::seal(key_, crypto::as_byte_view(plaintext), crypto::as_byte_view(ad));
}

std::string FieldSealer::open(std::string_view table, std::string_view row, std::string_view column,
                              crypto::ByteView sealed, std::string_view what) const {
    const auto ad = associated_data(table, row, column);
    return opened(what, [&] {
        const auto plain = crypto::Aead::open(key_, sealed, crypto::as_byte_view(ad));
        return std::string(plain.begin(), plain.end());
    });
}

crypto::SecureBuffer FieldSealer::open_secret(std::string_view table, std::string_view row,
                                              std::string_view column, crypto::ByteView sealed,
                                              std::string_view what) const {
    const auto ad = associated_data(table, row, column);
    return opened(what, [&] {
        if (sealed.size() < crypto::Aead::kOverheadBytes) {
            fail(ErrorCode::authentication_failed, "too short to be sealed");
        }
        crypto::SecureBuffer plain(sealed.size() - crypto::Aead::kOverheadBytes);
        crypto::Aead::open_into(key_, sealed, crypto::as_byte_view(ad), plain.mutable_view());
        return plain;
    });
}

}  // namespace dspt::client
