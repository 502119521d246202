#include "common/sqlite/statement_cache.hpp"

#include <sqlite3.h>

namespace dspt::sqlite::detail {

StatementCache::~StatementCache() {
    close();
}

sqlite3_stmt* StatementCache::take(std::string_view sql) noexcept {
    const std::lock_guard lock(mutex_);
    const auto found = kept_.find(sql);
    if (found == kept_.end() || found->second.empty()) {
        return nullptr;
    }
    sqlite3_stmt* stmt = found->second.back();
    found->second.pop_back();
    --count_;
    return stmt;
}

bool StatementCache::give_back(std::string_view sql, sqlite3_stmt* stmt) noexcept {
    // The result of reset repeats the last step's error, already reported by it.
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    const std::lock_guard lock(mutex_);
    if (closed_) {
        return false;
    }
    if (count_ >= kMaxKept) {
        // Statements with text made per call (a pragma with a value) would otherwise
        // fill the cache for good; start again from the statements in use now.
        finalize_all();
    }
    try {
        auto found = kept_.find(sql);
        if (found == kept_.end()) {
            found = kept_.emplace(std::string(sql), std::vector<sqlite3_stmt*>{}).first;
        }
        found->second.push_back(stmt);
    } catch (...) {
        return false;  // out of memory: the caller finalizes instead
    }
    ++count_;
    return true;
}

void StatementCache::close() noexcept {
    const std::lock_guard lock(mutex_);
    finalize_all();
    closed_ = true;
}

void StatementCache::finalize_all() noexcept {
    for (auto& [sql, statements] : kept_) {
        for (sqlite3_stmt* stmt : statements) {
            sqlite3_finalize(stmt);
        }
    }
    kept_.clear();
    count_ = 0;
}

}  // namespace dspt::sqlite::detail
