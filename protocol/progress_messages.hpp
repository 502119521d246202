#pragma once
// Progress across sites: what a headquarters consolidates and what a support
// partner reviews (README.md, "Progress across sites"). The server evaluates every
// site's synced drafts with the client's own evaluator and adds what only it
// knows: when each site's devices last synced, what they still hold unsent,
// and the last publication.
//
// Progress only: levels, counts, item ids and titles, times. No answer value,
// comment, plan text or evidence name ever travels in these messages, so the
// same view is safe to show a partner.
//
// Levels travel as their names: "none", "approaching", "met", "exceeded".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "protocol/messages.hpp"
#include "protocol/publish_messages.hpp"

namespace dspt::protocol {

// POST /v1/sync/health: what a device still holds unsent, sent at the start of
// every sync (before anything else, so a sync cut later still reports it) and
// again when a sync finishes.
struct SyncHealth {
    static constexpr MessageType kType = MessageType::sync_health;
    static constexpr std::string_view kName = "SyncHealth";
    static constexpr std::uint32_t kVersion = 1;

    std::uint64_t pending_changes = 0;  // outbox entries and evidence files not yet sent
    std::uint64_t pending_bytes = 0;
    // How old the oldest of them is by the device's clock, in milliseconds; 0
    // when nothing is pending. An age, not a time, so a device clock that is
    // wrong does not move it.
    std::int64_t oldest_pending_age_ms = 0;
    bool finished = false;  // sent after a sync that completed: the device is up to date

    bool operator==(const SyncHealth&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(pending_changes, pending_bytes, oldest_pending_age_ms, finished);
    }
};

// An item a site still misses.
struct ItemRef {
    static constexpr std::string_view kName = "ItemRef";
    static constexpr std::uint32_t kVersion = 1;

    std::string id;
    std::string title;

    bool operator==(const ItemRef&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(id, title);
    }
};

// One site's progress in the standards year, as the server holds it.
struct SiteProgress {
    static constexpr std::string_view kName = "SiteProgress";
    static constexpr std::uint32_t kVersion = 1;

    std::string site_code;
    std::string site_name;
    std::string level;  // reached by its effective answers (its own, else organisation-wide)
    std::uint32_t approaching_satisfied = 0;
    std::uint32_t approaching_total = 0;
    std::uint32_t met_satisfied = 0;
    std::uint32_t met_total = 0;
    std::vector<ItemRef> missing_approaching;  // mandatory items not satisfied, pack order
    std::vector<ItemRef> missing_met;
    std::uint32_t conflicts = 0;       // open conflicts in the site's registers
    std::uint32_t evidence_files = 0;  // evidence files recorded for the site
    std::int64_t last_sync_at_ms = 0;  // a site device's last completed sync, server time; 0 never
    // Across the site's devices, at their last report: changes not yet sent, and
    // when the oldest of them was written (server time: the report's arrival
    // less the age the device gave; 0 when nothing is pending).
    std::uint64_t pending_changes = 0;
    std::uint64_t pending_bytes = 0;
    std::int64_t oldest_pending_at_ms = 0;
    bool published = false;            // whether last_publication holds one
    PublicationView last_publication;  // the newest publication that covers the site

    bool operator==(const SiteProgress&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(site_code, site_name, level, approaching_satisfied, approaching_total, met_satisfied,
           met_total,
           detail::ListField{missing_approaching, kMaxListEntries,
                             "SiteProgress.missing_approaching"},
           detail::ListField{missing_met, kMaxListEntries, "SiteProgress.missing_met"}, conflicts,
           evidence_files, last_sync_at_ms, pending_changes, pending_bytes, oldest_pending_at_ms,
           published, last_publication);
    }
};

// One organisation's sites, in site-code order.
struct OrganisationProgress {
    static constexpr std::string_view kName = "OrganisationProgress";
    static constexpr std::uint32_t kVersion = 1;

    std::string organisation_ods;
    std::string organisation_name;
    std::string year;  // the standards year evaluated, "2025-26"
    std::vector<SiteProgress> sites;

    bool operator==(const OrganisationProgress&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(organisation_ods, organisation_name, year,
           detail::ListField{sites, kMaxListEntries, "OrganisationProgress.sites"});
    }
};

// GET /v1/orgs/<ods>/progress?year=Y (headquarters: every site; a branch
// device: its own) and GET /v1/partner/progress?year=Y (a partner: every
// organisation with a live grant to it, in ODS order).
struct ProgressReport {
    static constexpr MessageType kType = MessageType::progress_report;
    static constexpr std::string_view kName = "ProgressReport";
    static constexpr std::uint32_t kVersion = 1;

    std::int64_t generated_at_ms = 0;  // the server's clock: ages are measured from it
    std::vector<OrganisationProgress> organisations;

    bool operator==(const ProgressReport&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(generated_at_ms,
           detail::ListField{organisations, kMaxListEntries, "ProgressReport.organisations"});
    }
};

}  // namespace dspt::protocol

CEREAL_CLASS_VERSION(dspt::protocol::SyncHealth, dspt::protocol::SyncHealth::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::ItemRef, dspt::protocol::ItemRef::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::SiteProgress, dspt::protocol::SiteProgress::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::OrganisationProgress,
                     dspt::protocol::OrganisationProgress::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::ProgressReport, dspt::protocol::ProgressReport::kVersion)
