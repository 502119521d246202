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
// dates (DD/MM/YYYY, UTC) with an age measured from the report's
// generated_at_ms; "never" when something never happened.
//
// Pure functions, safe from any thread. HTTP (cookies, status, headers) lives in
// server/api/web_routes.hpp.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/standards/pack.hpp"
#include "protocol/progress_messages.hpp"

namespace dspt::server::web {

// Who is looking, as the page's header says it.
struct DashboardViewer {
    std::string role;            // "headquarters", "branch" or "partner"
    std::string description;     // "Acorn Homecare (AB1)", "Acorn Leeds (VA001), Acorn Homecare"
    std::string year;            // the standards year shown, "2025-26"
    std::string home = "/web/";  // the dashboard's address; the other pages' links start here
};

// Days after which an unsent change counts in the totals as old.
inline constexpr int kUnsentWarningDays = 7;

// The figures above the table, over every site of the report.
struct DashboardTotals {
    std::size_t sites = 0;
    std::size_t exceeded = 0;     // at Standards Exceeded
    std::size_t met = 0;          // at Standards Met
    std::size_t approaching = 0;  // at Approaching Standards
    std::size_t not_yet = 0;      // not yet at Approaching Standards
    std::size_t unsent_old = 0;   // holding a change not synced for kUnsentWarningDays or more
    std::size_t conflicts = 0;    // with an open conflict
};

DashboardTotals dashboard_totals(const protocol::ProgressReport& report);

// The dashboard page: a <section id="totals"> with the totals and a link to the
// CSV download, then one <section class="organisation"> per organisation, each
// with one <tr class="site"> per site, the site's name linking to its page; a
// partner without grants, or an organisation without sites, gets a sentence
// saying so.
std::string render_dashboard(const protocol::ProgressReport& report, const DashboardViewer& viewer);

// The dashboard's table as CSV (RFC 4180, UTF-8 with a byte order mark, CR LF,
// cells that start like a formula guarded as report::csv_field does): a header
// row, then one row per site with its organisation, level, counts, missing
// mandatory item ids, conflicts, evidence files, last sync, unsent changes and
// last publication; dates as DD/MM/YYYY. Progress only, as the page.
std::string render_dashboard_csv(const protocol::ProgressReport& report);

// The name the CSV download is saved under: "dspt-progress-2025-26.csv".
std::string dashboard_csv_name(std::string_view year);

// One site's page, reached from its row: its level, the counts, and every
// mandatory item it still misses, with its standard, and for which level it
// is needed. `pack` gives the standards' items (their questions).
std::string render_site_page(const protocol::OrganisationProgress& organisation,
                             const protocol::SiteProgress& site, const standards::Pack& pack,
                             const DashboardViewer& viewer, std::int64_t now_ms);

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
