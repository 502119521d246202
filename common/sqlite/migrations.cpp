#include "common/sqlite/migrations.hpp"

#include <string>

#include "common/error.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::sqlite {

namespace {

void validate(std::span<const Migration> steps) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Migration& step = steps[i];
        const auto expected = static_cast<int>(i) + 1;
        if (step.version != expected) {
            fail(ErrorCode::internal, "schema migration list is not numbered 1, 2, 3, ...: entry " +
                                          std::to_string(i) + " has version " +
                                          std::to_string(step.version) + ", expected " +
                                          std::to_string(expected));
        }
        if (!step.apply) {
            fail(ErrorCode::internal, "schema migration " + std::to_string(step.version) + " (" +
                                          std::string(step.description) +
                                          ") has no apply function");
        }
    }
}

void check_readable(const Database& db, int current, int latest) {
    if (current > latest) {
        fail(ErrorCode::schema_too_new,
             "database \"" + db.path() + "\" is at schema version " + std::to_string(current) +
                 ", but this version of dsptsync knows schema versions up to " +
                 std::to_string(latest) + "; it was written by a newer dsptsync");
    }
    if (current < 0) {
        fail(ErrorCode::corrupt, "database \"" + db.path() + "\" has a negative schema version " +
                                     std::to_string(current));
    }
}

}  // namespace

int migrate(Database& db, std::span<const Migration> steps) {
    validate(steps);
    const auto latest = static_cast<int>(steps.size());

    int current = db.user_version();
    check_readable(db, current, latest);

    int applied = 0;
    for (const Migration& step : steps) {
        if (step.version <= current) {
            continue;
        }
        Transaction tx(db, TransactionBehavior::immediate);
        // Another process may have migrated between our read and taking the write lock.
        current = db.user_version();
        check_readable(db, current, latest);
        if (step.version <= current) {
            continue;
        }
        try {
            step.apply(db);
        } catch (const Error& e) {
            throw Error(e.code(), "schema migration " + std::to_string(step.version) + " (" +
                                      std::string(step.description) + ") failed: " + e.what());
        }
        db.set_user_version(step.version);
        tx.commit();
        current = step.version;
        ++applied;
    }
    return applied;
}

}  // namespace dspt::sqlite
