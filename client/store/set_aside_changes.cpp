#include "client/store/set_aside_changes.hpp"

#include "client/store/local_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::client {

namespace {

// The server version this store last knew of a register; 0 when none.
std::int64_t known_version(LocalStore& store, const OutboxSummary& entry) {
    sqlite::Statement select(
        store.database(),
        "SELECT version FROM register_versions WHERE scope = ?1 AND register_key = ?2");
    select.bind(1, entry.scope);
    select.bind(2, entry.register_key);
    return select.step() ? select.column_int64(0) : 0;
}

}  // namespace

std::string describe_set_aside(const OutboxSummary& entry) {
    const auto slash = entry.register_key.find('/');
    const auto kind = entry.register_key.substr(0, slash);
    const auto what = entry.item.empty() ? entry.register_key : entry.item + " (" + kind + ")";
    return what + (entry.scope.empty() ? "" : " of " + entry.scope) + ": " + entry.set_aside;
}

nlohmann::json set_aside_json(const std::vector<OutboxSummary>& entries) {
    auto list = nlohmann::json::array();
    for (const auto& entry : entries) {
        list.push_back({{"item", entry.item},
                        {"change", entry.register_key},
                        {"scope", entry.scope},
                        {"seq", entry.seq},
                        {"reason", entry.set_aside}});
    }
    return list;
}

void set_aside_refused(LocalStore& store, const std::vector<RefusedChange>& refused) {
    if (refused.empty()) {
        return;
    }
    sqlite::Transaction tx(store.database(), sqlite::TransactionBehavior::immediate);
    for (const auto& change : refused) {
        store.outbox().set_aside(change.seq, change.reason);
    }
    tx.commit();
}

std::vector<OutboxSummary> find_set_aside(LocalStore& store, std::string_view which) {
    std::vector<OutboxSummary> found;
    for (auto& entry : store.outbox().set_aside_entries()) {
        if (entry.item == which || entry.register_key == which) {
            found.push_back(std::move(entry));
        }
    }
    return found;
}

std::vector<OutboxSummary> drop_set_aside(LocalStore& store, std::string_view which) {
    sqlite::Transaction tx(store.database(), sqlite::TransactionBehavior::immediate);
    auto found = find_set_aside(store, which);
    for (const auto& entry : found) {
        store.outbox().drop_set_aside(entry.seq);
        // The value it wrote leaves this device: the server's comes back.
        if (entry.register_key.starts_with("answer/")) {
            store.delete_answer_row(entry.scope, entry.item);
        } else if (entry.register_key.starts_with("plan/")) {
            store.delete_plan_row(entry.scope, entry.item);
        }
        rewind_pull_cursor(store, known_version(store, entry));
    }
    tx.commit();
    return found;
}

}  // namespace dspt::client
