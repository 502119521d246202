#include "client/store/publish_state.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "common/crypto/random.hpp"
#include "common/date.hpp"

namespace dspt::client {

namespace {

constexpr std::string_view kPendingPublish = "pending_publish";
constexpr std::string_view kPublications = "publications";

nlohmann::json to_json(const protocol::PublicationView& publication) {
    return {{"level", publication.level},
            {"year", publication.year},
            {"published", Date::from_unix_ms(publication.published_at_ms).to_string()},
            {"sites", publication.sites}};
}

// A kept publication, or nullopt for one this build cannot read.
std::optional<assessment::PriorPublication> from_json(const nlohmann::json& row) {
    if (!row.is_object()) {
        return std::nullopt;
    }
    const auto level = standards::parse_level(row.value("level", ""));
    const auto published = Date::parse(row.value("published", ""));
    if (!level || !published || !row.contains("sites") || !row["sites"].is_array()) {
        return std::nullopt;
    }
    assessment::PriorPublication prior{*level, row.value("year", ""), *published, {}};
    for (const auto& site : row["sites"]) {
        if (site.is_string()) {
            prior.sites.push_back(site.get<std::string>());
        }
    }
    return prior;
}

nlohmann::json kept_publications(LocalStore& store) {
    if (const auto text = meta::get(store.database(), kPublications)) {
        auto doc = nlohmann::json::parse(*text, nullptr, false);
        if (doc.is_object() && doc.contains("publications") && doc["publications"].is_array()) {
            return doc;
        }
    }
    return nullptr;
}

nlohmann::json describe(const PublishIntent& intent) {
    return {{"year", intent.year}, {"level", intent.level}, {"sites", intent.sites}};
}

// The id of the unanswered request for `intent`, if there is one.
std::optional<std::string> pending_id(LocalStore& store, const PublishIntent& intent) {
    if (const auto text = meta::get(store.database(), kPendingPublish)) {
        const auto pending = nlohmann::json::parse(*text, nullptr, false);
        if (pending.is_object() && pending.value("intent", nlohmann::json()) == describe(intent) &&
            pending.contains("id") && pending["id"].is_string()) {
            return pending["id"].get<std::string>();
        }
    }
    return std::nullopt;
}

}  // namespace

PublishIntent publish_intent(const LocalStore& store, standards::Level level,
                             std::vector<std::string> sites) {
    std::sort(sites.begin(), sites.end());
    sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
    return {store.info().year, std::string(standards::to_string(level)), std::move(sites)};
}

bool publish_request_pending(LocalStore& store, const PublishIntent& intent) {
    return pending_id(store, intent).has_value();
}

std::string publish_request_id(LocalStore& store, const PublishIntent& intent) {
    auto& db = store.database();
    if (auto pending = pending_id(store, intent)) {
        return *pending;
    }
    auto id = crypto::random_uuid();
    meta::set(db, kPendingPublish, nlohmann::json{{"id", id}, {"intent", describe(intent)}}.dump());
    return id;
}

void forget_publish_request(LocalStore& store) {
    meta::erase(store.database(), kPendingPublish);
}

void remember_publications(LocalStore& store, const protocol::PublicationList& list,
                           const std::string& digest) {
    auto rows = nlohmann::json::array();
    for (const auto& publication : list.publications) {
        rows.push_back(to_json(publication));
    }
    nlohmann::json last = nullptr;
    if (!list.last_level.empty()) {
        last = {{"level", list.last_level}, {"year", list.last_year}};
    } else if (!list.publications.empty()) {  // a server that does not say
        last = to_json(list.publications.front());
    }
    meta::set(store.database(), kPublications,
              nlohmann::json{{"publications", rows}, {"last", last}, {"digest", digest}}.dump());
}

void remember_publication(LocalStore& store, const protocol::PublicationView& publication) {
    auto doc = kept_publications(store);
    if (doc.is_null()) {
        doc = {{"publications", nlohmann::json::array()}};
    }
    doc["publications"].insert(doc["publications"].begin(), to_json(publication));
    doc["last"] = {{"level", publication.level}, {"year", publication.year}};
    doc.erase("digest");  // no longer the server's list as it was sent
    meta::set(store.database(), kPublications, doc.dump());
}

std::string known_publications_digest(LocalStore& store) {
    const auto doc = kept_publications(store);
    if (doc.is_null() || !doc.contains("digest") || !doc["digest"].is_string()) {
        return {};
    }
    return doc["digest"].get<std::string>();
}

KnownPublications known_publications(LocalStore& store) {
    KnownPublications known;
    const auto doc = kept_publications(store);
    if (doc.is_null()) {
        return known;
    }
    known.learned = true;
    for (const auto& row : doc["publications"]) {
        if (auto prior = from_json(row)) {
            known.publications.push_back(std::move(*prior));
        }
    }
    if (const auto last = doc.value("last", nlohmann::json()); last.is_object()) {
        const auto level = standards::parse_level(last.value("level", ""));
        if (level && *level != standards::Level::none) {
            known.last = assessment::PriorPublication{*level, last.value("year", ""), {}, {}};
        }
    }
    return known;
}

}  // namespace dspt::client
