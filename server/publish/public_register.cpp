#include "server/publish/public_register.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include <nlohmann/json.hpp>

#include "common/form_encoding.hpp"
#include "common/html.hpp"
#include "common/report/csv_writer.hpp"
#include "common/standards/year.hpp"
#include "common/text.hpp"
#include "server/publish/certificate.hpp"
#include "server/publish/statistics.hpp"

namespace dspt::server::publish {

namespace {

using html::escape;

// The page's own style: inline, as the Content-Security-Policy allows nothing else.
constexpr std::string_view kStyle =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:70em;"
    "padding:0 1em;color:#1d1d1b}"
    "h1{font-size:1.6em}form{margin:1em 0}input{font-size:1em;padding:.3em;width:24em;"
    "max-width:100%}button{font-size:1em;padding:.3em .8em}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;"
    "border-bottom:1px solid #b1b4b6;vertical-align:top}"
    ".lapsed{color:#942514}.none{font-weight:bold}nav a{margin-right:1em}"
    "ul.sites{list-style:none;margin:0;padding:0}.code{font-weight:bold}";

std::string page_link(const RegisterQuery& query, std::size_t page, std::string_view label,
                      std::string_view rel) {
    std::string href = "/?q=" + form_encode(query.text) + "&page=" + std::to_string(page);
    if (query.per_page != kDefaultPerPage) {
        href += "&per_page=" + std::to_string(query.per_page);
    }
    return "<a rel=\"" + std::string(rel) + "\" href=\"" + escape(href) + "\">" +
           std::string(label) + "</a>";
}

// A site's status with its date: "Standards Met 2025-26, published 2025-11-04".
std::string site_line(const RegisterStatus& status) {
    return status.published ? status.text + ", published " + status.published->to_string()
                            : status.text;
}

nlohmann::ordered_json or_null(const std::optional<Date>& date) {
    return date ? nlohmann::ordered_json(date->to_string()) : nlohmann::ordered_json(nullptr);
}

// The fields of a status in the JSON register.
void put_status(nlohmann::ordered_json& row, const RegisterStatus& status) {
    row["status"] = status.text;
    row["level"] = status.level ? nlohmann::ordered_json(standards::to_string(*status.level))
                                : nlohmann::ordered_json(nullptr);
    row["year"] =
        status.level ? nlohmann::ordered_json(status.year) : nlohmann::ordered_json(nullptr);
    row["published"] = or_null(status.published);
    row["lapsed"] = status.lapsed;
    row["lapses"] = or_null(status.lapses);
}

std::vector<std::string> site_codes(const store::PublicEntry& entry) {
    std::vector<std::string> codes;
    for (const auto& site : entry.sites) {
        codes.push_back(site.ods);
    }
    return codes;
}

std::string sites_cell(const store::PublicEntry& entry, Date today) {
    std::string cell = "<ul class=\"sites\">";
    for (const auto& site : entry.sites) {
        const auto status = register_status(site.latest, today);
        cell += "<li class=\"site";
        cell += !status.level ? " unpublished" : status.lapsed ? " lapsed" : "";
        cell += "\"><span class=\"code\">" + escape(site.ods) + "</span> " +
                escape(site_line(status)) + "</li>";
    }
    return cell + "</ul>";
}

std::string result_row(const store::PublicEntry& entry, Date today) {
    const auto status = organisation_status(entry, today);
    std::string row = "<tr class=\"result\"><td class=\"name\">" + escape(entry.name) +
                      "</td><td class=\"ods\">" + escape(entry.ods) + "</td><td class=\"sites\">" +
                      sites_cell(entry, today) + "</td><td class=\"status" +
                      (status.lapsed ? " lapsed" : "") + "\">" + escape(status.text);
    if (const auto href = certificate_link(entry, status, today); !href.empty()) {
        row += " <a class=\"certificate\" href=\"" + escape(href) + "\">Certificate (PDF)</a>";
    }
    row += "</td><td class=\"published\">" +
           (status.published ? status.published->to_string() : std::string()) + "</td></tr>\n";
    return row;
}

std::string page_head(std::string_view title) {
    return html::head(title, kStyle);
}

}  // namespace

RegisterStatus register_status(const std::optional<store::Publication>& latest, Date today) {
    RegisterStatus status;
    if (!latest) {
        status.text = "Not published";
        return status;
    }
    status.level = latest->level;
    status.year = latest->year;
    status.published = Date::from_unix_ms(latest->published_at_ms);
    status.lapses = standards::lapses_on(*status.published);
    status.lapsed = standards::publication_lapsed(*status.published, today);
    status.covers = latest->sites;
    const auto reached = std::string(standards::display_name(latest->level)) + " " + latest->year;
    status.text = status.lapsed ? "Lapsed (" + reached + ")" : reached;
    return status;
}

const store::Publication* latest_publication(const store::PublicEntry& entry) {
    const store::Publication* newest = nullptr;
    for (const auto& site : entry.sites) {
        if (site.latest && (!newest || site.latest->published_at_ms > newest->published_at_ms ||
                            (site.latest->published_at_ms == newest->published_at_ms &&
                             site.latest->id > newest->id))) {
            newest = &*site.latest;
        }
    }
    return newest;
}

RegisterStatus organisation_status(const store::PublicEntry& entry, Date today) {
    const auto* latest = latest_publication(entry);
    if (!latest) {
        return register_status(std::nullopt, today);
    }
    auto status = register_status(*latest, today);
    const bool covers_every_site =
        std::all_of(entry.sites.begin(), entry.sites.end(), [&](const store::PublicSite& site) {
            return std::binary_search(latest->sites.begin(), latest->sites.end(), site.ods);
        });
    if (!covers_every_site) {
        const auto reached = std::string(standards::display_name(latest->level)) + " " +
                             latest->year + " for " + joined(latest->sites, ", ");
        status.text = status.lapsed ? "Lapsed (" + reached + ")" : reached;
    }
    return status;
}

std::string certificate_link(const store::PublicEntry& entry, const RegisterStatus& status,
                             Date today) {
    if (!status.level || status.lapsed || !certificate_offered(*status.level, status.year, today)) {
        return {};
    }
    auto code = entry.ods;
    if (!entry.every_site) {
        // By a shown site the publication covers: its certificate is this publication's,
        // the newest that covers any shown site.
        const auto covered = std::find_if(
            entry.sites.begin(), entry.sites.end(), [&](const store::PublicSite& site) {
                return std::binary_search(status.covers.begin(), status.covers.end(), site.ods);
            });
        if (covered == entry.sites.end()) {
            return {};
        }
        code = covered->ods;
    }
    return "/certificates/" + form_encode(code) + "/" + status.year + ".pdf";
}

std::string render_json(const RegisterQuery& query, const store::PublicPage& page, Date today) {
    auto organisations = nlohmann::ordered_json::array();
    for (const auto& entry : page.entries) {
        const auto status = organisation_status(entry, today);
        nlohmann::ordered_json row;
        row["name"] = entry.name;
        row["ods"] = entry.ods;
        row["sites"] = site_codes(entry);
        put_status(row, status);
        row["covers"] = status.covers;
        row["every_site"] = entry.every_site;
        auto sites = nlohmann::ordered_json::array();
        for (const auto& site : entry.sites) {
            nlohmann::ordered_json each;
            each["ods"] = site.ods;
            put_status(each, register_status(site.latest, today));
            sites.push_back(std::move(each));
        }
        row["site_statuses"] = std::move(sites);
        organisations.push_back(std::move(row));
    }
    nlohmann::ordered_json body;
    body["query"] = query.text;
    body["page"] = query.page;
    body["per_page"] = query.per_page;
    body["total"] = page.total;
    body["organisations"] = std::move(organisations);
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string render_csv(const store::PublicPage& page, Date today) {
    std::string csv =
        "\xEF\xBB\xBFOrganisation,ODS code,Sites,Status,Published,Status of each site\r\n";
    for (const auto& entry : page.entries) {
        const auto status = organisation_status(entry, today);
        std::vector<std::string> each;
        for (const auto& site : entry.sites) {
            each.push_back(site.ods + ": " + site_line(register_status(site.latest, today)));
        }
        csv += report::csv_field(entry.name) + "," + report::csv_field(entry.ods) + "," +
               report::csv_field(joined(site_codes(entry), " ")) + "," +
               report::csv_field(status.text) + "," +
               (status.published ? status.published->to_string() : std::string()) + "," +
               report::csv_field(joined(each, "; ")) + "\r\n";
    }
    return csv;
}

std::string render_html(const RegisterQuery& query, const store::PublicPage& page, Date today,
                        std::string_view statistics) {
    std::string html = statistics.empty()
                           ? page_head("DSPT published assessments")
                           : html::head("DSPT published assessments",
                                        std::string(kStyle) + std::string(kStatisticsSectionStyle));
    html +=
        "<h1>Data Security and Protection Toolkit: published assessments</h1>\n"
        "<form method=\"get\" action=\"/\" role=\"search\">\n"
        "<label for=\"q\">Organisation name, ODS code or site code</label>\n"
        "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"" +
        std::to_string(kMaxQueryBytes) + "\" value=\"" + escape(query.text) +
        "\">\n<button type=\"submit\">Search</button>\n</form>\n";
    if (page.total == 0) {
        html += "<p class=\"none\">Sorry, no organisation matches &ldquo;" + escape(query.text) +
                "&rdquo;.</p>\n";
    } else if (page.entries.empty()) {
        html += "<p class=\"none\">Page " + std::to_string(query.page) +
                " is past the last page of results. " + page_link(query, 1, "First page", "first") +
                "</p>\n";
    } else {
        const auto first = (query.page - 1) * query.per_page + 1;
        html += "<p class=\"summary\">" + std::to_string(page.total) +
                (page.total == 1 ? " organisation" : " organisations") + " found; showing " +
                std::to_string(first) + " to " + std::to_string(first + page.entries.size() - 1) +
                ".</p>\n<table>\n<thead><tr><th scope=\"col\">Organisation</th>"
                "<th scope=\"col\">ODS code</th><th scope=\"col\">Sites</th>"
                "<th scope=\"col\">Latest publication</th><th scope=\"col\">Date published</th>"
                "</tr></thead>\n"
                "<tbody>\n";
        for (const auto& entry : page.entries) {
            html += result_row(entry, today);
        }
        html += "</tbody>\n</table>\n";
    }
    const auto pages = (page.total + query.per_page - 1) / query.per_page;
    if (pages > 1) {
        html += "<nav class=\"paging\">";
        if (query.page > 1) {
            html += page_link(query, std::min(query.page - 1, pages), "Previous page", "prev");
        }
        html += "<span>Page " + std::to_string(query.page) + " of " + std::to_string(pages) +
                "</span> ";
        if (query.page < pages) {
            html += page_link(query, query.page + 1, "Next page", "next");
        }
        html += "</nav>\n";
    }
    if (page.total > 0) {
        html += "<p><a href=\"" + escape("/api/v1/organisations.csv?q=" + form_encode(query.text)) +
                "\">Download every match as CSV</a></p>\n";
    }
    html +=
        "<p>Each site shows the latest publication that covers it; a site no publication "
        "covers is not published. An organisation's latest publication names the sites it "
        "covers unless it covers all those shown. A search by site code shows only the "
        "matching sites. A publication lapses twelve months after it was made.</p>\n";
    html += statistics;
    html += "</body>\n</html>\n";
    return html;
}

std::string render_html_error(std::string_view message, std::string_view heading) {
    return page_head("DSPT published assessments: " + std::string(heading)) + "<h1>" +
           escape(heading) + "</h1>\n<p class=\"error\">" + escape(message) +
           "</p>\n<p><a href=\"/\">Start a new search</a></p>\n</body>\n</html>\n";
}

std::string repair_utf8(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80           ? 1
                             : (c >> 5) == 0x6  ? 2
                             : (c >> 4) == 0xE  ? 3
                             : (c >> 3) == 0x1E ? 4
                                                : 0;
        bool ok = length > 0 && i + length <= text.size() && c != 0xC0 && c != 0xC1 && c < 0xF5;
        for (std::size_t k = 1; ok && k < length; ++k) {
            ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        }
        if (ok && length == 3) {  // no overlong forms or surrogates
            const auto next = static_cast<unsigned char>(text[i + 1]);
            ok = !(c == 0xE0 && next < 0xA0) && !(c == 0xED && next >= 0xA0);
        }
        if (ok && length == 4) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            ok = !(c == 0xF0 && next < 0x90) && !(c == 0xF4 && next >= 0x90);
        }
        if (!ok) {
            out += '?';
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

}  // namespace dspt::server::publish
