#pragma once
// The store's `meta` table: store-wide settings as key/value pairs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/sqlite/database.hpp"

namespace dspt::client::meta {

// Keys used by the store.
inline constexpr std::string_view kFormat = "format";  // "dspt-store"
inline constexpr std::string_view kYear = "year";      // "2025-26"
inline constexpr std::string_view kSiteName = "site_name";
inline constexpr std::string_view kReplicaId = "replica_id";    // UUID
inline constexpr std::string_view kCreatedAt = "created_at";    // Unix ms
inline constexpr std::string_view kPack = "pack";               // the pack as JSON
inline constexpr std::string_view kCustomPack = "custom_pack";  // "1" when imported
inline constexpr std::string_view kKdfParams = "kdf_params";    // KdfParams::serialise()
inline constexpr std::string_view kWrappedDataKey = "wrapped_data_key";
inline constexpr std::string_view kNextSeq = "next_seq";   // next outbox seq
inline constexpr std::string_view kHlc = "hlc";            // last HLC time, raw
inline constexpr std::string_view kArchived = "archived";  // "1" in a finished year's copy
// The replica id this store's changes travel under once 'dspt enrol --again'
// gave it a new one; absent before. kReplicaId stays the store's own, which the
// data key's wrapping names.
inline constexpr std::string_view kSyncReplicaId = "sync_replica_id";
// The request session kept between runs, sealed (session_keep.hpp); absent when
// none is kept. Removed whenever the device's identity changes.
inline constexpr std::string_view kRequestSession = "request_session";
// The name this store's user gave for their answers ('dspt init --user'), sealed
// like every other author; absent when none was given.
inline constexpr std::string_view kAuthorName = "author_name";

std::optional<std::string> get(sqlite::Database& db, std::string_view key);

// The value, or Error(ErrorCode::corrupt) naming the missing key.
std::string require(sqlite::Database& db, std::string_view key);

void set(sqlite::Database& db, std::string_view key, std::string_view value);

// Removes the key; nothing happens when it is absent.
void erase(sqlite::Database& db, std::string_view key);

std::int64_t require_int(sqlite::Database& db, std::string_view key);

}  // namespace dspt::client::meta
