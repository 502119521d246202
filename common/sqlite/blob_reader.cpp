#include "common/sqlite/blob_reader.hpp"

#include <memory>

#include <sqlite3.h>

namespace dspt::sqlite {

namespace {

struct CloseBlob {
    void operator()(sqlite3_blob* blob) const noexcept { sqlite3_blob_close(blob); }
};

}  // namespace

void read_blob(Database& db, std::string_view table, std::string_view column, std::int64_t rowid,
               std::string& out) {
    const std::string table_name(table);
    const std::string column_name(column);
    const auto context = [&] {
        return "read " + table_name + "." + column_name + " of row " + std::to_string(rowid);
    };
    sqlite3_blob* raw = nullptr;
    // An open handle holds a read transaction: it is closed before this returns.
    int rc = sqlite3_blob_open(db.handle(), "main", table_name.c_str(), column_name.c_str(), rowid,
                               0, &raw);
    std::unique_ptr<sqlite3_blob, CloseBlob> blob(raw);
    if (rc != SQLITE_OK) {
        detail::throw_error(db.handle(), rc, context());
    }
    const int size = sqlite3_blob_bytes(blob.get());
    out.resize(static_cast<std::size_t>(size));
    if (size > 0) {
        rc = sqlite3_blob_read(blob.get(), out.data(), size, 0);
        if (rc != SQLITE_OK) {
            detail::throw_error(db.handle(), rc, context());
        }
    }
}

}  // namespace dspt::sqlite
