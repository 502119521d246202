#pragma once
// The public register: what anyone (the public, CQC, commissioners) learns of an
// organisation's DSPT, rendered as JSON, CSV and an HTML search page
// (docs/domain.md, "What is public"). Only the organisation's name,
// ODS code, site codes and its latest publication's level, standards year and date
// appear; nothing else of an assessment is ever rendered here.
//
// Status of an organisation, from its latest publication and today's date (UTC):
//   - no publication:               "Not published"
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
std::string long_date(Date date);

// One organisation's status on the register.
struct RegisterStatus {
    std::string text;                       // as shown: "Standards Met 2025-26", ...
    std::optional<standards::Level> level;  // of the latest publication; empty when none
    std::string year;                       // its standards year; "" when none
    std::optional<Date> published;          // its date (UTC); empty when none
    bool lapsed = false;
};

RegisterStatus register_status(const std::optional<store::Publication>& latest, Date today);

// What a search asked for, already decoded and checked (see public_routes.hpp).
struct RegisterQuery {
    std::string text;  // the search text; "" lists every organisation
    std::size_t page = 1;
    std::size_t per_page = kDefaultPerPage;
};

// {"query","page","per_page","total","organisations":[{"name","ods","sites","status",
// "level","year","published","lapsed"}]}; level is "approaching"|"met"|"exceeded" or
// null, year and published ("YYYY-MM-DD") null when never published.
std::string render_json(const RegisterQuery& query, const store::PublicPage& page, Date today);

// A UTF-8 byte order mark, the header row "Organisation,ODS code,Sites,Status,Published"
// and one row per entry (sites separated by spaces, Published "YYYY-MM-DD" or empty),
// every line ending in CR LF; fields quoted and guarded against formula injection as in
// common/report/csv_writer.hpp.
std::string render_csv(const store::PublicPage& page, Date today);

// The HTML5 search page: a GET form (input "q"), one <tr class="result"> per entry
// with cells name, ODS code, site codes, status (with a link to the certificate when
// one is offered) and date published; "no organisation matches" when nothing does;
// paging links. Every value is HTML-escaped. No script.
std::string render_html(const RegisterQuery& query, const store::PublicPage& page, Date today);

// A small HTML page that shows `message` (escaped), for a refused search.
std::string render_html_error(std::string_view message);

// `text` with every byte that does not begin or continue a well-formed UTF-8 sequence
// (no overlong forms, no surrogates) replaced by '?'; valid text comes back unchanged.
std::string repair_utf8(std::string_view text);

}  // namespace dspt::server::publish
