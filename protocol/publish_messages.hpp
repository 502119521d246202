#pragma once
// The publishing messages (docs/domain.md, "Publishing"): a device asks the server
// to publish its synced assessment at a level, for its own site or, from
// headquarters, for the branches it selects; the server checks every rule and
// either records an immutable publication or answers with every reason it
// cannot.
//
// Levels travel as their names: "approaching", "met", "exceeded".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "protocol/messages.hpp"

namespace dspt::protocol {

// POST /v1/publish.
struct PublishRequest {
    static constexpr MessageType kType = MessageType::publish_request;
    static constexpr std::string_view kName = "PublishRequest";
    static constexpr std::uint32_t kVersion = 2;

    // Chosen by the client and kept until an answer arrives: a retry with the same
    // id returns the first publication instead of publishing again.
    std::string request_id;
    std::string year;                // the standards year, "2025-26"
    std::string level;               // "approaching", "met" or "exceeded"
    std::vector<std::string> sites;  // site codes; empty: a branch device's own site
    // The publishing store's replica and the last seq it has written: the server
    // refuses while it has not received all of them.
    std::string replica_id;
    std::int64_t last_seq = 0;
    // Version 2: the standards pack the publishing store uses for `year`: its
    // toolkit version ("v8"; may be empty) and the lower-case hex BLAKE2b-256 of
    // its canonical JSON (standards::pack_digest). The server evaluates against
    // that pack and refuses one it does not hold. Empty in version 1: the
    // server's bundled pack of the year.
    std::string pack_version;
    std::string pack_digest;

    bool operator==(const PublishRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(request_id, year, level,
           detail::ListField{sites, kMaxPublishSites, "PublishRequest.sites"}, replica_id,
           last_seq);
        if (version >= 2) {
            ar(pack_version, pack_digest);
        }
    }
};

// One reason a publication cannot be made.
struct PublishProblem {
    static constexpr std::string_view kName = "PublishProblem";
    static constexpr std::uint32_t kVersion = 1;

    std::string site;  // the site it concerns; "" for the organisation or the request
    std::string item;  // the item it concerns; "" for none
    std::string message;

    bool operator==(const PublishProblem&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(site, item, message);
    }
};

// A publication as recorded: all the public ever learns of an assessment.
struct PublicationView {
    static constexpr std::string_view kName = "PublicationView";
    static constexpr std::uint32_t kVersion = 1;

    std::int64_t id = 0;
    std::string organisation_ods;
    std::vector<std::string> sites;
    std::string year;
    std::string level;
    std::int64_t published_at_ms = 0;
    std::string device_id;

    bool operator==(const PublicationView&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(id, organisation_ods,
           detail::ListField{sites, kMaxPublishSites, "PublicationView.sites"}, year, level,
           published_at_ms, device_id);
    }
};

// The answer to a publish request (200 either way): the publication, or every
// problem found, per site and per item.
struct PublishResponse {
    static constexpr MessageType kType = MessageType::publish_response;
    static constexpr std::string_view kName = "PublishResponse";
    static constexpr std::uint32_t kVersion = 1;

    bool published = false;
    bool duplicate = false;                // the request was answered before: the same publication
    PublicationView publication;           // when published
    std::vector<PublishProblem> problems;  // when not

    bool operator==(const PublishResponse&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(published, duplicate, publication,
           detail::ListField{problems, kMaxPublishProblems, "PublishResponse.problems"});
    }
};

// GET /v1/publications: the organisation's publications, newest first (a
// branch device's: those that cover its site).
struct PublicationList {
    static constexpr MessageType kType = MessageType::publication_list;
    static constexpr std::string_view kName = "PublicationList";
    static constexpr std::uint32_t kVersion = 2;

    std::vector<PublicationView> publications;
    // Class version 2: the level and year of the organisation's newest
    // publication, whatever sites it covers; "" when it has none. A branch
    // device learns from them that the organisation has published, so that
    // it does not offer Approaching Standards. Version 1 reads as "".
    std::string last_level;
    std::string last_year;

    bool operator==(const PublicationList&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(detail::ListField{publications, kMaxListEntries, "PublicationList.publications"});
        if (version >= 2) {
            ar(last_level, last_year);
        }
    }
};

}  // namespace dspt::protocol

CEREAL_CLASS_VERSION(dspt::protocol::PublishRequest, dspt::protocol::PublishRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PublishProblem, dspt::protocol::PublishProblem::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PublicationView, dspt::protocol::PublicationView::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PublishResponse, dspt::protocol::PublishResponse::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PublicationList, dspt::protocol::PublicationList::kVersion)
