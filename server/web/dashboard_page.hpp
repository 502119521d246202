#pragma once
// The signed-in dashboards as HTML: a headquarters' sites, a branch's own site, a
// partner's granting organisations, each site a row of the table `dspt sites` and
// `dspt partner progress` print (protocol::SiteProgress): level, satisfied/total
// for Approaching Standards and Standards Met, the mandatory items still missing
// (id and title), open conflicts, evidence files, the last successful sync, how
// old the oldest change not yet synced is, and the last publication.
//
// Plain HTML5: inline style, no script, no external resource; every value from
// the report or the viewer is escaped. On a narrow screen (a phone) each row
// stacks into a card whose cells carry their column's name. Times are shown as
// dates (YYYY-MM-DD, UTC) with an age measured from the report's
// generated_at_ms; "never" when something never happened.
//
// Pure functions, safe from any thread. HTTP (cookies, status, headers) lives in
// server/api/web_routes.hpp.

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/progress_messages.hpp"

namespace dspt::server::web {

// Who is looking, as the page's header says it.
struct DashboardViewer {
    std::string role;         // "headquarters", "branch" or "partner"
    std::string description;  // "Acorn Homecare (AB1)", "Acorn Leeds (VA001), Acorn Homecare"
    std::string year;         // the standards year shown, "2025-26"
};

// The dashboard page. One <section class="organisation"> per organisation, each
// with one <tr class="site"> per site; a partner without grants, or an
// organisation without sites, gets a sentence saying so.
std::string render_dashboard(const protocol::ProgressReport& report, const DashboardViewer& viewer);

// A short page with a heading and a message (both escaped), and, when
// `how_to_sign_in`, how to get a login link. For refusals (401, 403, 410) and
// for signing out.
std::string render_web_message(std::string_view heading, std::string_view message,
                               bool how_to_sign_in);

// A duration in words, rounded down: "under a minute", "1 minute", "5 minutes",
// "1 hour", "23 hours", "1 day", "3 days". Negative durations (a clock that went
// back) read as "under a minute".
std::string age_text(std::int64_t milliseconds);

}  // namespace dspt::server::web
