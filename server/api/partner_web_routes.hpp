#pragma once
// The support partner's summary pages under /web/partner (server/web/
// partner_summary_page.hpp), for a signed-in partner's session; web_routes.cpp
// checks the session and hands these paths here.
//
//   GET /web/partner                            the summary of the session's year
//   GET /web/partner/organisations?level=&type=&group=&state=&missing=
//                                               the organisations behind a count
//   GET /web/partner/organisations/<ods>        one organisation's sites
//
// Refusals are thrown as dspt::Error for handle_web to show: forbidden for a device
// that is not a partner's, not_found for an organisation without a grant in force
// (as for one that does not exist) or another path, invalid_argument for a
// malformed filter.

#include <string>
#include <string_view>

#include "http/request.hpp"
#include "server/context.hpp"
#include "server/web/dashboard_page.hpp"

namespace dspt::server::api {

// Whether `path` is one of these pages.
bool is_partner_web_path(std::string_view path) noexcept;

// The page's HTML for `device`, signed in for `year`.
std::string partner_web_page(Context& context, const http::Request& request,
                             const store::Device& device, const std::string& year,
                             const web::DashboardViewer& viewer);

}  // namespace dspt::server::api
