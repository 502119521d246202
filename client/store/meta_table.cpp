#include "client/store/meta_table.hpp"

#include <charconv>

#include "common/error.hpp"
#include "common/sqlite/statement.hpp"

namespace dspt::client::meta {

std::optional<std::string> get(sqlite::Database& db, std::string_view key) {
    sqlite::Statement select(db, "SELECT value FROM meta WHERE key = ?1");
    select.bind(1, key);
    if (!select.step()) {
        return std::nullopt;
    }
    const auto blob = select.column_blob(0);
    return std::string(blob.begin(), blob.end());
}

std::string require(sqlite::Database& db, std::string_view key) {
    auto value = get(db, key);
    if (!value) {
        fail(ErrorCode::corrupt,
             "the store has no '" + std::string(key) + "' setting: it is damaged");
    }
    return std::move(*value);
}

void set(sqlite::Database& db, std::string_view key, std::string_view value) {
    sqlite::Statement upsert(db,
                             "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    upsert.bind(1, key);
    upsert.bind(2,
                sqlite::Blob(reinterpret_cast<const unsigned char*>(value.data()), value.size()));
    upsert.execute();
}

void erase(sqlite::Database& db, std::string_view key) {
    sqlite::Statement remove(db, "DELETE FROM meta WHERE key = ?1");
    remove.bind(1, key);
    remove.execute();
}

std::int64_t require_int(sqlite::Database& db, std::string_view key) {
    const auto text = require(db, key);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        fail(ErrorCode::corrupt, "the store's '" + std::string(key) + "' setting is damaged");
    }
    return value;
}

}  // namespace dspt::client::meta
