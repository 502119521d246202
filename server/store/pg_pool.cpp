// The bounded connection pool of PgRepository.

#include "server/store/pg_pool.hpp"

namespace dspt::server::store::pg {

Pool::Pool(std::string conninfo, std::size_t size, std::chrono::milliseconds wait)
    : conninfo_(std::move(conninfo)), size_(size), wait_(wait) {
    if (size_ == 0) {
        fail(ErrorCode::invalid_argument, "a PostgreSQL pool needs at least one connection");
    }
}

Pool::Lease::~Lease() {
    if (pool_ != nullptr && connection_ != nullptr) {
        pool_->give_back(std::move(connection_));
    }
}

Pool::Lease Pool::acquire() {
    std::unique_lock lock(mutex_);
    const bool free =
        returned_.wait_for(lock, wait_, [&] { return !idle_.empty() || open_ < size_; });
    if (!free) {
        fail(ErrorCode::database_busy,
             "every PostgreSQL connection of this server stayed busy for " +
                 std::to_string(wait_.count()) + " ms; try again");
    }
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(connection));
    }
    ++open_;
    lock.unlock();
    try {
        return Lease(*this, std::make_unique<Connection>(conninfo_));
    } catch (...) {
        const std::lock_guard relock(mutex_);
        --open_;
        returned_.notify_one();
        throw;
    }
}

void Pool::give_back(std::unique_ptr<Connection> connection) noexcept {
    const bool keep = connection->reusable();
    if (!keep) {
        connection.reset();  // closed outside the lock would be nicer; it is quick
    }
    const std::lock_guard lock(mutex_);
    if (keep) {
        idle_.push_back(std::move(connection));
    } else {
        --open_;
    }
    returned_.notify_one();
}

void rollback_quietly(Connection& connection) noexcept {
    try {
        connection.execute("ROLLBACK");
    } catch (const std::exception&) {
        // Not idle any more, so the pool closes it instead of lending it again.
    }
}

}  // namespace dspt::server::store::pg
