#pragma once
// The unauthenticated routes: the public register and certificates, everything the
// server answers outside /v1/ (the router hands every such path here), plus the signed
// GET /v1/certificates/<year>.{pdf,png} for the client's `dspt certificate`.
//
//   GET /                                   the HTML search page (?q=TEXT&page=N&per_page=M);
//                                           its front page (no q, page 1) adds the statistics
//   GET /api/v1/organisations               JSON, same parameters
//   GET /api/v1/organisations.csv           CSV of every match (?q=TEXT), at most 10,000 rows
//   GET /statistics                         the statistics of a year as a page (?year=2025-26)
//   GET /api/v1/statistics[.csv]            the same as JSON or CSV (publish/statistics.hpp)
//   GET /certificates/<ods>/<year>.pdf|png  an organisation's certificate, or by a site's
//                                           code the latest that covers that site
//   GET /v1/certificates/<year>.pdf|png     (signed) the requesting device's organisation's
//
// `year` (statistics) is a standards year this server has standards for, written like
// 2025-26; without it, the newest such year not after today's. Anything else, or `year`
// given twice, is refused with 400 (as JSON, or as an HTML page for /statistics).
//
// Query parameters. `q`, `page` (from 1) and `per_page` (1 to 100, default 20) are
// form-decoded ('+' is a space, %XX a byte); `q` is trimmed of surrounding spaces and
// may be at most 200 bytes of UTF-8 text without control characters. A malformed
// value, a parameter given twice or a bad %-escape is refused with 400 (as JSON, or as
// an HTML page for "/"). Other parameters are ignored, so links that carry extra
// parameters (a form's button, a campaign tag) still work. A page past the last
// answers an empty list.
//
// Only the organisation's name, its ODS and site codes, and for each site the level,
// year and dates of the latest publication that covers it are ever served here
// (docs/domain.md, "What is public"). Every response
// carries the security headers of http::PageKind::public_data, the HTML page those of
// public_page (http/security_headers.hpp: no script). Errors are JSON bodies from
// api::error_response: 404 for an unknown path or a certificate that does not exist ("no
// certificate for <code> <year>": the answer for an unknown code and a year without a
// Standards Met or Exceeded publication that covers the site or organisation alike), 405
// for a method other than GET on a known path.
//
// Anyone can send these requests, so their cost is bounded: each client address
// may make Context::public_rate of them (429 with Retry-After past it), and
// certificates come from Context::certificates, drawn once; a certificate not
// drawn yet while another is being drawn answers 503 with "Retry-After: 1".
//
// Thread-safety: as the Router, these functions keep no state beyond the Context.

#include <cstdint>
#include <string_view>

#include "http/request.hpp"
#include "server/context.hpp"
#include "server/publish/public_register.hpp"

namespace dspt::server::api {

// Answers a request whose path is not under /v1/. Throws dspt::Error for a refused
// request (the router turns it into a JSON error) except on "/", which answers its
// errors as HTML. Sets meta.route.
http::Response handle_public(Context& context, const http::Request& request, http::Response& meta);

// GET /v1/certificates/<file> for an authenticated device: a headquarters device gets
// its organisation's certificate; a branch device only when a branch device of its own
// site made the publication that covers the site, else 403 (docs/domain.md,
// "Certificates"); a partner 403. The rule is auth::AccessPolicy::require_certificate.
http::Response device_certificate(Context& context, const store::Device& device,
                                  std::string_view file);

// The route name (for the access log and metrics) of GET /v1/certificates/<file>.
std::string device_certificate_route(std::string_view file);

// What the certificate of `publication` shows: the organisation's name and the names
// of the sites the publication covers as the registry holds them now, its dates, and
// the register page that confirms it (under Context::public_url; the path alone when
// that is not set).
publish::CertificateContent certificate_content(Context& context,
                                                const store::Organisation& organisation,
                                                const store::Publication& publication);

// Draws the certificates of a publication just made, off the request threads,
// when it has any (Standards Met or Exceeded, a year still offered).
void prepare_certificates(Context& context, std::int64_t publication_id,
                          std::string_view organisation_ods);

// The search parameters of a raw (undecoded) query string; throws
// ErrorCode::invalid_argument as described above.
publish::RegisterQuery parse_register_query(std::string_view raw_query);

}  // namespace dspt::server::api
