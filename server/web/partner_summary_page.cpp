#include "server/web/partner_summary_page.hpp"

#include <vector>

#include "common/date.hpp"
#include "common/form_encoding.hpp"
#include "common/html.hpp"
#include "common/standards/pack.hpp"

namespace dspt::server::web {

namespace {

// Inline, as the Content-Security-Policy allows nothing else; the dashboard's look.
constexpr std::string_view kPartnerStyle =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:1em auto;max-width:96em;"
    "padding:0 1em;color:#1d1d1b}h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.5em}"
    "nav a{margin-right:1.5em}.code{color:#505a5f;font-size:.9em;white-space:nowrap}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.4em .6em;border-bottom:1px solid #b1b4b6;vertical-align:top}"
    "th{background:#f3f2f1}td.count{text-align:right}.warn{color:#942514;font-weight:bold}"
    "button{font-size:1em;padding:.3em .8em}"
    "@media (max-width:48em){table,thead,tbody,tr,th,td{display:block}thead{display:none}"
    "tr{border:1px solid #b1b4b6;margin:0 0 1em;padding:.3em}td{border:none;padding:.25em .3em}"
    "td::before{content:attr(data-label) \": \";font-weight:bold}}";

std::string level_words(std::string_view level) {
    const auto parsed = standards::parse_level(level);
    return parsed ? std::string(standards::display_name(*parsed)) : "None";
}

std::string type_words(const std::string& type) {
    return std::string(progress::organisation_type_label(type));
}

std::string group_words(const std::string& group) {
    return group.empty() ? "No group" : group;
}

// "07/12/2026" from Unix milliseconds; "never" for 0.
std::string table_date(std::int64_t at_ms) {
    if (at_ms == 0) {
        return "never";
    }
    const auto text = Date::from_unix_ms(at_ms).to_string();  // YYYY-MM-DD
    return text.substr(8, 2) + "/" + text.substr(5, 2) + "/" + text.substr(0, 4);
}

std::string page_start(const std::string& title, const DashboardViewer& viewer) {
    std::string html = html::head(title, kPartnerStyle);
    html += "<header>\n<h1>" + html::escape(title) + "</h1>\n<p class=\"viewer\">Signed in as " +
            html::escape(viewer.description) +
            ", a support partner</p>\n<nav><a href=\"/web/partner\">Summary</a><a "
            "href=\"/web/\">Every organisation's sites</a></nav>\n<form method=\"post\" "
            "action=\"/web/logout\"><button type=\"submit\">Sign out</button></form>\n"
            "</header>\n<main>\n";
    return html;
}

std::string page_end(std::int64_t generated_at_ms) {
    return "</main>\n<p class=\"generated\">As the server held it on " +
           html::escape(long_date(Date::from_unix_ms(generated_at_ms))) +
           ". Counts only: no answer, comment, plan or evidence is shown here.</p>\n"
           "</body>\n</html>\n";
}

// A count that links to the organisations behind it; a plain 0 when there are none.
std::string count_cell(std::string_view label, std::uint32_t count,
                       const progress::SummaryFilter& filter) {
    std::string html = "<td class=\"count\" data-label=\"" + html::escape(label) + "\">";
    if (count == 0) {
        return html + "0</td>";
    }
    return html + "<a href=\"" + html::escape(drill_down_link(filter)) + "\">" +
           std::to_string(count) + "</a></td>";
}

constexpr std::string_view kTallyHeads[] = {
    "Organisations",      "None yet",  "Approaching Standards",  "Standards Met",
    "Standards Exceeded", "Published", "Lapsing within 30 days", "No sync for 30 days"};

std::string tally_row(std::string_view css_class, const std::string& label,
                      const protocol::LevelTally& tally, const progress::SummaryFilter& base) {
    std::string html = "<tr class=\"" + std::string(css_class) + "\"><th scope=\"row\">" +
                       html::escape(label) + "</th>";
    const auto with = [&base](std::string level, std::string state) {
        auto filter = base;
        filter.level = std::move(level);
        filter.state = std::move(state);
        return filter;
    };
    html += count_cell(kTallyHeads[0], tally.organisations, with("", ""));
    html += count_cell(kTallyHeads[1], tally.none, with("none", ""));
    html += count_cell(kTallyHeads[2], tally.approaching, with("approaching", ""));
    html += count_cell(kTallyHeads[3], tally.met, with("met", ""));
    html += count_cell(kTallyHeads[4], tally.exceeded, with("exceeded", ""));
    html += count_cell(kTallyHeads[5], tally.published, with("", "published"));
    html += count_cell(kTallyHeads[6], tally.lapsing, with("", "lapsing"));
    html += count_cell(kTallyHeads[7], tally.no_recent_sync, with("", "no_recent_sync"));
    return html + "</tr>\n";
}

std::string tally_table(std::string_view id, std::string_view first_head, std::string body) {
    std::string html = "<div class=\"scroll\"><table id=\"" + std::string(id) +
                       "\">\n<thead><tr><th scope=\"col\">" + std::string(first_head) + "</th>";
    for (const auto head : kTallyHeads) {
        html += "<th scope=\"col\">" + std::string(head) + "</th>";
    }
    return html + "</tr></thead>\n<tbody>\n" + body + "</tbody>\n</table></div>\n";
}

// The words for what a filter picks: "Standards Met, care home, group Leeds".
std::string filter_words(const protocol::PartnerSummary& summary,
                         const progress::SummaryFilter& filter) {
    std::vector<std::string> parts;
    if (!filter.level.empty()) {
        parts.push_back("at " + level_words(filter.level));
    }
    if (filter.state == "published") {
        parts.push_back("published for " + summary.year);
    } else if (filter.state == "lapsing") {
        parts.push_back("with a publication lapsing within 30 days");
    } else if (filter.state == "no_recent_sync") {
        parts.push_back("with no sync for 30 days");
    }
    if (filter.type) {
        parts.push_back("type: " + type_words(*filter.type));
    }
    if (filter.group) {
        parts.push_back("group: " + group_words(*filter.group));
    }
    if (!filter.missing.empty()) {
        std::string item = filter.missing;
        for (const auto& missing : summary.missing) {
            if (missing.id == filter.missing) {
                item += " " + missing.title;
            }
        }
        parts.push_back("missing " + item);
    }
    if (parts.empty()) {
        return "All organisations";
    }
    std::string words = "Organisations ";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            words += "; ";
        }
        words += parts[i];
    }
    return words;
}

}  // namespace

std::string drill_down_link(const progress::SummaryFilter& filter) {
    std::string query;
    const auto add = [&query](std::string_view name, const std::string& value) {
        query += query.empty() ? "?" : "&";
        query += name;
        query += '=';
        query += percent_encode(value);
    };
    if (!filter.level.empty()) {
        add("level", filter.level);
    }
    if (filter.type) {
        add("type", filter.type->empty() ? "not_stated" : *filter.type);
    }
    if (filter.group) {
        add("group", *filter.group);
    }
    if (!filter.state.empty()) {
        add("state", filter.state);
    }
    if (!filter.missing.empty()) {
        add("missing", filter.missing);
    }
    return "/web/partner/organisations" + query;
}

std::string render_partner_summary(const protocol::PartnerSummary& summary,
                                   const DashboardViewer& viewer) {
    std::string html = page_start("Partner summary, " + summary.year, viewer);
    if (summary.organisations.empty()) {
        html +=
            "<p class=\"none\">No organisation has given your partner access to its progress "
            "yet. When one does, its counts appear here.</p>\n";
        return html + page_end(summary.generated_at_ms);
    }
    html += "<p class=\"intro\">" + std::to_string(summary.all.organisations) +
            " organisation(s) have given your partner access to their progress. Each count "
            "links to the organisations behind it.</p>\n";
    html += "<h2>All organisations</h2>\n";
    html += tally_table("summary-all", "", tally_row("all", "All", summary.all, {}));

    std::string by_type;
    for (const auto& tally : summary.by_type) {
        progress::SummaryFilter filter;
        filter.type = tally.label;
        by_type += tally_row("type", type_words(tally.label), tally, filter);
    }
    html += "<h2>By organisation type</h2>\n" +
            tally_table("summary-types", "Organisation type", by_type);

    std::string by_group;
    for (const auto& tally : summary.by_group) {
        progress::SummaryFilter filter;
        filter.group = tally.label;
        by_group += tally_row("group", group_words(tally.label), tally, filter);
    }
    html += "<h2>By your groups</h2>\n";
    if (summary.by_group.size() == 1 && summary.by_group.front().label.empty()) {
        html +=
            "<p class=\"none\">You have not grouped any organisation. A partner's device "
            "groups one by a label of your choice, such as a local authority area.</p>\n";
    }
    html += tally_table("summary-groups", "Group", by_group);

    html += "<h2>Mandatory items missed most often</h2>\n";
    if (summary.missing.empty()) {
        html += "<p class=\"none\">No organisation misses a mandatory item.</p>\n";
    } else {
        html +=
            "<div class=\"scroll\"><table id=\"missing-items\">\n<thead><tr><th "
            "scope=\"col\">Item</th><th scope=\"col\">Organisations missing it</th></tr>"
            "</thead>\n<tbody>\n";
        for (const auto& item : summary.missing) {
            progress::SummaryFilter filter;
            filter.missing = item.id;
            html += "<tr class=\"missing-item\"><td data-label=\"Item\"><span class=\"item-id\">" +
                    html::escape(item.id) + "</span> " + html::escape(item.title) + "</td>" +
                    count_cell("Organisations missing it", item.organisations, filter) + "</tr>\n";
        }
        html += "</tbody>\n</table></div>\n";
    }
    return html + page_end(summary.generated_at_ms);
}

std::string render_partner_organisations(const protocol::PartnerSummary& summary,
                                         const progress::SummaryFilter& filter,
                                         const DashboardViewer& viewer) {
    const auto heading = filter_words(summary, filter);
    std::string html = page_start(heading, viewer);
    std::string rows;
    std::size_t shown = 0;
    for (const auto& row : summary.organisations) {
        if (!progress::matches(row, filter)) {
            continue;
        }
        ++shown;
        rows +=
            "<tr class=\"organisation\"><td data-label=\"Organisation\"><a href=\"/web/partner/"
            "organisations/" +
            html::escape(percent_encode(row.ods)) + "\">" + html::escape(row.name) +
            "</a> <span class=\"code\">" + html::escape(row.ods) + "</span></td>";
        rows += "<td data-label=\"Type\">" + html::escape(type_words(row.type)) + "</td>";
        rows += "<td data-label=\"Group\">" + html::escape(group_words(row.group)) + "</td>";
        rows += "<td data-label=\"Level\" class=\"level\">" + html::escape(level_words(row.level)) +
                "</td>";
        rows += "<td data-label=\"Sites\" class=\"count\">" + std::to_string(row.sites) + "</td>";
        rows += "<td data-label=\"Published\">" + std::string(row.published ? "Yes" : "No");
        if (const auto lapses = Date::parse(row.lapses_on)) {
            rows +=
                " <span class=\"warn\">lapses on " + html::escape(long_date(*lapses)) + "</span>";
        }
        rows += "</td><td data-label=\"Last sync\"" +
                std::string(row.no_recent_sync ? " class=\"warn\"" : "") + ">" +
                table_date(row.last_sync_at_ms) + "</td>";
        rows += "<td data-label=\"Mandatory items missing\" class=\"count\">" +
                std::to_string(row.missing.size()) + "</td></tr>\n";
    }
    html += "<p class=\"intro\">" + std::to_string(shown) + " of " +
            std::to_string(summary.organisations.size()) +
            " organisation(s). Choose one to see its sites.</p>\n";
    if (shown > 0) {
        html +=
            "<div class=\"scroll\"><table id=\"organisations\">\n<thead><tr><th "
            "scope=\"col\">Organisation</th><th scope=\"col\">Type</th><th "
            "scope=\"col\">Group</th><th scope=\"col\">Level</th><th "
            "scope=\"col\">Sites</th><th scope=\"col\">Published</th><th scope=\"col\">Last "
            "sync</th><th scope=\"col\">Mandatory items missing</th></tr></thead>\n<tbody>\n" +
            rows + "</tbody>\n</table></div>\n";
    }
    return html + page_end(summary.generated_at_ms);
}

}  // namespace dspt::server::web
