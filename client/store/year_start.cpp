// LocalStore::start_year: a new standards year in the same store file
// (local_store.hpp, "a new standards year").

#include <sys/stat.h>
#include <utility>

#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/key_record.hpp"
#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "client/store/sync_state.hpp"
#include "common/error.hpp"
#include "common/sqlite/backup.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "common/standards/loader.hpp"

namespace dspt::client {

namespace {

namespace fs = std::filesystem;

// How often the finished year is copied again when another process changed
// the store while it was being copied.
constexpr int kCopyAttempts = 3;

// Changes when another connection commits to the file (SQLite's data_version).
std::int64_t data_version(sqlite::Database& db) {
    sqlite::Statement select(db, "PRAGMA data_version");
    select.step();
    return select.column_int64(0);
}

// Whether `file` is a copy of `year` this store made in an attempt that
// stopped before the new year was committed (the store is still at `year`).
bool is_unfinished_copy(const fs::path& file, const std::string& replica_id,
                        const std::string& year) {
    try {
        sqlite::Database copy(file, {sqlite::OpenMode::read_only});
        const auto copy_replica = meta::get(copy, meta::kSyncReplicaId);
        return (copy_replica ? copy_replica : meta::get(copy, meta::kReplicaId)) == replica_id &&
               meta::get(copy, meta::kYear) == year && meta::get(copy, meta::kArchived) == "1";
    } catch (const Error&) {
        return false;
    }
}

// Copies the store as it stands to `file`, a store of its own marked archived.
void copy_store(sqlite::Database& db, const fs::path& file) {
    // Directories made here are the owner's only, like the store's own.
    std::vector<fs::path> missing;
    for (auto dir = file.parent_path(); !dir.empty() && !fs::exists(dir); dir = dir.parent_path()) {
        missing.push_back(dir);
    }
    for (auto dir = missing.rbegin(); dir != missing.rend(); ++dir) {
        fs::create_directory(*dir);
        fs::permissions(*dir, fs::perms::owner_all);
    }
    sqlite::remove_database_files(file);
    {
        sqlite::Statement vacuum(db, "VACUUM INTO ?1");
        vacuum.bind(1, file.string());
        vacuum.execute();
    }
    ::chmod(file.c_str(), 0600);
    sqlite::Database copy(file, {sqlite::OpenMode::read_write});
    meta::set(copy, meta::kArchived, "1");
    // The kept copy never syncs: the session and its counters stay the store's.
    meta::erase(copy, meta::kRequestSession);
}

// The text columns of every row of a query.
std::vector<std::vector<std::string>> rows(sqlite::Database& db, std::string_view sql) {
    sqlite::Statement select(db, sql);
    std::vector<std::vector<std::string>> result;
    while (select.step()) {
        auto& row = result.emplace_back();
        for (int i = 0; i < select.column_count(); ++i) {
            row.push_back(select.column_text(i));
        }
    }
    return result;
}

void mark(sqlite::Database& db, const std::string& scope, const std::string& item_id) {
    sqlite::Statement insert(db, "INSERT OR IGNORE INTO to_review(scope, item_id) VALUES(?1, ?2)");
    insert.bind(1, scope);
    insert.bind(2, item_id);
    insert.execute();
}

std::int64_t count(sqlite::Database& db, std::string_view sql) {
    sqlite::Statement select(db, sql);
    select.step();
    return select.column_int64(0);
}

}  // namespace

YearStartReport LocalStore::start_year(const YearStartOptions& options,
                                       std::string_view passphrase) {
    require_not_archived();
    const auto& pack = options.pack;
    standards::validate_pack(pack, pack.year);
    if (pack.year <= info_.year) {
        const auto later = " is not a later standards year than this store's ";
        fail(ErrorCode::invalid_argument, pack.year + later + info_.year);
    }
    key_record::unlock(db_, passphrase);  // the passphrase must be this store's
    const bool enrolled = load_identity(*this).has_value();
    const auto require_sent = [&] {
        const auto waiting = sync_backlog(*this).changes;
        if (enrolled && waiting > 0) {
            fail(ErrorCode::failed_precondition,
                 std::to_string(waiting) + (waiting == 1 ? " change" : " changes") + " of " +
                     info_.year + (waiting == 1 ? " waits" : " wait") +
                     " to sync: run dspt sync first");
        }
    };
    require_sent();
    if (const auto set_aside = outbox_->set_aside_entries().size(); set_aside > 0) {
        // Deleting them is the user's decision, not a side effect of the new year.
        fail(ErrorCode::failed_precondition,
             std::to_string(set_aside) + (set_aside == 1 ? " change" : " changes") + " of " +
                 info_.year + " refused by the server " + (set_aside == 1 ? "is" : "are") +
                 " set aside: answer again or drop them first (dspt outbox)");
    }
    const auto archive = file_in(options.archive_home);
    if (fs::exists(archive) && !is_unfinished_copy(archive, info_.replica_id, info_.year)) {
        fail(ErrorCode::already_exists, "a copy of a " + info_.year + " assessment is already at " +
                                            archive.string() + ": move it away first");
    }
    const fs::path partial = archive.string() + ".partial";

    for (int attempt = 0; attempt < kCopyAttempts; ++attempt) {
        const auto version = data_version(db_);
        copy_store(db_, partial);
        sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
        if (data_version(db_) != version) {
            sqlite::remove_database_files(partial);  // changed meanwhile: the copy may miss it
            continue;
        }
        require_sent();
        sqlite::remove_database_files(archive);
        fs::rename(partial, archive);
        YearStartReport report;
        try {
            report.old_year = info_.year;
            report.new_year = pack.year;
            report.archive = archive;

            // Answers and evidence of items in both years carry over, marked to
            // review, in every assessment the store holds; the rest stays in
            // the copy only.
            for (const auto& row : rows(db_, "SELECT scope, item_id FROM answers")) {
                const auto& scope = row[0];
                const auto& item_id = row[1];
                if (pack.find(item_id) != nullptr) {
                    mark(db_, scope, item_id);
                    ++report.answers_to_review;
                } else {
                    delete_answer_row(scope, item_id);
                    ++report.answers_dropped;
                }
            }
            for (const auto& row : rows(db_, "SELECT id, item_id, scope FROM evidence")) {
                const auto& id = row[0];
                const auto& item_id = row[1];
                if (pack.find(item_id) != nullptr) {
                    sqlite::Statement carry(db_, "UPDATE evidence SET transfer = ?2 WHERE id = ?1");
                    carry.bind(1, id);
                    carry.bind(2, static_cast<std::int64_t>(EvidenceTransfer::carried));
                    carry.execute();
                    mark(db_, row[2], item_id);
                    ++report.evidence_to_review;
                } else {
                    sqlite::Statement chunks(db_,
                                             "DELETE FROM evidence_chunks WHERE evidence_id = ?1");
                    chunks.bind(1, id);
                    chunks.execute();
                    sqlite::Statement file(db_, "DELETE FROM evidence WHERE id = ?1");
                    file.bind(1, id);
                    file.execute();
                    ++report.evidence_dropped;
                }
            }
            // Marks left by an earlier year's start for items this year lacks.
            for (const auto& row : rows(db_, "SELECT scope, item_id FROM to_review")) {
                if (pack.find(row[1]) == nullptr) {
                    clear_review_mark(row[0], row[1]);
                }
            }
            report.plan_entries_dropped =
                static_cast<std::size_t>(count(db_, "SELECT COUNT(*) FROM plan_entries"));
            db_.execute("DELETE FROM plan_entries");

            // Nothing of the old year may be sent later under the new year's
            // keys: an enrolled store has sent everything (checked above); one
            // never enrolled has sent nothing, so its changes of the old year
            // go and its seq starts again at 1. The profile is every year's.
            if (enrolled) {
                db_.execute("DELETE FROM outbox");
            } else {
                report.changes_discarded = outbox_->discard_unsent([](const OutboxEntry& entry) {
                    return !entry.register_key.starts_with("profile/");
                });
            }
            reset_sync_position(*this);

            meta::set(db_, meta::kYear, pack.year);
            meta::set(db_, meta::kCustomPack, options.custom_pack ? "1" : "0");
            if (options.custom_pack) {
                meta::set(db_, meta::kPack, standards::pack_to_json(pack));
            } else {
                meta::erase(db_, meta::kPack);
            }
            // The wrap binds the year and the pack: wrapped again, same passphrase.
            key_record::write(db_, data_key_, passphrase, key_record::stored_params(db_));

            for (const auto& item : pack.items) {
                if (pack_.find(item.id) == nullptr) {
                    report.new_items.push_back(item.id);
                }
            }
            tx.commit();
        } catch (...) {
            sqlite::remove_database_files(archive);
            throw;
        }
        pack_ = pack;
        info_.year = pack.year;
        info_.custom_pack = options.custom_pack;
        return report;
    }
    sqlite::remove_database_files(partial);
    fail(ErrorCode::database_busy, "the store kept changing while the " + info_.year +
                                       " copy was made: run the command again");
}

}  // namespace dspt::client
