#pragma once
// The assessments the server holds for one organisation and standards year,
// read back from its synced registers (docs/sync.md, "Registers"), so publishing
// can run the same evaluator as the client (common/assessment).
//
// Registers of the year are "<year>/answer/<item>", "<year>/plan/<item>" and
// "<year>/evidence/<uuid>"; "profile/cyber_essentials_plus" in the
// organisation-wide scope gives the profile. A register whose value is
// deleted or cannot be read counts as absent: an item it would have satisfied
// stays unsatisfied, so a damaged value never publishes anything.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/assessment/assessment.hpp"
#include "server/store/sync_model.hpp"

namespace dspt::server::publish {

struct OrganisationDrafts {
    // By scope: "" for the organisation-wide answers, else a site's code.
    std::map<std::string, assessment::Assessment, std::less<>> scopes;
    // By scope: the register keys (without the year) in conflict.
    std::map<std::string, std::vector<std::string>, std::less<>> conflicts;
    // The organisation profile as synced; nullopt when no device has set it.
    std::optional<assessment::OrganisationProfile> profile;
    // The profile's organisation_type ("care_home", "homecare", "both", "other"), as
    // synced organisation-wide; "" when no device has set it.
    std::string organisation_type;

    // The scope's own assessment (empty when it has no registers).
    const assessment::Assessment& scope(std::string_view name) const;
};

// Reads the registers of `year` (and the profile) from `registers`, which may
// hold several years and scopes; others are ignored.
OrganisationDrafts read_drafts(const std::vector<store::Register>& registers,
                               std::string_view year);

}  // namespace dspt::server::publish
