#pragma once
// The signed-in browser pages (server/web/): what the router hands every path
// that is /web or under /web/, and the signed request that makes a login link.
//
//   POST /v1/web/login-links?year=<year>  (signed) -> WebLoginLink: a link that
//                                         opens a session once, within 5 minutes
//   GET  /web/login?token=<secret>        opens the session: sets the cookie
//                                         dspt_session (HttpOnly; SameSite=Strict;
//                                         Path=/; Secure when the server runs TLS or
//                                         has an https:// public URL) and answers
//                                         303 to /web/ (under the public URL when
//                                         set). A link used
//                                         before, or made by a revoked device: 403;
//                                         expired: 410; each an HTML page, no cookie
//   GET  /web/ (and /web)                 the dashboard of the session's device: a
//                                         headquarters every site of its
//                                         organisation, a branch device its own site,
//                                         a partner every organisation with a live
//                                         grant. No live session: 401 with how to get
//                                         a link
//   GET  /web/progress.csv                the dashboard's table as CSV, as an
//                                         attachment named dspt-progress-<year>.csv
//   GET  /web/site?code=<site>            one site of the dashboard: its missing
//                                         mandatory items; a site the session may
//                                         not see, or none: 404
//   POST /web/logout                      ends the session and clears the cookie
//
// Every /web answer is HTML with the security headers of
// http::PageKind::signed_in_page (http/security_headers.hpp): no script, never
// framed, Referrer-Policy no-referrer (the login link's secret never leaves in a
// Referer) and Cache-Control no-store. Another method on a known path gets 405, an unknown path
// 404.
//
// Thread-safety: as the Router, these functions keep no state beyond the Context.

#include <string_view>

#include "http/request.hpp"
#include "protocol/web_messages.hpp"
#include "server/context.hpp"

namespace dspt::server::api {

inline constexpr std::string_view kSessionCookie = "dspt_session";

// Whether the router sends `path` here.
bool is_web_path(std::string_view path) noexcept;

// Answers a /web request; never throws a refusal (each is an HTML page), only
// server faults. Sets meta.route, meta.device when a session is live, and meta.error
// when it answers a server fault (5xx) with its page.
http::Response handle_web(Context& context, const http::Request& request, http::Response& meta);

// POST /v1/web/login-links for an authenticated device: a link to the dashboard of
// `year`. Throws invalid_argument for a malformed year.
protocol::WebLoginLink issue_login_link(Context& context, const store::Device& device,
                                        std::string_view year);

}  // namespace dspt::server::api
