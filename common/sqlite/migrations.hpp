#pragma once
// Schema migrations in numbered steps on PRAGMA user_version.
//
// A store declares its whole schema history as a list of steps, oldest first, and calls
// migrate() every time it opens its file:
//
//     const Migration kDraftStoreMigrations[] = {
//         {1, "Create drafts", [](Database& db) { db.execute("CREATE TABLE drafts(...)"); }},
//         {2, "Add drafts.updated_at",
//          [](Database& db) { db.execute("ALTER TABLE drafts ADD COLUMN updated_at INT"); }},
//     };
//     migrate(db, kDraftStoreMigrations);
//
// The file's user_version is the number of the last step applied to it (0 for a new
// file). Steps are append-only: once released, a step is never edited or removed, since
// files in the field have already run it; change the schema with a new step instead.
//
// Thread-safety: migrate() uses its Database from the calling thread only. Several
// processes may migrate the same file at once: each step re-reads user_version under
// its write lock, so a step never runs twice.

#include <functional>
#include <span>
#include <string_view>

#include "common/sqlite/database.hpp"

namespace dspt::sqlite {

// One step of a schema's history.
struct Migration {
    // The user_version the file has after this step. Steps are numbered 1, 2, 3, ...
    int version;
    // What the step does, for error messages and logs ("Add drafts.updated_at").
    std::string_view description;
    // Changes the schema (and moves data) from version-1 to version. It runs inside a
    // transaction, so it must not BEGIN/COMMIT itself, and PRAGMA foreign_keys cannot be
    // changed in it (SQLite ignores that pragma inside a transaction); use PRAGMA
    // defer_foreign_keys=ON when a step rebuilds a table others refer to. Throwing
    // rolls the step back.
    std::function<void(Database&)> apply;
};

// Brings `db` up to the last step of `steps` and returns the number of steps it applied
// (0 if the file was already current).
//
// Each pending step runs in its own IMMEDIATE transaction, which also sets user_version
// to the step's number, so the file is always at a step boundary: if a step throws, its
// changes are rolled back, the file stays at the previous version, steps already applied
// stay applied, and the error is rethrown. A dspt::Error keeps its code and gains the
// step's number and description in its message; other exceptions pass unchanged.
//
// Throws:
//   - ErrorCode::schema_too_new, leaving the file untouched, if its user_version is
//     greater than the last step's number: a newer dsptsync wrote it, and this build
//     cannot know what its schema means. The message names both versions.
//   - ErrorCode::corrupt if the file's user_version is negative.
//   - ErrorCode::internal if `steps` is not numbered 1, 2, 3, ... in order or a step has
//     no apply function (checked before anything else).
//   - ErrorCode::database / database_busy from SQLite, including when a transaction is
//     already open on `db` (call migrate() outside any Transaction).
int migrate(Database& db, std::span<const Migration> steps);

}  // namespace dspt::sqlite
