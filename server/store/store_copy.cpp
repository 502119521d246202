#include "server/store/store_copy.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <sqlite3.h>

#include "common/crypto/blake2b.hpp"
#include "common/error.hpp"
#include "common/sqlite/statement.hpp"
#include "server/store/evidence_files.hpp"
#include "server/store/pg_connection.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/sqlite_repository.hpp"

namespace dspt::server::store {

namespace copying {
namespace {

// Rows read back from PostgreSQL at a time: a blob chunk is about 1 MiB.
constexpr int kReadBackPage = 32;

enum class Kind { integer, boolean, text, bytes };

struct Column {
    std::string name;
    Kind kind = Kind::text;
    bool identity = false;
};

struct Table {
    std::string name;
    std::vector<Column> columns;
    std::vector<std::size_t> key;  // primary-key columns, as indexes into `columns`
};

// One stored value, as both stores are compared: booleans are integers.
struct Value {
    enum class Tag : std::uint8_t { null = 0, integer = 1, text = 2, bytes = 3 };
    Tag tag = Tag::null;
    std::int64_t number = 0;
    std::string data;  // text or bytes
};

std::string identifier(std::string_view name) {
    std::string quoted;
    quoted.reserve(name.size() + 2);
    quoted.push_back('"');
    quoted.append(name);
    quoted.push_back('"');
    return quoted;
}

void add_big_endian(crypto::Bytes& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

// Adds one row's canonical encoding to `hasher`.
void digest_row(crypto::Blake2bHasher& hasher, const std::vector<Value>& row) {
    crypto::Bytes encoded;
    for (const auto& value : row) {
        encoded.push_back(static_cast<std::uint8_t>(value.tag));
        if (value.tag == Value::Tag::integer) {
            add_big_endian(encoded, static_cast<std::uint64_t>(value.number));
        } else if (value.tag != Value::Tag::null) {
            add_big_endian(encoded, value.data.size());
            encoded.insert(encoded.end(), value.data.begin(), value.data.end());
        }
    }
    hasher.update(encoded);
}

Kind kind_of(const std::string& table, const std::string& column, const std::string& type) {
    if (type == "bigint" || type == "integer" || type == "smallint") {
        return Kind::integer;
    }
    if (type == "boolean") {
        return Kind::boolean;
    }
    if (type == "text") {
        return Kind::text;
    }
    if (type == "bytea") {
        return Kind::bytes;
    }
    fail(ErrorCode::internal, "the copy does not know the type " + type + " of " + table + "." +
                                  column + " in the PostgreSQL schema");
}

// The store's tables in the PostgreSQL schema, each after the tables it refers to.
std::vector<Table> schema_tables(pg::Connection& db) {
    const pg::Result names = db.run(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'dspt_schema' "
        "ORDER BY c.relname::text COLLATE \"C\"");
    const pg::Result references = db.run(
        "SELECT child.relname::text, parent.relname::text FROM pg_constraint k "
        "JOIN pg_class child ON child.oid = k.conrelid "
        "JOIN pg_class parent ON parent.oid = k.confrelid "
        "JOIN pg_namespace n ON n.oid = child.relnamespace "
        "WHERE k.contype = 'f' AND n.nspname = current_schema()");
    std::map<std::string, std::set<std::string>> parents;
    for (int row = 0; row < names.rows(); ++row) {
        parents[names.text(row, 0)];
    }
    for (int row = 0; row < references.rows(); ++row) {
        if (references.text(row, 0) != references.text(row, 1)) {
            parents[references.text(row, 0)].insert(references.text(row, 1));
        }
    }
    std::vector<Table> tables;
    std::set<std::string> placed;
    while (placed.size() < parents.size()) {
        const auto before = placed.size();
        for (const auto& [name, needs] : parents) {
            if (placed.count(name) == 0 &&
                std::all_of(needs.begin(), needs.end(),
                            [&](const std::string& parent) { return placed.count(parent) > 0; })) {
                placed.insert(name);
                tables.push_back(Table{name, {}, {}});
            }
        }
        if (placed.size() == before) {
            fail(ErrorCode::internal,
                 "the PostgreSQL schema's tables refer to each other in a "
                 "cycle; the copy cannot order them");
        }
    }
    for (auto& table : tables) {
        const pg::Result columns = db.run(
            "SELECT column_name::text, data_type::text, is_identity::text = 'YES' "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = $1 ORDER BY ordinal_position",
            pg::Params().text(table.name));
        for (int row = 0; row < columns.rows(); ++row) {
            const std::string column = columns.text(row, 0);
            table.columns.push_back(Column{column,
                                           kind_of(table.name, column, columns.text(row, 1)),
                                           columns.boolean(row, 2)});
        }
        const pg::Result key = db.run(
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[]) "
            "WHERE i.indrelid = $1::text::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            pg::Params().text(identifier(table.name)));
        for (int row = 0; row < key.rows(); ++row) {
            const auto at =
                std::find_if(table.columns.begin(), table.columns.end(),
                             [&](const Column& c) { return c.name == key.text(row, 0); });
            table.key.push_back(static_cast<std::size_t>(at - table.columns.begin()));
        }
        if (table.key.empty()) {
            fail(ErrorCode::internal,
                 "the table " + table.name + " has no primary key; the copy cannot order it");
        }
    }
    return tables;
}

// The embedded store's table of evidence chunk files (EvidenceFiles): its chunks are
// copied as rows of PostgreSQL's blob_chunks, which holds every chunk itself.
constexpr std::string_view kChunkFiles = "chunk_files";
constexpr std::string_view kChunks = "blob_chunks";

// Throws corrupt unless the embedded store has exactly these tables (and
// kChunkFiles), each with at least these columns.
void require_same_tables(sqlite::Database& source, const std::vector<Table>& tables) {
    std::set<std::string> expected;
    for (const auto& table : tables) {
        expected.insert(table.name);
        std::set<std::string> present;
        sqlite::Statement info(source, "SELECT name FROM pragma_table_info(?1)");
        info.bind(1, table.name);
        while (info.step()) {
            present.insert(info.column_text(0));
        }
        for (const auto& column : table.columns) {
            if (present.count(column.name) == 0) {
                fail(ErrorCode::corrupt, "the embedded store's table " + table.name +
                                             " has no column " + column.name +
                                             ", which PostgreSQL's has");
            }
        }
        if (present.size() != table.columns.size()) {
            fail(ErrorCode::corrupt,
                 "the embedded store's table " + table.name + " has columns PostgreSQL's has not");
        }
    }
    sqlite::Statement names(source,
                            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                            "'sqlite\\_%' ESCAPE '\\'");
    std::set<std::string> found;
    while (names.step()) {
        found.insert(names.column_text(0));
    }
    found.erase(std::string(kChunkFiles));
    if (found != expected) {
        std::string missing;
        for (const auto& name : found) {
            if (expected.count(name) == 0) {
                missing += (missing.empty() ? "" : ", ") + name;
            }
        }
        for (const auto& name : expected) {
            if (found.count(name) == 0) {
                missing += (missing.empty() ? "" : ", ") + name;
            }
        }
        fail(ErrorCode::corrupt,
             "the embedded store and the PostgreSQL schema differ in their tables: " + missing);
    }
}

std::string column_list(const Table& table) {
    std::string list;
    for (const auto& column : table.columns) {
        list += (list.empty() ? "" : ", ") + identifier(column.name);
    }
    return list;
}

// The primary key as an ORDER BY list; text in byte order, as SQLite's BINARY.
std::string key_order(const Table& table, bool postgresql) {
    std::string list;
    for (const auto index : table.key) {
        const auto& column = table.columns[index];
        list += (list.empty() ? "" : ", ") + identifier(column.name) +
                (postgresql && column.kind == Kind::text ? " COLLATE \"C\"" : "");
    }
    return list;
}

Value sqlite_value(const sqlite::Statement& row, int index, const Table& table) {
    const auto& column = table.columns[static_cast<std::size_t>(index)];
    sqlite3_stmt* statement = row.handle();
    const int type = sqlite3_column_type(statement, index);
    Value value;
    if (type == SQLITE_NULL) {
        return value;
    }
    const bool fits = (type == SQLITE_INTEGER &&
                       (column.kind == Kind::integer || column.kind == Kind::boolean)) ||
                      (type == SQLITE_TEXT && column.kind == Kind::text) ||
                      (type == SQLITE_BLOB && column.kind == Kind::bytes);
    if (!fits) {
        fail(ErrorCode::corrupt, "the embedded store holds a value of another type in " +
                                     table.name + "." + column.name);
    }
    if (type == SQLITE_INTEGER) {
        value.tag = Value::Tag::integer;
        value.number = sqlite3_column_int64(statement, index);
        if (column.kind == Kind::boolean && value.number != 0 && value.number != 1) {
            fail(ErrorCode::corrupt, "the embedded store holds " + std::to_string(value.number) +
                                         " in " + table.name + "." + column.name +
                                         ", which is 0 or 1");
        }
    } else if (type == SQLITE_TEXT) {
        value.tag = Value::Tag::text;
        value.data = row.column_text(index);
    } else {
        value.tag = Value::Tag::bytes;
        const auto bytes = row.column_blob(index);
        value.data.assign(bytes.begin(), bytes.end());
    }
    return value;
}

Value pg_value(const pg::Result& result, int row, int index, const Column& column) {
    Value value;
    if (result.is_null(row, index)) {
        return value;
    }
    switch (column.kind) {
        case Kind::integer:
            value.tag = Value::Tag::integer;
            value.number = result.int64(row, index);
            break;
        case Kind::boolean:
            value.tag = Value::Tag::integer;
            value.number = result.boolean(row, index) ? 1 : 0;
            break;
        case Kind::text:
            value.tag = Value::Tag::text;
            value.data = result.text(row, index);
            break;
        case Kind::bytes:
            value.tag = Value::Tag::bytes;
            value.data = result.text(row, index);
            break;
    }
    return value;
}

void add_param(pg::Params& params, const Value& value, const Column& column) {
    switch (value.tag) {
        case Value::Tag::null:
            params.null();
            break;
        case Value::Tag::integer:
            if (column.kind == Kind::boolean) {
                params.boolean(value.number != 0);
            } else {
                params.int64(value.number);
            }
            break;
        case Value::Tag::text:
            params.text(value.data);
            break;
        case Value::Tag::bytes:
            params.bytes(crypto::ByteView(reinterpret_cast<const std::uint8_t*>(value.data.data()),
                                          value.data.size()));
            break;
    }
}

// The embedded store's rows of `table`, in primary-key order. Those of kChunks add
// two columns past the table's own: for a chunk held as a file, its name and size
// (the data column is then NULL).
std::string select_rows(const Table& table) {
    if (table.name != kChunks) {
        return "SELECT " + column_list(table) + " FROM " + identifier(table.name) + " ORDER BY " +
               key_order(table, false);
    }
    std::string files;
    for (const auto& column : table.columns) {
        files += (files.empty() ? "" : ", ") +
                 (column.name == "data" ? std::string("NULL") : identifier(column.name));
    }
    return "SELECT " + column_list(table) + ", NULL, NULL FROM " + identifier(table.name) +
           " UNION ALL SELECT " + files + ", name, bytes FROM " + std::string(kChunkFiles) +
           " ORDER BY " + key_order(table, false);
}

// Copies the table's rows, digesting them as read from the embedded store.
void copy_rows(sqlite::Database& source, const EvidenceFiles& files, pg::Connection& target,
               const Table& table, CopiedTable& copied) {
    const bool identity = std::any_of(table.columns.begin(), table.columns.end(),
                                      [](const Column& column) { return column.identity; });
    std::string placeholders;
    for (std::size_t i = 1; i <= table.columns.size(); ++i) {
        placeholders += (i == 1 ? "$" : ", $") + std::to_string(i);
    }
    const std::string insert = "INSERT INTO " + identifier(table.name) + " (" + column_list(table) +
                               ")" + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES (" +
                               placeholders + ")";
    sqlite::Statement select(source, select_rows(table));
    const auto file_column = static_cast<int>(table.columns.size());  // kChunks only
    crypto::Blake2bHasher hasher;
    std::vector<Value> row(table.columns.size());
    while (select.step()) {
        pg::Params params;
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            row[i] = sqlite_value(select, static_cast<int>(i), table);
            if (table.name == kChunks && table.columns[i].name == "data" &&
                row[i].tag == Value::Tag::null) {
                const auto name = select.column_text(file_column);
                const auto chunk = files.read(
                    name, static_cast<std::uint64_t>(select.column_int64(file_column + 1)));
                if (!chunk) {
                    fail(ErrorCode::corrupt, "the evidence chunk file " +
                                                 files.path_of(name).string() +
                                                 " is missing; the embedded store names it");
                }
                row[i].tag = Value::Tag::bytes;
                row[i].data.assign(chunk->begin(), chunk->end());
            }
            add_param(params, row[i], table.columns[i]);
        }
        target.run(insert, params);
        digest_row(hasher, row);
        ++copied.source_rows;
    }
    copied.source_digest = hasher.final();
    for (const auto& column : table.columns) {
        if (column.identity) {
            // The next id given is past every id copied.
            target.run("SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(" +
                           identifier(column.name) + ") FROM " + identifier(table.name) +
                           "), 0) + 1, false)",
                       pg::Params().text(identifier(table.name)).text(column.name));
        }
    }
}

// Reads the table back from PostgreSQL in primary-key order, a page at a time.
void read_back(pg::Connection& target, const Table& table, CopiedTable& copied) {
    const std::string head = "SELECT " + column_list(table) + " FROM " + identifier(table.name);
    std::string after_key;  // (k1, k2) > ($1, $2)
    {
        std::string left;
        std::string right;
        int number = 1;
        for (const auto index : table.key) {
            const auto& column = table.columns[index];
            left += (left.empty() ? "" : ", ") + identifier(column.name) +
                    (column.kind == Kind::text ? " COLLATE \"C\"" : "");
            right += (right.empty() ? "$" : ", $") + std::to_string(number++);
        }
        after_key = " WHERE ROW(" + left + ") > ROW(" + right + ")";
    }
    const std::string tail =
        " ORDER BY " + key_order(table, true) + " LIMIT " + std::to_string(kReadBackPage);
    crypto::Blake2bHasher hasher;
    std::vector<Value> row(table.columns.size());
    std::vector<Value> last_key;
    for (;;) {
        pg::Params params;
        for (std::size_t i = 0; i < last_key.size(); ++i) {
            add_param(params, last_key[i], table.columns[table.key[i]]);
        }
        const pg::Result page =
            target.run(head + (last_key.empty() ? "" : after_key) + tail, params);
        for (int r = 0; r < page.rows(); ++r) {
            for (std::size_t i = 0; i < table.columns.size(); ++i) {
                row[i] = pg_value(page, r, static_cast<int>(i), table.columns[i]);
            }
            digest_row(hasher, row);
            ++copied.target_rows;
        }
        if (page.rows() < kReadBackPage) {
            break;
        }
        last_key.clear();
        for (const auto index : table.key) {
            last_key.push_back(row[index]);
        }
    }
    copied.target_digest = hasher.final();
}

void require_empty(pg::Connection& target, const std::vector<Table>& tables,
                   const std::string& location) {
    for (const auto& table : tables) {
        if (!target.run("SELECT 1 FROM " + identifier(table.name) + " LIMIT 1").empty()) {
            fail(ErrorCode::failed_precondition,
                 "the PostgreSQL store at " + redact_location(location) +
                     " already holds data (its table " + table.name +
                     " has rows): migrate copies into an empty store only, so nothing was "
                     "written");
        }
    }
}

}  // namespace
}  // namespace copying

StoreCopy copy_to_postgresql(const std::filesystem::path& data_dir, const std::string& location) {
    const auto file = SqliteRepository::file_in(data_dir);
    if (!std::filesystem::is_regular_file(file)) {
        fail(ErrorCode::not_found,
             "there is no embedded store in " + data_dir.string() + " (no " + file.string() + ")");
    }
    // Both stores at this build's schema.
    { const SqliteRepository upgrade(data_dir); }
    {
        PgOptions one;
        one.connections = 1;
        const PgRepository create(location, one);
    }

    sqlite::Database source(file, {sqlite::OpenMode::read_only, sqlite::kDefaultBusyTimeout});
    const EvidenceFiles files(EvidenceFiles::directory_in(data_dir));
    pg::Connection target(location);
    StoreCopy copy;
    target.execute("BEGIN");
    try {
        const auto tables = copying::schema_tables(target);
        std::string names;
        for (const auto& table : tables) {
            names += (names.empty() ? "" : ", ") + copying::identifier(table.name);
        }
        // Servers on the PostgreSQL store may read meanwhile, never write.
        target.execute("LOCK TABLE " + names + " IN EXCLUSIVE MODE");
        copying::require_empty(target, tables, location);
        // One snapshot of the embedded store for every table.
        source.execute("BEGIN");
        copying::require_same_tables(source, tables);
        for (const auto& table : tables) {
            CopiedTable copied;
            copied.name = table.name;
            copying::copy_rows(source, files, target, table, copied);
            copy.tables.push_back(std::move(copied));
        }
        source.execute("COMMIT");
        for (std::size_t i = 0; i < tables.size(); ++i) {
            copying::read_back(target, tables[i], copy.tables[i]);
        }
        const bool verified =
            std::all_of(copy.tables.begin(), copy.tables.end(),
                        [](const CopiedTable& table) { return table.verified(); });
        target.execute(verified ? "COMMIT" : "ROLLBACK");
        copy.committed = verified;
        return copy;
    } catch (...) {
        try {
            target.execute("ROLLBACK");
        } catch (const Error&) {
            // Closing the connection ends the transaction anyway.
        }
        throw;
    }
}

}  // namespace dspt::server::store
