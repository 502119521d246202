// `dspt backup FILE` and `dspt restore FILE`: a copy of the local store to keep
// elsewhere, and the way back from it on another computer.
//
// The copy is the store itself, taken as one consistent snapshot with SQLite's
// online backup API while other dspt processes may use the store; its fields stay
// sealed under the data key the passphrase unlocks, so restoring it needs that
// passphrase. A restore verifies the passphrase opens the copy before anything is
// replaced, keeps a store already there aside, and forgets the copy's request
// session, so the restored store opens a fresh one rather than reuse counters the
// original may have used since (docs/security.md, "Request sessions").

#include <ctime>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <unistd.h>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/store/session_keep.hpp"
#include "common/error.hpp"
#include "common/sqlite/backup.hpp"

namespace dspt::client {

namespace {

struct CopyOptions {
    std::string file;
    bool force = false;
};

// `path` with `suffix` added to its file name.
std::filesystem::path beside(const std::filesystem::path& path, const std::string& suffix) {
    return path.string() + suffix;
}

// Renames a database file and the files SQLite may keep beside it.
void rename_database(const std::filesystem::path& from, const std::filesystem::path& to) {
    for (const char* suffix : {"-wal", "-shm"}) {
        if (std::filesystem::exists(beside(from, suffix))) {
            std::filesystem::rename(beside(from, suffix), beside(to, suffix));
        }
    }
    std::filesystem::rename(from, to);
}

// "20261207-001250": when, in UTC, for the name of a store kept aside.
std::string timestamp_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &utc);
    return text;
}

std::string temporary_suffix(const char* what) {
    return "." + std::string(what) + "-" + std::to_string(::getpid());
}

[[noreturn]] void not_a_store(const std::string& file) {
    fail(ErrorCode::corrupt, file +
                                 " is not a dspt store or a backup of one (made with 'dspt "
                                 "backup FILE'); nothing was changed");
}

void run_backup(CommandContext& context, const CopyOptions& options) {
    const auto store = LocalStore::file_in(resolve_home(context.global));
    if (!std::filesystem::exists(store)) {
        fail(ErrorCode::not_found,
             "no store at " + store.string() +
                 " to back up; give --home DIR (or set DSPT_HOME) if it is elsewhere");
    }
    const std::filesystem::path out(options.file);
    if (std::filesystem::is_directory(out)) {
        fail(ErrorCode::invalid_argument,
             options.file + " is a folder; give the name of the file to write, e.g. " +
                 (out / "dspt-store.backup").string());
    }
    if (std::filesystem::exists(out) && !options.force) {
        fail(ErrorCode::already_exists,
             options.file + " exists; give --force to replace it, or another file name");
    }
    if (const auto folder = out.parent_path();
        !folder.empty() && !std::filesystem::is_directory(folder)) {
        fail(ErrorCode::not_found, "there is no folder " + folder.string() +
                                       " to write the backup in; create it first, or give "
                                       "another place");
    }
    // Written beside FILE and renamed over it once whole: FILE is never half-written.
    const auto partial = beside(out, temporary_suffix("dspt-partial"));
    sqlite::remove_database_files(partial);
    std::uintmax_t bytes = 0;
    try {
        bytes = sqlite::backup_database(store, partial);
        std::filesystem::rename(partial, out);
    } catch (...) {
        sqlite::remove_database_files(partial);
        throw;
    }
    *context.out << "Backed up the store to " << options.file << " (" << human_size(bytes) << ").\n"
                 << "It is encrypted as the store is: restoring it needs the store's "
                    "passphrase. Keep the passphrase safe, apart from the file.\n"
                 << "To restore it: dspt restore " << options.file << "\n";
}

void run_restore(CommandContext& context, const CopyOptions& options) {
    const std::filesystem::path from(options.file);
    if (!std::filesystem::is_regular_file(from)) {
        fail(ErrorCode::not_found, "there is no file " + options.file + " to restore");
    }
    if (!LocalStore::looks_like_store(from)) {
        not_a_store(options.file);
    }
    const auto home = resolve_home(context.global);
    const auto target = LocalStore::file_in(home);
    if (std::filesystem::exists(target) && !options.force) {
        fail(ErrorCode::already_exists,
             "a store already exists at " + target.string() +
                 "; give --force to replace it (the current one is kept aside), or restore "
                 "into another place with --home DIR");
    }
    const auto passphrase = read_passphrase(context.global);
    // The copy is made and checked beside the store, under another name, and only
    // then takes the store's place.
    const auto restoring = beside(target, temporary_suffix("restoring"));
    const bool new_home = !std::filesystem::exists(home);
    if (new_home) {
        std::filesystem::create_directories(home);
        std::filesystem::permissions(home, std::filesystem::perms::owner_all);
    }
    // A failed restore leaves no trace: the copy, and the folder it made.
    const auto clean_up = [&] {
        sqlite::remove_database_files(restoring);
        if (new_home) {
            std::error_code ignored;
            std::filesystem::remove(home, ignored);
        }
    };

    sqlite::remove_database_files(restoring);
    StoreInfo info;
    bool enrolled = false;
    try {
        sqlite::backup_database(from, restoring);
        auto store = LocalStore::open(restoring, passphrase);
        forget_kept_session(*store);
        info = store->info();
        enrolled = load_identity(*store).has_value();
    } catch (const Error& error) {
        clean_up();
        if (error.code() == ErrorCode::wrong_passphrase) {
            fail(ErrorCode::wrong_passphrase,
                 "wrong passphrase: it does not open " + options.file +
                     "; give the passphrase the store had when it was backed up. Nothing "
                     "was changed");
        }
        if (error.code() == ErrorCode::corrupt || error.code() == ErrorCode::database) {
            not_a_store(options.file);
        }
        throw;
    } catch (...) {
        clean_up();
        throw;
    }

    std::filesystem::path aside;
    try {
        if (std::filesystem::exists(target)) {
            aside = beside(target, ".before-restore-" + timestamp_now());
            rename_database(target, aside);
        }
        rename_database(restoring, target);
    } catch (...) {
        sqlite::remove_database_files(restoring);
        throw;
    }
    *context.out << "Restored the store of " << info.site_name << " (" << info.year << ") from "
                 << options.file << " to " << target.string() << ".\n";
    if (!aside.empty()) {
        *context.out << "The store that was there is kept at " << aside.string() << ".\n";
    }
    if (!enrolled) {
        *context.out << "It is not enrolled with a server; carry on with it as before.\n";
        return;
    }
    *context.out << "Next: run 'dspt sync' to send the changes the copy had not sent and "
                    "receive what changed since.\n"
                 << "Stop using dspt on the computer the backup came from: both would sync as "
                    "one device. To keep both, enrol this one again with 'dspt enrol --again "
                    "--code CODE'.\n";
}

}  // namespace

void add_backup_commands(CLI::App& app, CommandContext& context) {
    auto backup_options = std::make_shared<CopyOptions>();
    auto* backup = app.add_subcommand(
        "backup", "Copy the store, still encrypted, to FILE (safe while dspt is in use)");
    backup->add_option("FILE", backup_options->file, "The file to write")->required();
    backup->add_flag("--force", backup_options->force, "Replace FILE if it exists");
    on_run(backup, context, [&context, backup_options] { run_backup(context, *backup_options); });

    auto restore_options = std::make_shared<CopyOptions>();
    auto* restore = app.add_subcommand(
        "restore",
        "Bring back a store from a backup made with 'dspt backup' (needs its passphrase)");
    restore->add_option("FILE", restore_options->file, "The backup to restore")->required();
    restore->add_flag("--force", restore_options->force,
                      "Replace the store here; the current one is kept aside");
    on_run(restore, context,
           [&context, restore_options] { run_restore(context, *restore_options); });
}

}  // namespace dspt::client
