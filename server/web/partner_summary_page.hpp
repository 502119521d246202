#pragma once
// A support partner's summary pages on the signed-in dashboard (docs/dashboard
// in README.md, "Partner summary"), from progress::partner_summary:
//
//   /web/partner            the counts: all organisations, by type and by the
//                           partner's groups (levels, published, lapsing within 30
//                           days, no sync for 30 days), and the mandatory items
//                           missed most often. Every count links to the
//                           organisations behind it.
//   /web/partner/organisations?level=&type=&group=&state=&missing=
//                           those organisations, each linking to its sites
//   /web/partner/organisations/<ods>
//                           one organisation's sites, as the dashboard shows them
//
// Plain HTML5 like the dashboard: inline style, no script, every value escaped.
// Counts, levels, codes, names, item ids and titles, dates: never an answer,
// comment, plan or evidence name. Pure functions, safe from any thread.

#include <string>

#include "protocol/partner_messages.hpp"
#include "server/progress/partner_summary.hpp"
#include "server/web/dashboard_page.hpp"

namespace dspt::server::web {

// The summary page.
std::string render_partner_summary(const protocol::PartnerSummary& summary,
                                   const DashboardViewer& viewer);

// The organisations `filter` picks from the summary.
std::string render_partner_organisations(const protocol::PartnerSummary& summary,
                                         const progress::SummaryFilter& filter,
                                         const DashboardViewer& viewer);

// The link to the organisations a filter picks ("/web/partner/organisations?...").
std::string drill_down_link(const progress::SummaryFilter& filter);

}  // namespace dspt::server::web
