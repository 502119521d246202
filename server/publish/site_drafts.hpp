#pragma once
// The one place that says what the server holds for a site in a standards
// year: its effective assessment (the organisation-wide answers plus its own,
// assessment::effective_assessment) and the registers in conflict it reads.
// Publishing checks these drafts; the progress view (server/progress)
// evaluates the same ones, so both agree on what a site has done.
//
// Conflicts: a site reads the organisation-wide registers as well as its own,
// so a conflict in either counts for it (and blocks publishing it).

#include <string>
#include <vector>

#include "common/assessment/publish_readiness.hpp"
#include "common/standards/pack.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::publish {

// One site as the server holds it for a year.
using assessment::SiteDraft;

// The standards of `year` this server holds. Throws invalid_argument for a
// year it has none for (or one not written like 2025-26).
const standards::Pack& served_pack(const std::string& year);

// The drafts of `sites` (codes of the organisation's sites), in the order
// given, read from the organisation's synced registers of `year`. The profile
// is the one synced, else the registry's Cyber Essentials Plus expiry. With
// `organisation_type`, also the profile's organisation type ("" when not set).
std::vector<SiteDraft> read_site_drafts(const store::Repository& repository,
                                        const store::Organisation& organisation,
                                        const std::vector<std::string>& sites,
                                        const std::string& year,
                                        std::string* organisation_type = nullptr);

}  // namespace dspt::server::publish
