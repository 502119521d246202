#include "common/sqlite/transaction.hpp"

#include <string>

#include <sqlite3.h>

#include "common/error.hpp"

namespace dspt::sqlite {

namespace {

const char* begin_sql(TransactionBehavior behavior) {
    switch (behavior) {
        case TransactionBehavior::deferred:
            return "BEGIN DEFERRED";
        case TransactionBehavior::immediate:
            return "BEGIN IMMEDIATE";
        case TransactionBehavior::exclusive:
            return "BEGIN EXCLUSIVE";
    }
    fail(ErrorCode::internal, "unknown TransactionBehavior");
}

}  // namespace

Transaction::Transaction(Database& db, TransactionBehavior behavior) : db_(db) {
    db_.execute(begin_sql(behavior));
}

Transaction::~Transaction() {
    // SQLite may have rolled back on its own (SQLITE_FULL, SQLITE_IOERR, ...); issuing
    // ROLLBACK then would fail, or worse, end a transaction someone else began.
    if (!active_ || !db_.in_transaction()) {
        return;
    }
    // The raw call cannot throw. If ROLLBACK itself fails there is nothing better to do
    // from a destructor; the connection stays in the transaction and the next BEGIN on it
    // reports the problem.
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    end("COMMIT");
}

void Transaction::rollback() {
    if (active_ && !db_.in_transaction()) {
        active_ = false;  // SQLite already rolled it back
        return;
    }
    end("ROLLBACK");
}

void Transaction::end(const char* sql) {
    if (!active_) {
        fail(ErrorCode::internal, std::string("cannot ") + sql + ": the transaction has ended");
    }
    db_.execute(sql);
    active_ = false;
}

}  // namespace dspt::sqlite
