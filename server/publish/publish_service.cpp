#include "server/publish/publish_service.hpp"

#include <chrono>

#include "common/assessment/assessment.hpp"
#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/year.hpp"
#include "protocol/limits.hpp"
#include "server/publish/publish_pack.hpp"
#include "server/publish/publish_rules.hpp"
#include "server/publish/site_drafts.hpp"

namespace dspt::server::publish {

namespace {

constexpr std::size_t kMaxRequestIdBytes = 64;
constexpr std::size_t kMaxSites = protocol::kMaxPublishSites;

standards::Level parse_requested_level(const std::string& text) {
    const auto level = standards::parse_level(text);
    if (!level || *level == standards::Level::none) {
        fail(ErrorCode::invalid_argument,
             "the level is approaching, met or exceeded, not \"" + text.substr(0, 40) + "\"");
    }
    return *level;
}

void check_request(const protocol::PublishRequest& request) {
    if (request.request_id.empty() || request.request_id.size() > kMaxRequestIdBytes) {
        fail(ErrorCode::invalid_argument, "a publish request needs an id of 1 to 64 characters");
    }
    if (!standards::is_valid_year(request.year)) {
        fail(ErrorCode::invalid_argument, "a standards year is written like 2025-26, not \"" +
                                              request.year.substr(0, 40) + "\"");
    }
    if (request.sites.size() > kMaxSites) {
        fail(ErrorCode::limit_exceeded, "a publication covers at most 500 sites");
    }
    check_pack_identity(request.pack_version, request.pack_digest);
    if (request.last_seq < 0) {
        fail(ErrorCode::invalid_argument, "last_seq is negative");
    }
}

}  // namespace

protocol::PublicationView to_view(const store::Publication& publication) {
    return {publication.id,
            publication.organisation_ods,
            publication.sites,
            publication.year,
            std::string(standards::to_string(publication.level)),
            publication.published_at_ms,
            publication.device_id};
}

protocol::PublishResponse PublishService::publish(const store::Device& device,
                                                  const protocol::PublishRequest& request,
                                                  std::int64_t now_ms) {
    check_request(request);
    protocol::PublishResponse response;
    if (const auto earlier = repository_.find_publication_by_request(request.request_id)) {
        if (earlier->device_id != device.id) {
            fail(ErrorCode::forbidden,
                 "publish request " + request.request_id + " belongs to another device");
        }
        response.published = true;
        response.duplicate = true;
        response.publication = to_view(*earlier);
        return response;
    }
    const auto level = parse_requested_level(request.level);
    if (device.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "a support partner's device does not publish");
    }
    const auto organisation = repository_.find_organisation(device.organisation_ods);
    if (!organisation) {
        fail(ErrorCode::not_found, "there is no organisation " + device.organisation_ods);
    }
    const auto history = repository_.publications_of(organisation->ods);
    std::optional<store::Publication> last;
    if (!history.empty()) {
        last = history.front();
    }
    const auto sites = sites_to_publish(device, *organisation,
                                        repository_.sites_of(organisation->ods), request.sites);
    const auto pack = held_pack(repository_, request.year, request.pack_digest);
    if (!pack) {
        response.problems.push_back(
            {"", "",
             missing_pack_message(request.year, request.pack_version, request.pack_digest)});
        return response;
    }

    const auto site_drafts = read_site_drafts(repository_, *organisation, sites, request.year);

    PublishFacts facts;
    facts.level = level;
    facts.today = Date::from_unix_ms(now_ms);  // the server's date, never the client's
    facts.packs_held = held_openings(repository_);
    if (last) {
        facts.last = assessment::PriorPublication{
            last->level, last->year, Date::from_unix_ms(last->published_at_ms), last->sites};
    }
    // What the server holds of the changes the device says it made: counted only
    // on a replica bound to this device. A request naming none, one never seen, or
    // another device's is answered as for a replica that sent nothing, so the rule
    // is never skipped and another device's count never shows.
    const auto received = repository_.replica_high_water(request.replica_id, device.id).value_or(0);
    facts.changes_not_received = std::max<std::int64_t>(0, request.last_seq - received);
    for (auto& problem : publication_problems(*pack, site_drafts, facts)) {
        response.problems.push_back(
            {std::move(problem.site), std::move(problem.item), std::move(problem.message)});
    }
    if (!response.problems.empty()) {
        return response;
    }

    store::Publication publication;
    publication.organisation_ods = organisation->ods;
    publication.sites = sites;
    publication.year = request.year;
    publication.level = level;
    publication.published_at_ms = now_ms;
    publication.device_id = device.id;
    publication.request_id = request.request_id;
    const auto recorded = repository_.record_publication(publication);
    response.published = true;
    response.duplicate = recorded.duplicate;
    response.publication = to_view(recorded.publication);
    return response;
}

protocol::PublicationList PublishService::publications(const store::Device& device) const {
    if (device.role == store::DeviceRole::partner) {
        fail(ErrorCode::forbidden, "a support partner's device has no publications of its own");
    }
    protocol::PublicationList list;
    const auto history = repository_.publications_of(device.organisation_ods);
    if (!history.empty()) {
        list.last_level = std::string(standards::to_string(history.front().level));
        list.last_year = history.front().year;
    }
    for (const auto& publication : history) {
        if (device.role == store::DeviceRole::branch &&
            std::find(publication.sites.begin(), publication.sites.end(), device.site_ods) ==
                publication.sites.end()) {
            continue;  // a branch sees the publications that cover it
        }
        list.publications.push_back(to_view(publication));
    }
    return list;
}

}  // namespace dspt::server::publish
