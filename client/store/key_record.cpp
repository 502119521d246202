#include "client/store/key_record.hpp"

#include <string>

#include "client/store/meta_table.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/error.hpp"

namespace dspt::client::key_record {

namespace {

std::string associated_data(sqlite::Database& db) {
    const auto custom = meta::get(db, meta::kCustomPack).value_or("0");
    std::string pack_hash = "bundled";
    if (custom == "1") {
        pack_hash =
            crypto::to_hex(crypto::blake2b(crypto::as_byte_view(meta::require(db, meta::kPack))));
    }
    return std::string(kStoreFormat) + "|data-key|" + meta::require(db, meta::kReplicaId) + "|" +
           meta::require(db, meta::kYear) + "|" + meta::require(db, meta::kKdfParams) + "|" +
           pack_hash;
}

}  // namespace

void write(sqlite::Database& db, const crypto::SecretKey& data_key, std::string_view passphrase,
           const crypto::KdfParams& params) {
    meta::set(db, meta::kKdfParams, params.serialise());
    const auto kek = crypto::derive_key(passphrase, params);
    const auto ad = associated_data(db);
    const auto wrapped = crypto::wrap_key(kek, data_key, crypto::as_byte_view(ad));
    meta::set(db, meta::kWrappedDataKey,
              std::string_view(reinterpret_cast<const char*>(wrapped.data()), wrapped.size()));
}

crypto::KdfParams stored_params(sqlite::Database& db) {
    try {
        return crypto::KdfParams::parse(meta::require(db, meta::kKdfParams));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::corrupt) {
            throw;
        }
        fail(ErrorCode::corrupt, "the store's key settings are damaged: " + std::string(e.what()));
    }
}

crypto::SecretKey unlock(sqlite::Database& db, std::string_view passphrase) {
    const auto kek = crypto::derive_key(passphrase, stored_params(db));
    const auto wrapped = meta::require(db, meta::kWrappedDataKey);
    const auto ad = associated_data(db);
    try {
        return crypto::unwrap_key(kek, crypto::as_byte_view(wrapped), crypto::as_byte_view(ad));
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::wrong_passphrase, "wrong passphrase: it does not open this store");
    }
}

}  // namespace dspt::client::key_record
