#pragma once
// A support partner's summary (README.md, "Partner summary"): across the
// organisations whose grant to the partner is in force, how many are at each
// level of the year, how many have published, how many hold a publication that
// lapses within 30 days, and how many have not synced for 30 days; the same
// counts by organisation type (the profile's organisation_type) and by the
// partner's own groups (store::PartnerGroup); and the mandatory items missed
// most often, with how many organisations miss each.
//
// How it is computed: on each request, from the same per-site progress the
// partner's dashboard shows (organisation_progress: the synced registers
// evaluated with the client's evaluator), one organisation at a time, then
// counted here; the organisations are shared among up to four threads (the store's
// reads run in parallel). Nothing is cached, so a revoked grant drops out of the
// next answer. tests/bench/partner_summary_bench.cpp measures it.
//
// An organisation's level is the lowest of the sites the partner sees (the level
// it could publish for all of them); it misses an item when any of those sites
// misses it; it has published when a publication of the year covers one of them.
//
// Nothing of an answer, comment, plan or evidence name is read into the result:
// only levels, item ids and titles, codes, names and times.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/standards/pack.hpp"
#include "protocol/partner_messages.hpp"
#include "protocol/progress_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/progress/progress_service.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::progress {

inline constexpr int kPartnerSummaryDays = 30;

// The organisation types in the order the summary lists them; "" is "not stated".
inline constexpr std::string_view kOrganisationTypes[] = {"care_home", "homecare", "both", "other",
                                                          ""};

// "Care home", "Homecare", "Care home and homecare", "Other"; "Not stated" for "".
std::string organisation_type_label(std::string_view type);

// One organisation's progress, with what the summary adds to it.
struct SummaryInput {
    protocol::OrganisationProgress progress;
    std::string type;   // as its profile says it; anything unknown counts as not stated
    std::string group;  // the partner's label, "" none
};

// Counts `organisations` (in the order given) on `now_ms`'s day. Pure.
protocol::PartnerSummary summarise(const standards::Pack& pack,
                                   const std::vector<SummaryInput>& organisations,
                                   std::int64_t now_ms);

// The summary for a partner's device in `year`. Throws forbidden for a device that
// is not a partner's, invalid_argument for a year the server has no standards for.
protocol::PartnerSummary partner_summary(const store::Repository& repository,
                                         const ProgressService& progress,
                                         const auth::AccessPolicy& policy,
                                         const store::Device& device, std::string_view year,
                                         std::int64_t now_ms);

// A partner's device labels an organisation that grants its partner access; ""
// removes the label. Throws forbidden for a device that is not a partner's,
// not_found when the organisation has no grant to the partner in force,
// invalid_argument for a label that is not a display name.
void set_partner_group(store::Repository& repository, const auth::AccessPolicy& policy,
                       const store::Device& device, std::string_view organisation_ods,
                       std::string_view label, std::int64_t now_ms);

// Which organisations a count stands for: a drill-down from the summary. Empty
// fields match everything.
struct SummaryFilter {
    std::string level;                 // "none", "approaching", "met", "exceeded"
    std::optional<std::string> type;   // "" is not stated
    std::optional<std::string> group;  // "" is no group
    std::string state;                 // "published", "lapsing", "no_recent_sync"
    std::string missing;               // an item id
};

bool matches(const protocol::PartnerOrganisation& organisation, const SummaryFilter& filter);

}  // namespace dspt::server::progress
