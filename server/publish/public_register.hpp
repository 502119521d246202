#pragma once
// The public register: what anyone (the public, CQC, commissioners) learns of an
// organisation's DSPT, rendered as JSON, CSV and an HTML search page
// (docs/domain.md, "What is public"). Only the organisation's name, ODS code, its site
// codes, and for each site the level, standards year and dates of the latest
// publication that covers it appear; nothing else of an assessment is ever rendered here.
//
// Status of one site, from the latest publication that covers it and today's date (UTC):
//   - no publication covers it:     "Not published"
//   - published, twelve months old
//     or less:                      "<level display name> <year>", e.g. "Standards Met 2025-26"
//   - published more than twelve
//     months ago:                   "Lapsed (Standards Met 2024-25)", and `lapsed` is true.
// The boundary: a publication made on day D (its UTC date) is current up to and
// including the same day twelve months later, and lapsed from the day after. Published
// 2025-03-10 is current on 2026-03-10 and lapsed from 2026-03-11; published 2024-02-29 is
// current up to 2025-02-28 (the month's last day stands in for a missing 29th) and
// lapsed from 2025-03-01.
//
// Status of an organisation's row: its latest publication among those that cover the
// row's sites, read as above, naming the sites it covers unless it covers every site of
// the row: "Standards Met 2025-26 for VA001", "Lapsed (Standards Met 2024-25 for VA001)".
// A search by site code shows only the matching sites (store::PublicEntry), so it never
// shows a publication that covers none of them.
//
// Every function here is pure: no store, no clock, no HTTP. They are safe to call from
// any thread at once. HTTP handling (query strings, status codes, headers) lives in
// server/api/public_routes.hpp.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "server/store/publication_model.hpp"

namespace dspt::server::publish {

// Paging and size limits of the register.
inline constexpr std::size_t kDefaultPerPage = 20;
inline constexpr std::size_t kMaxPerPage = 100;
inline constexpr std::size_t kMaxPage = 1'000'000;
inline constexpr std::size_t kMaxQueryBytes = 200;  // of the decoded search text
inline constexpr std::size_t kMaxCsvRows = 10'000;

// "21 November 2026".
using dspt::long_date;

// A status on the register, of one site or of an organisation's row.
struct RegisterStatus {
    std::string text;                       // as shown: "Standards Met 2025-26", ...
    std::optional<standards::Level> level;  // of the publication; empty when none
    std::string year;                       // its standards year; "" when none
    std::optional<Date> published;          // its date (UTC); empty when none
    std::optional<Date> lapses;             // the first day it is lapsed; empty when none
    bool lapsed = false;
    std::vector<std::string> covers;  // the site codes the publication covers; empty when none
};

// The status of a site whose latest covering publication is `latest`.
RegisterStatus register_status(const std::optional<store::Publication>& latest, Date today);

// The newest publication of the entry's sites' (by date, then id); null when none.
const store::Publication* latest_publication(const store::PublicEntry& entry);

// The status of an organisation's row (see the top of this file).
RegisterStatus organisation_status(const store::PublicEntry& entry, Date today);

// The certificate link of an organisation's row, "/certificates/AB1/2025-26.pdf", when
// its status has one on `today`: by organisation code for a row of every site, by the
// code of a shown site the publication covers for a row of matching sites; "" when none.
std::string certificate_link(const store::PublicEntry& entry, const RegisterStatus& status,
                             Date today);

// What a search asked for, already decoded and checked (see public_routes.hpp).
struct RegisterQuery {
    std::string text;  // the search text; "" lists every organisation
    std::size_t page = 1;
    std::size_t per_page = kDefaultPerPage;
};

// {"query","page","per_page","total","organisations":[{"name","ods","sites","status",
// "level","year","published","lapsed","lapses","covers","every_site","site_statuses":[
// {"ods","status","level","year","published","lapsed","lapses"}]}]}. "sites" lists the
// row's site codes and "every_site" says whether those are all the organisation's (false
// for a search by site code); the organisation-level fields are organisation_status's and
// each "site_statuses" entry is one site's register_status. level is
// "approaching"|"met"|"exceeded" or null; year, published and lapses ("YYYY-MM-DD") are
// null when nothing is published; covers is [] then.
std::string render_json(const RegisterQuery& query, const store::PublicPage& page, Date today);

// A UTF-8 byte order mark, the header row
// "Organisation,ODS code,Sites,Status,Published,Status of each site" and one row per
// entry (sites separated by spaces; Status and Published of organisation_status, Published
// "YYYY-MM-DD" or empty; each site as "VA001: Standards Met 2025-26, published
// 2025-11-04" or "VA002: Not published", separated by "; "), every line ending in CR LF;
// fields quoted and guarded against formula injection as in common/report/csv_writer.hpp.
std::string render_csv(const store::PublicPage& page, Date today);

// The HTML5 search page: a GET form (input "q"), one <tr class="result"> per entry
// with cells name, ODS code, sites (a list: each site's code, status and date
// published), the latest publication's status (with a link to the certificate when one
// is offered) and its date; "no organisation matches" when nothing does; paging links;
// then `statistics` (HTML of statistics.hpp's statistics_section, not escaped) when not
// empty, with its style in the head. Every value is HTML-escaped. No script.
std::string render_html(const RegisterQuery& query, const store::PublicPage& page, Date today,
                        std::string_view statistics = {});

// A small HTML page that shows `message` (escaped) under `heading`, for a refused request.
std::string render_html_error(std::string_view message,
                              std::string_view heading = "The search was refused");

// `text` with every byte that does not begin or continue a well-formed UTF-8 sequence
// (no overlong forms, no surrogates) replaced by '?'; valid text comes back unchanged.
std::string repair_utf8(std::string_view text);

}  // namespace dspt::server::publish
