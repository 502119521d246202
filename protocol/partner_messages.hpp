#pragma once
// A support partner's summary across the organisations that grant it access
// (README.md, "Partner summary"): how many are at each level, how many have
// published, lapse soon or have not synced lately, broken down by
// organisation type and by the partner's own groups, and the mandatory items
// missed most often. Counts, levels, codes, names, item ids and titles only:
// never an answer value, comment, plan text or evidence name.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "protocol/messages.hpp"

namespace dspt::protocol {

// PUT /v1/partner/groups/<ods>: a partner's device labels an organisation that
// grants it access (a local authority area, say); "" removes the label.
struct PartnerGroupRequest {
    static constexpr MessageType kType = MessageType::partner_group_request;
    static constexpr std::string_view kName = "PartnerGroupRequest";
    static constexpr std::uint32_t kVersion = 1;

    std::string label;

    bool operator==(const PartnerGroupRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(label);
    }
};

// How many organisations of one kind (all of them, a type or a group) are at each
// level and in each state.
struct LevelTally {
    static constexpr std::string_view kName = "LevelTally";
    static constexpr std::uint32_t kVersion = 1;

    std::string label;  // "" for all; the type ("care_home", ..., "" not stated) or group
    std::uint32_t organisations = 0;
    std::uint32_t none = 0;
    std::uint32_t approaching = 0;
    std::uint32_t met = 0;
    std::uint32_t exceeded = 0;
    std::uint32_t published = 0;       // a publication of the year covers one of its sites
    std::uint32_t lapsing = 0;         // a publication of theirs lapses within 30 days
    std::uint32_t no_recent_sync = 0;  // no site synced in the last 30 days (or ever)

    bool operator==(const LevelTally&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(label, organisations, none, approaching, met, exceeded, published, lapsing,
           no_recent_sync);
    }
};

// A mandatory item and how many organisations miss it.
struct MissingItemCount {
    static constexpr std::string_view kName = "MissingItemCount";
    static constexpr std::uint32_t kVersion = 1;

    std::string id;
    std::string title;
    std::uint32_t organisations = 0;

    bool operator==(const MissingItemCount&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(id, title, organisations);
    }
};

// One granting organisation as the summary counts it.
struct PartnerOrganisation {
    static constexpr std::string_view kName = "PartnerOrganisation";
    static constexpr std::uint32_t kVersion = 1;

    std::string ods;
    std::string name;
    std::string type;   // "care_home", "homecare", "both", "other"; "" not stated
    std::string group;  // the partner's label; "" none
    std::string level;  // the lowest level among the sites the partner sees
    std::uint32_t sites = 0;
    bool published = false;
    std::string lapses_on;  // "YYYY-MM-DD" when a publication lapses within 30 days, else ""
    std::int64_t last_sync_at_ms = 0;  // the latest sync of any of its sites; 0 never
    bool no_recent_sync = false;
    std::vector<std::string> missing;  // mandatory items some site misses, pack order

    bool operator==(const PartnerOrganisation&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(ods, name, type, group, level, sites, published, lapses_on, last_sync_at_ms,
           no_recent_sync,
           detail::ListField{missing, kMaxListEntries, "PartnerOrganisation.missing"});
    }
};

// GET /v1/partner/summary?year=Y: the summary of every organisation with a grant
// to the device's partner in force.
struct PartnerSummary {
    static constexpr MessageType kType = MessageType::partner_summary;
    static constexpr std::string_view kName = "PartnerSummary";
    static constexpr std::uint32_t kVersion = 1;

    std::string year;
    std::int64_t generated_at_ms = 0;
    LevelTally all;
    std::vector<LevelTally> by_type;                 // care home, homecare, both, other, not stated
    std::vector<LevelTally> by_group;                // by label, then those without one
    std::vector<MissingItemCount> missing;           // most often missed first
    std::vector<PartnerOrganisation> organisations;  // in ODS order

    bool operator==(const PartnerSummary&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(year, generated_at_ms, all,
           detail::ListField{by_type, kMaxListEntries, "PartnerSummary.by_type"},
           detail::ListField{by_group, kMaxListEntries, "PartnerSummary.by_group"},
           detail::ListField{missing, kMaxListEntries, "PartnerSummary.missing"},
           detail::ListField{organisations, kMaxListEntries, "PartnerSummary.organisations"});
    }
};

}  // namespace dspt::protocol

CEREAL_CLASS_VERSION(dspt::protocol::PartnerGroupRequest,
                     dspt::protocol::PartnerGroupRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::LevelTally, dspt::protocol::LevelTally::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::MissingItemCount, dspt::protocol::MissingItemCount::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PartnerOrganisation,
                     dspt::protocol::PartnerOrganisation::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::PartnerSummary, dspt::protocol::PartnerSummary::kVersion)
