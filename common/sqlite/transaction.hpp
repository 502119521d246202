#pragma once
// Transaction: a scoped BEGIN ... COMMIT on a Database that rolls back unless committed.
//
//     Transaction tx(db, TransactionBehavior::immediate);
//     insert_draft.execute();
//     update_index.execute();
//     tx.commit();  // without this line, leaving the scope undoes both statements
//
// Thread-safety: like its Database, a Transaction is used by one thread at a time.

#include "common/sqlite/database.hpp"

namespace dspt::sqlite {

// When the transaction takes its locks (SQLite's BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE).
enum class TransactionBehavior {
    // No lock until the first read, no write lock until the first write. A transaction
    // that reads and then writes can fail with database_busy at the write, after work
    // was done. Fine for read-only transactions.
    deferred,
    // Takes the write lock at BEGIN, waiting up to the busy timeout, so a transaction
    // that starts will not fail later for lack of the lock. Use it for every
    // read-modify-write transaction. In WAL mode readers still proceed.
    immediate,
    // Like immediate; in rollback-journal mode also keeps out readers. In WAL mode it is
    // the same as immediate.
    exclusive,
};

// One transaction on a Database, from construction to commit() or destruction.
//
// The rule of the destructor: if commit() has not succeeded (and rollback() was not
// called), the destructor rolls the transaction back. This happens whether the scope is
// left normally, by return, or by an exception unwinding. The destructor never throws:
// a failing ROLLBACK is ignored, and if SQLite has already ended the transaction itself
// (it rolls back on its own after some errors, such as a full disk) the destructor does
// nothing. Nothing is ever committed implicitly.
//
// Transactions do not nest: constructing a second Transaction on a Database while one
// is open throws ErrorCode::database. The Database must outlive the Transaction. Not
// copyable or movable.
class Transaction {
  public:
    // Begins a transaction (BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE). Throws
    // ErrorCode::database_busy if another connection holds the lock past the busy
    // timeout, ErrorCode::database if a transaction is already open on `db`.
    explicit Transaction(Database& db,
                         TransactionBehavior behavior = TransactionBehavior::deferred);

    // Rolls back unless committed; see the class comment. Never throws.
    ~Transaction();

    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Makes the transaction's changes durable. Throws ErrorCode::database_busy or
    // ErrorCode::database if COMMIT fails; the transaction is then still open (or
    // already rolled back by SQLite), and the destructor rolls it back. Throws
    // ErrorCode::internal if the transaction has already ended.
    void commit();

    // Undoes the transaction's changes now rather than at the end of the scope. Throws
    // like commit().
    void rollback();

    // True until commit() or rollback() succeeds.
    bool active() const noexcept { return active_; }

  private:
    void end(const char* sql);

    Database& db_;
    bool active_ = true;
};

}  // namespace dspt::sqlite
