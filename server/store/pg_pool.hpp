#pragma once
// Private to PgRepository's .cpp files: a bounded pool of connections to one database,
// and the transactions every operation runs in.
//
// The pool opens connections as they are first needed, up to its size, and keeps
// them: a request borrows one, so no request pays for a connection. A caller waits
// for a free connection up to `wait`, then gets database_busy. A connection that was
// lost, or left inside a transaction by a failure, is closed rather than returned.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "server/store/pg_connection.hpp"

namespace dspt::server::store::pg {

class Pool {
  public:
    Pool(std::string conninfo, std::size_t size, std::chrono::milliseconds wait);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // A borrowed connection, returned to the pool when the lease ends.
    class Lease {
      public:
        Lease(Pool& pool, std::unique_ptr<Connection> connection) noexcept
            : pool_(&pool), connection_(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();

        Connection& operator*() const noexcept { return *connection_; }
        Connection* operator->() const noexcept { return connection_.get(); }

      private:
        Pool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    Lease acquire();

    const std::string& conninfo() const noexcept { return conninfo_; }

  private:
    void give_back(std::unique_ptr<Connection> connection) noexcept;

    std::string conninfo_;
    std::size_t size_;
    std::chrono::milliseconds wait_;
    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;  // idle and lent
};

enum class Access {
    write,  // READ COMMITTED; the operation takes the row locks its checks need
    read,   // REPEATABLE READ READ ONLY: every statement sees one snapshot
};

// Ends a failed transaction; a connection that cannot is dropped by the pool.
void rollback_quietly(Connection& connection) noexcept;

// The most times a transaction that PostgreSQL aborted for a serialization failure or
// a deadlock is run again before the caller gets database_busy.
inline constexpr int kTransactionAttempts = 5;

// Runs fn(Connection&) inside one transaction on a pooled connection and commits; a
// throw rolls back. A serialization failure or deadlock runs fn again (it must have
// no effect outside the database).
template <typename Fn>
auto in_transaction(Pool& pool, Access access, Fn&& fn) {
    for (int attempt = 1;; ++attempt) {
        auto connection = pool.acquire();
        try {
            // A pooled connection the database closed (a restart, an idle timeout)
            // fails here, before anything ran: take another.
            connection->execute(access == Access::read
                                    ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                    : "BEGIN");
        } catch (const Error&) {
            if (connection->reusable() || attempt == kTransactionAttempts) {
                throw;
            }
            continue;  // the lease drops the broken connection
        }
        try {
            if constexpr (std::is_void_v<decltype(fn(*connection))>) {
                fn(*connection);
                connection->execute("COMMIT");
                return;
            } else {
                auto result = fn(*connection);
                connection->execute("COMMIT");
                return result;
            }
        } catch (const SqlError& error) {
            rollback_quietly(*connection);
            const bool retry = error.is(kSerializationFailure) || error.is(kDeadlockDetected);
            if (!retry) {
                throw;
            }
            if (attempt == kTransactionAttempts) {
                throw Error(ErrorCode::database_busy,
                            "PostgreSQL kept aborting the transaction for concurrent "
                            "updates; try again: " +
                                std::string(error.what()));
            }
        } catch (...) {
            rollback_quietly(*connection);
            throw;
        }
    }
}

}  // namespace dspt::server::store::pg
