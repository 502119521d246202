#include "server/web/dashboard_page.hpp"

#include "common/date.hpp"
#include "common/html.hpp"
#include "common/standards/pack.hpp"
#include "common/standards/year.hpp"

namespace dspt::server::web {

namespace {

// Inline, as the Content-Security-Policy allows nothing else. Below 48em wide each
// row becomes a card, its cells labelled from data-label.
constexpr std::string_view kStyle =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:1em auto;max-width:96em;"
    "padding:0 1em;color:#1d1d1b}"
    "header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;"
    "gap:0 2em}h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.5em}"
    ".code{color:#505a5f;font-size:.9em;white-space:nowrap}.scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;"
    "border-bottom:1px solid #b1b4b6;vertical-align:top}th{background:#f3f2f1}"
    ".warn{color:#942514;font-weight:bold}.good{color:#00703c;font-weight:bold}"
    "ul{margin:.3em 0;padding-left:1.2em}summary{cursor:pointer}"
    "button{font-size:1em;padding:.3em .8em}"
    "@media (max-width:48em){table,thead,tbody,tr,th,td{display:block}thead{display:none}"
    "tr{border:1px solid #b1b4b6;margin:0 0 1em;padding:.3em}td{border:none;padding:.25em .3em}"
    "td::before{content:attr(data-label) \": \";font-weight:bold}}";

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::string counted(std::int64_t n, std::string_view unit) {
    std::string text = std::to_string(n);
    text += ' ';
    text += unit;
    if (n != 1) {
        text += 's';
    }
    return text;
}

std::string level_name(std::string_view level) {
    const auto parsed = standards::parse_level(level);
    return parsed ? std::string(standards::display_name(*parsed)) : std::string(level);
}

std::string date_of(std::int64_t at_ms) {
    return Date::from_unix_ms(at_ms).to_string();
}

// "2026-11-18 (3 days ago)", or "never" for 0.
std::string when(std::int64_t at_ms, std::int64_t now_ms) {
    if (at_ms == 0) {
        return "never";
    }
    return date_of(at_ms) + " (" + age_text(now_ms - at_ms) + " ago)";
}

std::string cell(std::string_view label, std::string_view css_class, std::string_view content) {
    std::string html = "<td data-label=\"";
    html += html::escape(label);
    html += "\" class=\"";
    html += css_class;
    html += "\">";
    html += content;
    html += "</td>";
    return html;
}

std::string item_list(std::string_view level, const std::vector<protocol::ItemRef>& items) {
    std::string html = "<details><summary>";
    html += html::escape(level);
    html += ": ";
    html += counted(static_cast<std::int64_t>(items.size()), "item");
    html += "</summary><ul>";
    for (const auto& item : items) {
        html += "<li><span class=\"item-id\">" + html::escape(item.id) + "</span> " +
                html::escape(item.title) + "</li>";
    }
    html += "</ul></details>";
    return html;
}

std::string missing_items(const protocol::SiteProgress& site) {
    if (site.missing_approaching.empty() && site.missing_met.empty()) {
        return "none";
    }
    std::string html;
    if (!site.missing_approaching.empty()) {
        html += item_list("Approaching Standards", site.missing_approaching);
    }
    if (!site.missing_met.empty()) {
        html += item_list("Standards Met", site.missing_met);
    }
    return html;
}

std::string unsent(const protocol::SiteProgress& site, std::int64_t now_ms) {
    if (site.pending_changes == 0) {
        return "none";
    }
    const auto changes = counted(static_cast<std::int64_t>(site.pending_changes), "change");
    if (site.oldest_pending_at_ms == 0) {
        return changes;
    }
    return "<span class=\"warn\">" + age_text(now_ms - site.oldest_pending_at_ms) + "</span> (" +
           changes + ")";
}

// Days within which a lapsing publication is flagged.
constexpr int kLapsingDays = 30;

std::string publication(const protocol::SiteProgress& site, std::int64_t now_ms) {
    if (!site.published) {
        return "never";
    }
    const auto& last = site.last_publication;
    const auto published = Date::from_unix_ms(last.published_at_ms);
    const auto today = Date::from_unix_ms(now_ms);
    std::string html =
        html::escape(level_name(last.level) + " " + last.year) + " on " + published.to_string();
    if (standards::publication_lapsed(published, today)) {
        html += " <span class=\"lapse warn\">lapsed on " +
                standards::lapses_on(published).to_string() + "</span>";
    } else if (standards::lapses_within(published, today, kLapsingDays)) {
        html += " <span class=\"lapse warn\">lapses on " +
                standards::lapses_on(published).to_string() + "</span>";
    }
    return html;
}

std::string fraction(std::uint32_t satisfied, std::uint32_t total) {
    return std::to_string(satisfied) + " / " + std::to_string(total);
}

std::string site_row(const protocol::SiteProgress& site, std::int64_t now_ms) {
    std::string row = "<tr class=\"site\">";
    row += cell("Site", "site-name",
                html::escape(site.site_name) + " <span class=\"code\">" +
                    html::escape(site.site_code) + "</span>");
    const bool reached = site.level != "none";
    row +=
        cell("Level", reached ? "level good" : "level warn", html::escape(level_name(site.level)));
    row += cell("Approaching Standards", "approaching",
                fraction(site.approaching_satisfied, site.approaching_total));
    row += cell("Standards Met", "met", fraction(site.met_satisfied, site.met_total));
    row += cell("Missing mandatory items", "missing", missing_items(site));
    row += cell("Open conflicts", site.conflicts > 0 ? "conflicts warn" : "conflicts",
                std::to_string(site.conflicts));
    row += cell("Evidence files", "evidence", std::to_string(site.evidence_files));
    row += cell("Last sync", "last-sync", when(site.last_sync_at_ms, now_ms));
    row += cell("Oldest unsynced change", "unsent", unsent(site, now_ms));
    row += cell("Last publication", "publication", publication(site, now_ms));
    row += "</tr>\n";
    return row;
}

std::string organisation_section(const protocol::OrganisationProgress& organisation,
                                 std::int64_t now_ms) {
    std::string html = "<section class=\"organisation\">\n<h2>" +
                       html::escape(organisation.organisation_name) + " <span class=\"code\">" +
                       html::escape(organisation.organisation_ods) + "</span></h2>\n";
    if (organisation.sites.empty()) {
        return html +
               "<p class=\"none\">No sites are registered for this organisation.</p>\n"
               "</section>\n";
    }
    html +=
        "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Site</th>"
        "<th scope=\"col\">Level</th><th scope=\"col\">Approaching Standards</th>"
        "<th scope=\"col\">Standards Met</th><th scope=\"col\">Missing mandatory items</th>"
        "<th scope=\"col\">Open conflicts</th><th scope=\"col\">Evidence files</th>"
        "<th scope=\"col\">Last sync</th><th scope=\"col\">Oldest unsynced change</th>"
        "<th scope=\"col\">Last publication</th></tr></thead>\n<tbody>\n";
    for (const auto& site : organisation.sites) {
        html += site_row(site, now_ms);
    }
    return html + "</tbody>\n</table></div>\n</section>\n";
}

}  // namespace

std::string age_text(std::int64_t milliseconds) {
    if (milliseconds < kMinuteMs) {
        return "under a minute";
    }
    if (milliseconds < kHourMs) {
        return counted(milliseconds / kMinuteMs, "minute");
    }
    if (milliseconds < kDayMs) {
        return counted(milliseconds / kHourMs, "hour");
    }
    return counted(milliseconds / kDayMs, "day");
}

std::string render_dashboard(const protocol::ProgressReport& report,
                             const DashboardViewer& viewer) {
    std::string html = html::head("DSPT progress " + viewer.year, kStyle);
    html += "<header>\n<h1>DSPT progress, " + html::escape(viewer.year) +
            "</h1>\n<p class=\"viewer\">Signed in as a " + html::escape(viewer.role) +
            " device of " + html::escape(viewer.description) +
            "</p>\n<form method=\"post\" action=\"/web/logout\"><button type=\"submit\">Sign "
            "out</button></form>\n</header>\n<main>\n";
    html += viewer.role == "partner"
                ? "<p><a href=\"/web/partner\">Summary across your organisations</a></p>\n"
                : "";
    if (standards::is_valid_year(viewer.year)) {
        // The server's date, as every age on the page.
        html += "<p id=\"deadline\">" +
                html::escape(standards::deadline_words(
                    viewer.year, Date::from_unix_ms(report.generated_at_ms))) +
                ". The missing mandatory items of each site are listed below.</p>\n";
    }
    if (report.organisations.empty()) {
        html +=
            viewer.role == "partner"
                ? "<p class=\"none\">No organisation has given your partner access to its "
                  "progress. An organisation gives it with <code>dspt grant --partner NAME</code>."
                  "</p>\n"
                : "<p class=\"none\">There is nothing to show.</p>\n";
    }
    for (const auto& organisation : report.organisations) {
        html += organisation_section(organisation, report.generated_at_ms);
    }
    html += "</main>\n<p class=\"generated\">As the server held it on " +
            date_of(report.generated_at_ms) +
            ". Progress only: no answer, comment, plan or evidence is shown here.</p>\n"
            "</body>\n</html>\n";
    return html;
}

std::string render_web_message(std::string_view heading, std::string_view message,
                               bool how_to_sign_in) {
    std::string html = html::head(std::string("DSPT: ") + std::string(heading), kStyle);
    html += "<h1>" + html::escape(heading) + "</h1>\n<p class=\"message\">" +
            html::escape(message) + "</p>\n";
    if (how_to_sign_in) {
        html +=
            "<p class=\"help\">To sign in, run <code>dspt web-login</code> on an enrolled "
            "device and open the link it prints within five minutes. Each link works "
            "once.</p>\n";
    }
    return html + "</body>\n</html>\n";
}

}  // namespace dspt::server::web
