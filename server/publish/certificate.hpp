#pragma once
// Certificates: one A4 landscape page that says an organisation reached Standards Met
// or Standards Exceeded in a standards year, for the sites a publication covers, on
// the day it published (docs/domain.md, "Certificates"). Drawn with
// cairo, as PDF or PNG, with the "DejaVu Sans" font (fonts-dejavu-core).
//
// A certificate names exactly the sites its publication covers, and the public register
// page that confirms it.
//
// Which certificates exist:
//   - only for a Standards Met or Standards Exceeded publication: Approaching
//     Standards has none;
//   - only for the current standards year (standards::year_on(today)) and the one
//     before it;
//   - of that year, the organisation's latest such publication (for a branch, the
//     latest that covers its site).
// Who may download one (the HTTP side, server/api/public_routes.hpp, applies it):
// anyone through the public register by organisation code, or by the code of a site
// (the latest such publication that covers the site); through the signed API a
// headquarters device, or a branch device when a branch device of its own site made
// the publication (docs/domain.md, "Certificates": for a headquarters publication only headquarters
// downloads it).
//
// Everything here is pure (no store, no clock): safe to call from any thread at once.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "common/standards/pack.hpp"
#include "server/store/publication_model.hpp"

namespace dspt::server::publish {

enum class CertificateFormat { pdf, png };

// "application/pdf" or "image/png"; "pdf" or "png".
std::string_view content_type(CertificateFormat format) noexcept;
std::string_view extension(CertificateFormat format) noexcept;

// A certificate's file name as asked for in a URL: "2025-26.pdf" or "2025-26.png".
struct CertificateFile {
    std::string year;  // as written; not yet checked to be a valid year
    CertificateFormat format = CertificateFormat::pdf;
};

// The year and format of "<year>.pdf" / "<year>.png"; nullopt for anything else.
std::optional<CertificateFile> parse_certificate_file(std::string_view file);

// Whether certificates of `year` are offered on `today`: the current standards year
// and the previous one. False for a malformed year.
bool certificate_year_offered(std::string_view year, Date today);

// Whether a publication at `level` in `year` has a certificate on `today`.
bool certificate_offered(standards::Level level, std::string_view year, Date today);

// The publication whose certificate of `year` is issued, from an organisation's
// publications (any order). With `site`, only publications that cover that site
// count. Throws ErrorCode::not_found, with a message fit for the public, when there is
// none:
//   - "certificates are offered for the current and previous year only (...)" when
//     `year` is neither;
//   - "no certificate for <code> <year>: ... Approaching Standards ..." when the year's
//     only publications are at Approaching Standards;
//   - "no certificate for <code> <year>" otherwise, where <code> is `site` or `ods`.
const store::Publication& certificate_publication(
    const std::vector<store::Publication>& publications, std::string_view ods,
    std::string_view year, Date today, std::optional<std::string_view> site = std::nullopt);

// What a certificate shows.
struct CertificateContent {
    std::string organisation_name;
    std::string organisation_ods;
    std::vector<std::string> sites;  // as shown, e.g. "Rose Lodge (VA1B2)"
    standards::Level level = standards::Level::met;
    std::string year;  // "2025-26"
    Date published;
    Date lapses;  // the first day the publication is lapsed (standards::lapses_on)
    // The public register page that confirms it: "https://dspt.example.org/?q=AB1", or
    // the path alone, "/?q=AB1", when the server's public address is not configured (the
    // certificate then says the page is on the register of the server that issued it).
    std::string register_address;
};

// The certificate as a one-page PDF (A4 landscape, 842 x 595 points) or a PNG of the
// same page at 144 dots per inch (1684 x 1190 pixels): the organisation's name and ODS
// code, the level and year, the date published and the date it lapses, the sites
// covered, and the register address. A long organisation name is drawn smaller and
// then wrapped (and cut short with "..." only past four lines); a long list of sites
// ends with "and N more"; a long address is drawn smaller. Text that is not valid UTF-8 has its bad
// bytes shown as "?". Throws ErrorCode::internal if cairo fails.
std::string render_certificate(const CertificateContent& content, CertificateFormat format);

}  // namespace dspt::server::publish
