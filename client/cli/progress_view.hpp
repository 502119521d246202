#pragma once
// How `dspt sites` and `dspt partner progress` show the server's progress
// report (protocol/progress_messages.hpp): one JSON object and one table row
// per site, the same in both commands. Ages are measured from the report's
// own time (the server's clock), so a device clock that is wrong does not
// move them.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/progress_messages.hpp"

namespace dspt::client {

// A site as JSON: "site", "name", "level", "levels" {"approaching", "met"}
// each {"satisfied", "total", "missing": [{"id", "title"}]}, "conflicts",
// "evidence_files", "last_sync" (ISO time or null), "pending_changes",
// "pending_bytes", "oldest_pending" (ISO time or null),
// "oldest_pending_age_ms", "last_publication" (or null).
nlohmann::json site_json(const protocol::SiteProgress& site, std::int64_t generated_at_ms);

// An organisation as JSON: "organisation", "name", "year", "sites".
nlohmann::json organisation_json(const protocol::OrganisationProgress& organisation,
                                 std::int64_t generated_at_ms);

// The table's header and a site's row: site, name, level ("Met", "none
// yet"), approaching and met as satisfied/total, conflicts, evidence files,
// last sync ("never"), changes not yet synced and the age of the oldest
// ("2, oldest 3 days"; "-" for none), and the last publication ("Met
// 2026-03-01"; "-" for none).
std::vector<std::string> site_header();
std::vector<std::string> site_row(const protocol::SiteProgress& site, std::int64_t generated_at_ms);

// "Standards Met" for "met".
std::string level_display(const std::string& level);

}  // namespace dspt::client
