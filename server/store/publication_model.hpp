#pragma once
// Publications and the public register as plain values (docs/domain.md,
// "Publishing", "What is public" and "Certificates").
//
// A publication is an immutable record that an organisation published its
// assessment of one standards year for some of its sites at a level, when and
// from which device. Answers and evidence are never part of it: it is all the
// public ever learns of an assessment.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/standards/pack.hpp"

namespace dspt::server::store {

struct Publication {
    std::int64_t id = 0;  // assigned by the store, from 1
    std::string organisation_ods;
    std::vector<std::string> sites;  // the site ODS codes it covers, ascending
    std::string year;                // the standards year, "2025-26"
    standards::Level level = standards::Level::met;
    std::int64_t published_at_ms = 0;
    std::string device_id;   // the device that published
    std::string request_id;  // the publishing request's id: a retry finds it again

    bool operator==(const Publication&) const = default;
};

// What record_publication did.
struct RecordedPublication {
    Publication publication;
    bool duplicate = false;  // the request was recorded before: this is that publication
};

// One site as the public register shows it: its code, and the latest publication
// that covers it (none: nothing published for it).
struct PublicSite {
    std::string ods;
    std::optional<Publication> latest;

    bool operator==(const PublicSite&) const = default;
};

// One organisation as the public search shows it: who it is, and the sites the entry
// speaks for, each with the latest publication that covers it. Every publication
// covers at least one of its organisation's sites, and sites never leave their
// organisation, so the organisation's latest publication is the newest of its sites'.
struct PublicEntry {
    std::string ods;
    std::string name;
    // Ascending by code: every registered site, or, when the search matched the
    // organisation by site code alone, only the sites whose code matched.
    std::vector<PublicSite> sites;
    bool every_site = true;  // false: `sites` holds only the sites the search matched

    bool operator==(const PublicEntry&) const = default;
};

struct PublicPage {
    std::vector<PublicEntry> entries;  // ordered by name, then ODS code
    std::size_t total = 0;             // how many match in all
};

// The registered organisations of one kind in a year's public statistics: those whose
// `profile/organisation_type` register holds `type_payload`, whose latest publication
// of the year is at `level`, and which did or did not publish for the year by the
// deadline. Counts only: no answer, comment or plan ever reaches these.
struct StatisticsGroup {
    // The newest live value of the organisation-wide `profile/organisation_type`
    // register, as stored (`{"type":"care_home"}`, `{"deleted":true}`); "" when the
    // organisation never set it.
    std::string type_payload;
    // The level of its latest publication of the year (by time, then id); none: it
    // has not published for the year.
    std::optional<standards::Level> level;
    bool by_deadline = false;  // a publication of the year made before the deadline ended
    std::size_t organisations = 0;

    bool operator==(const StatisticsGroup&) const = default;
};

// The most weeks publications_per_week counts at once: a year.
inline constexpr std::size_t kMaxStatisticsWeeks = 53;

// What the public statistics of one standards year count.
struct YearCounts {
    std::size_t organisations = 0;    // registered on this server
    std::size_t sites = 0;            // registered on this server
    std::size_t sites_published = 0;  // covered by at least one publication of the year
    // Every combination that holds an organisation, ordered by type_payload, level
    // (none first) and by_deadline; their counts add up to `organisations`.
    std::vector<StatisticsGroup> groups;
};

}  // namespace dspt::server::store
