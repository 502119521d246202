// `dspt-server migrate --from DIR --to postgresql://...`: moves a service from the
// embedded store to PostgreSQL, copying every table and verifying the copy.

#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "server/cli/commands.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/store_copy.hpp"

namespace dspt::server {

namespace {

struct MigrateOptions {
    std::string from;
    std::string to;
};

// The first bytes of a digest, enough to tell two apart by eye.
std::string short_digest(const crypto::Bytes& digest) {
    return crypto::to_hex(digest).substr(0, 16);
}

std::string table_text(const store::StoreCopy& copy) {
    std::ostringstream out;
    out << std::left << std::setw(24) << "table" << std::right << std::setw(10) << "rows"
        << "  digest\n";
    for (const auto& table : copy.tables) {
        out << std::left << std::setw(24) << table.name << std::right << std::setw(10)
            << table.target_rows << "  " << short_digest(table.target_digest);
        if (!table.verified()) {
            out << "  DIFFERS: the embedded store has " << table.source_rows << " rows, digest "
                << short_digest(table.source_digest);
        }
        out << "\n";
    }
    return out.str();
}

int migrate(const MigrateOptions& options) {
    if (!store::is_postgresql_location(options.to)) {
        fail(ErrorCode::invalid_argument, "--to must be a postgresql:// location, not \"" +
                                              store::redact_location(options.to) + "\"");
    }
    const auto copy = store::copy_to_postgresql(options.from, options.to);
    std::cout << "Copied the embedded store in " << options.from << " to PostgreSQL "
              << store::redact_location(options.to) << ":\n"
              << table_text(copy);
    for (const auto& table : copy.tables) {
        if (!table.verified()) {
            fail(ErrorCode::corrupt,
                 "the copy of table " + table.name +
                     " read back from PostgreSQL differs from the embedded store, so nothing "
                     "was kept in PostgreSQL; the embedded store is unchanged");
        }
    }
    std::cout << "verified: every table holds the same rows in both stores. Start the servers "
                 "with --store on it; keep "
              << options.from << " until you no longer need to go back.\n";
    return 0;
}

}  // namespace

void add_migrate_command(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<MigrateOptions>();
    auto* command = app.add_subcommand(
        "migrate",
        "Copy the embedded store into an empty PostgreSQL store and verify the copy "
        "(stop the server first)");
    command->add_option("--from", options->from, "Directory of the embedded store")->required();
    command->add_option("--to", options->to, "postgresql://USER@HOST[:PORT]/DB, empty")->required();
    command->callback(
        [&context, options] { context.action = [options] { return migrate(*options); }; });
}

}  // namespace dspt::server
