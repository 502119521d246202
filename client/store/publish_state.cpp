#include "client/store/publish_state.hpp"

#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "common/crypto/random.hpp"

namespace dspt::client {

namespace {

constexpr std::string_view kPendingPublish = "pending_publish";

nlohmann::json describe(const PublishIntent& intent) {
    return {{"year", intent.year}, {"level", intent.level}, {"sites", intent.sites}};
}

}  // namespace

std::string publish_request_id(LocalStore& store, const PublishIntent& intent) {
    auto& db = store.database();
    if (const auto text = meta::get(db, kPendingPublish)) {
        const auto pending = nlohmann::json::parse(*text, nullptr, false);
        if (pending.is_object() && pending.value("intent", nlohmann::json()) == describe(intent) &&
            pending.contains("id") && pending["id"].is_string()) {
            return pending["id"].get<std::string>();
        }
    }
    auto id = crypto::random_uuid();
    meta::set(db, kPendingPublish, nlohmann::json{{"id", id}, {"intent", describe(intent)}}.dump());
    return id;
}

void forget_publish_request(LocalStore& store) {
    meta::erase(store.database(), kPendingPublish);
}

}  // namespace dspt::client
