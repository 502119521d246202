#pragma once
// Internal to the local store: the data key's wrap (local_store.hpp, "Keys").
//
// The data key is kept only wrapped by a key derived from the passphrase with
// Argon2id. The wrap's associated data binds everything the store's meaning
// depends on: the replica id, the year, the KDF parameters and an imported
// pack's hash, so editing any of them makes the store refuse to open instead of
// behaving differently. Whoever changes one of them (a new passphrase, a new
// standards year) writes the wrap again in the same transaction.

#include <string_view>

#include "common/crypto/password_kdf.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/sqlite/database.hpp"

namespace dspt::client::key_record {

inline constexpr std::string_view kStoreFormat = "dspt-store";

// Wraps `data_key` under `passphrase` with `params`, binding the meta values
// as they are now, and stores the wrap and the parameters.
void write(sqlite::Database& db, const crypto::SecretKey& data_key, std::string_view passphrase,
           const crypto::KdfParams& params);

// The KDF parameters the store's wrap was made with.
crypto::KdfParams stored_params(sqlite::Database& db);

// Opens the wrap with `passphrase`: ErrorCode::wrong_passphrase when it does
// not open, ErrorCode::corrupt for damaged key settings.
crypto::SecretKey unlock(sqlite::Database& db, std::string_view passphrase);

}  // namespace dspt::client::key_record
