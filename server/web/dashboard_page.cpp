#include "server/web/dashboard_page.hpp"

#include <algorithm>

#include "common/date.hpp"
#include "common/html.hpp"
#include "common/report/csv_writer.hpp"
#include "common/standards/pack.hpp"
#include "common/standards/year.hpp"
#include "common/text.hpp"

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
    "table.totals{width:auto;min-width:50%}.totals th{background:none;font-weight:normal}"
    ".totals td{text-align:right;font-weight:bold}"
    "@media (max-width:48em){table,thead,tbody,tr,th,td{display:block}thead{display:none}"
    "tr{border:1px solid #b1b4b6;margin:0 0 1em;padding:.3em}td{border:none;padding:.25em .3em}"
    "td::before{content:attr(data-label) \": \";font-weight:bold}"
    "table.totals{display:table;width:100%}.totals tbody{display:table-row-group}"
    ".totals tr{display:table-row}.totals th,.totals td{display:table-cell;"
    "border-bottom:1px solid #b1b4b6}.totals td::before{content:none}}";

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

// "07/12/2026", as UK tables write a date.
std::string table_date(Date date) {
    const auto iso = date.to_string();  // YYYY-MM-DD
    return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string date_of(std::int64_t at_ms) {
    return table_date(Date::from_unix_ms(at_ms));
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

// The address of a site's page.
std::string site_link(const DashboardViewer& viewer, std::string_view code) {
    return viewer.home + "site?code=" + std::string(code);
}

std::string missing_items(const protocol::SiteProgress& site, const DashboardViewer& viewer) {
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
    html += "<a class=\"drill\" href=\"" + html::escape(site_link(viewer, site.site_code)) +
            "\">Missing items of " + html::escape(site.site_name) + "</a>";
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
        html::escape(level_name(last.level) + " " + last.year) + " on " + table_date(published);
    if (standards::publication_lapsed(published, today)) {
        html += " <span class=\"lapse warn\">lapsed on " +
                table_date(standards::lapses_on(published)) + "</span>";
    } else if (standards::lapses_within(published, today, kLapsingDays)) {
        html += " <span class=\"lapse warn\">lapses on " +
                table_date(standards::lapses_on(published)) + "</span>";
    }
    return html;
}

std::string fraction(std::uint32_t satisfied, std::uint32_t total) {
    return std::to_string(satisfied) + " / " + std::to_string(total);
}

std::string site_row(const protocol::SiteProgress& site, const DashboardViewer& viewer,
                     std::int64_t now_ms) {
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
    row += cell("Missing mandatory items", "missing", missing_items(site, viewer));
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
                                 const DashboardViewer& viewer, std::int64_t now_ms) {
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
        html += site_row(site, viewer, now_ms);
    }
    return html + "</tbody>\n</table></div>\n</section>\n";
}

std::string total_row(std::string_view css_class, std::string_view label, std::size_t count,
                      bool warn_when_any = false) {
    std::string html = "<tr class=\"";
    html += css_class;
    html += "\"><th scope=\"row\">";
    html += html::escape(label);
    html += "</th><td";
    if (warn_when_any && count > 0) {
        html += " class=\"warn\"";
    }
    html += ">" + std::to_string(count) + "</td></tr>\n";
    return html;
}

std::string totals_section(const DashboardTotals& totals, const DashboardViewer& viewer) {
    std::string html =
        "<section id=\"totals\">\n<h2>Totals</h2>\n<table class=\"totals\"><tbody>\n";
    html += total_row("total-sites", "Sites", totals.sites);
    html += total_row("total-exceeded", "At Standards Exceeded", totals.exceeded);
    html += total_row("total-met", "At Standards Met", totals.met);
    html += total_row("total-approaching", "At Approaching Standards", totals.approaching);
    html += total_row("total-none", "Not yet at Approaching Standards", totals.not_yet,
                      totals.not_yet > 0);
    html += total_row(
        "total-unsent",
        "With changes not sent for " + std::to_string(kUnsentWarningDays) + " days or more",
        totals.unsent_old, true);
    html += total_row("total-conflicts", "With open conflicts", totals.conflicts, true);
    html += "</tbody></table>\n<p><a id=\"download\" href=\"" +
            html::escape(viewer.home + "progress.csv") +
            "\" download>Download the table (CSV, for Excel)</a></p>\n</section>\n";
    return html;
}

// Every mandatory item the site misses, once, in toolkit order, and whether
// Approaching Standards needs it (otherwise only Standards Met does).
std::vector<std::pair<protocol::ItemRef, bool>> missing_once(const protocol::SiteProgress& site,
                                                             const standards::Pack& pack) {
    std::vector<std::pair<protocol::ItemRef, bool>> items;
    const auto has = [](const std::vector<protocol::ItemRef>& list, std::string_view id) {
        return std::any_of(list.begin(), list.end(),
                           [id](const protocol::ItemRef& ref) { return ref.id == id; });
    };
    for (const auto& item : pack.items) {
        const bool approaching = has(site.missing_approaching, item.id);
        if (approaching || has(site.missing_met, item.id)) {
            items.push_back({{item.id, item.title}, approaching});
        }
    }
    // Items the pack does not know (a report from another version) come last.
    for (const auto* list : {&site.missing_approaching, &site.missing_met}) {
        for (const auto& ref : *list) {
            if (pack.find(ref.id) == nullptr &&
                std::none_of(items.begin(), items.end(),
                             [&ref](const auto& known) { return known.first.id == ref.id; })) {
                items.push_back({ref, list == &site.missing_approaching});
            }
        }
    }
    return items;
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
        // The server's date, as every age on the page; a sentence of its own.
        auto deadline =
            standards::deadline_words(viewer.year, Date::from_unix_ms(report.generated_at_ms));
        if (!deadline.empty() && deadline.front() >= 'a' && deadline.front() <= 'z') {
            deadline.front() = static_cast<char>(deadline.front() - 'a' + 'A');
        }
        html += "<p id=\"deadline\">" + html::escape(deadline) +
                ". The missing mandatory items of each site are listed below.</p>\n";
    }
    if (const auto totals = dashboard_totals(report); totals.sites > 0) {
        html += totals_section(totals, viewer);
    }
    if (report.organisations.empty()) {
        html += viewer.role == "partner"
                    ? "<p class=\"none\">No organisation has given your partner access to its "
                      "progress. An organisation gives it from one of its own devices, naming your "
                      "partner as it is registered; its sites then appear here.</p>\n"
                    : "<p class=\"none\">There is nothing to show.</p>\n";
    }
    for (const auto& organisation : report.organisations) {
        html += organisation_section(organisation, viewer, report.generated_at_ms);
    }
    html += "</main>\n<p class=\"generated\">As the server held it on " +
            long_date(Date::from_unix_ms(report.generated_at_ms)) +
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

DashboardTotals dashboard_totals(const protocol::ProgressReport& report) {
    DashboardTotals totals;
    const auto old = report.generated_at_ms - kUnsentWarningDays * kDayMs;
    for (const auto& organisation : report.organisations) {
        for (const auto& site : organisation.sites) {
            ++totals.sites;
            const auto level = standards::parse_level(site.level).value_or(standards::Level::none);
            switch (level) {
                case standards::Level::exceeded:
                    ++totals.exceeded;
                    break;
                case standards::Level::met:
                    ++totals.met;
                    break;
                case standards::Level::approaching:
                    ++totals.approaching;
                    break;
                case standards::Level::none:
                    ++totals.not_yet;
                    break;
            }
            if (site.pending_changes > 0 && site.oldest_pending_at_ms != 0 &&
                site.oldest_pending_at_ms <= old) {
                ++totals.unsent_old;
            }
            if (site.conflicts > 0) {
                ++totals.conflicts;
            }
        }
    }
    return totals;
}

std::string dashboard_csv_name(std::string_view year) {
    return "dspt-progress-" + std::string(year) + ".csv";
}

std::string render_dashboard_csv(const protocol::ProgressReport& report) {
    std::string csv = "\xEF\xBB\xBF";
    const auto line = [&csv](const std::vector<std::string>& cells) {
        report::append_csv_line(csv, cells);
    };
    line({"Organisation", "Organisation code", "Site", "Site code", "Level",
          "Approaching Standards items met", "Approaching Standards items needed",
          "Standards Met items met", "Standards Met items needed",
          "Missing for Approaching Standards", "Missing for Standards Met", "Open conflicts",
          "Evidence files", "Last sync", "Unsent changes", "Oldest unsent change",
          "Last publication level", "Last publication date"});
    const auto ids = [](const std::vector<protocol::ItemRef>& items) {
        std::vector<std::string> list;
        for (const auto& item : items) {
            list.push_back(item.id);
        }
        return joined(list, " ");
    };
    const auto date_or_never = [](std::int64_t at_ms) {
        return at_ms == 0 ? std::string("never") : date_of(at_ms);
    };
    for (const auto& organisation : report.organisations) {
        for (const auto& site : organisation.sites) {
            line({organisation.organisation_name, organisation.organisation_ods, site.site_name,
                  site.site_code, level_name(site.level),
                  std::to_string(site.approaching_satisfied),
                  std::to_string(site.approaching_total), std::to_string(site.met_satisfied),
                  std::to_string(site.met_total), ids(site.missing_approaching),
                  ids(site.missing_met), std::to_string(site.conflicts),
                  std::to_string(site.evidence_files), date_or_never(site.last_sync_at_ms),
                  std::to_string(site.pending_changes),
                  site.pending_changes == 0 ? std::string()
                                            : date_or_never(site.oldest_pending_at_ms),
                  site.published
                      ? level_name(site.last_publication.level) + " " + site.last_publication.year
                      : std::string("never"),
                  site.published ? date_of(site.last_publication.published_at_ms) : std::string()});
        }
    }
    return csv;
}

std::string render_site_page(const protocol::OrganisationProgress& organisation,
                             const protocol::SiteProgress& site, const standards::Pack& pack,
                             const DashboardViewer& viewer, std::int64_t now_ms) {
    const auto title = site.site_name + " (" + site.site_code + ")";
    std::string html = html::head("DSPT progress: " + title, kStyle);
    html += "<header>\n<h1>" + html::escape(site.site_name) + " <span class=\"code\">" +
            html::escape(site.site_code) + "</span></h1>\n<p class=\"viewer\">" +
            html::escape(organisation.organisation_name) + " <span class=\"code\">" +
            html::escape(organisation.organisation_ods) + "</span>, " + html::escape(viewer.year) +
            "</p>\n</header>\n<main>\n<p><a href=\"" + html::escape(viewer.home) +
            "\">Back to the dashboard</a></p>\n";
    const bool reached = site.level != "none";
    html += "<p id=\"level\">Level: <span class=\"" + std::string(reached ? "good" : "warn") +
            "\">" + html::escape(level_name(site.level)) + "</span>. Approaching Standards: " +
            fraction(site.approaching_satisfied, site.approaching_total) +
            " mandatory items met; Standards Met: " + fraction(site.met_satisfied, site.met_total) +
            ".</p>\n";
    const auto missing = missing_once(site, pack);
    if (missing.empty()) {
        html += "<p class=\"none\">Every mandatory item is met.</p>\n";
    } else {
        html += "<h2>Mandatory items still missing (" + std::to_string(missing.size()) +
                ")</h2>\n<div class=\"scroll\"><table id=\"missing\">\n<thead><tr>"
                "<th scope=\"col\">Item</th><th scope=\"col\">Standard</th>"
                "<th scope=\"col\">What is asked</th><th scope=\"col\">Needed for</th>"
                "</tr></thead>\n<tbody>\n";
        for (const auto& [ref, approaching] : missing) {
            const auto* item = pack.find(ref.id);
            std::string standard;
            if (item != nullptr) {
                standard = std::to_string(item->standard) + " " +
                           std::string(standards::standard_name(item->standard));
            }
            html +=
                "<tr class=\"missing-item\">" +
                cell("Item", "item",
                     "<span class=\"item-id\">" + html::escape(ref.id) + "</span> " +
                         html::escape(ref.title)) +
                cell("Standard", "standard", html::escape(standard)) +
                cell("What is asked", "question",
                     html::escape(item != nullptr ? item->question : std::string())) +
                cell("Needed for", "needed-for",
                     approaching ? "Approaching Standards and Standards Met" : "Standards Met") +
                "</tr>\n";
        }
        html += "</tbody>\n</table></div>\n";
    }
    html += "<p>Open conflicts: " + std::to_string(site.conflicts) +
            ". Last sync: " + html::escape(when(site.last_sync_at_ms, now_ms)) +
            ". Oldest unsynced change: " + unsent(site, now_ms) + ".</p>\n";
    html += "</main>\n<p class=\"generated\">As the server held it on " +
            long_date(Date::from_unix_ms(now_ms)) +
            ". Progress only: no answer, comment, plan or evidence is shown here.</p>\n"
            "</body>\n</html>\n";
    return html;
}

}  // namespace dspt::server::web
