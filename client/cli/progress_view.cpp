#include "client/cli/progress_view.hpp"

#include "client/format/output.hpp"
#include "common/standards/pack.hpp"

namespace dspt::client {

namespace {

nlohmann::json level_json(std::uint32_t satisfied, std::uint32_t total,
                          const std::vector<protocol::ItemRef>& missing) {
    auto items = nlohmann::json::array();
    for (const auto& item : missing) {
        items.push_back({{"id", item.id}, {"title", item.title}});
    }
    return {{"satisfied", satisfied}, {"total", total}, {"missing", items}};
}

nlohmann::json time_or_null(std::int64_t unix_ms) {
    return unix_ms > 0 ? nlohmann::json(format_time_iso(unix_ms)) : nlohmann::json();
}

// A level in a table cell: "Approaching", "Met", "Exceeded", or "none yet".
std::string level_cell(const std::string& level) {
    if (level == "approaching") {
        return "Approaching";
    }
    if (level == "met") {
        return "Met";
    }
    if (level == "exceeded") {
        return "Exceeded";
    }
    return level == "none" ? "none yet" : level;
}

std::string fraction(std::uint32_t satisfied, std::uint32_t total) {
    std::string text = std::to_string(satisfied);
    text += "/";
    text += std::to_string(total);
    return text;
}

}  // namespace

std::string level_display(const std::string& level) {
    const auto parsed = standards::parse_level(level);
    return parsed ? std::string(standards::display_name(*parsed)) : level;
}

nlohmann::json site_json(const protocol::SiteProgress& site, std::int64_t generated_at_ms) {
    nlohmann::json publication;
    if (site.published) {
        const auto& p = site.last_publication;
        publication = {{"id", p.id},
                       {"year", p.year},
                       {"level", p.level},
                       {"published", format_time_iso(p.published_at_ms)},
                       {"sites", p.sites}};
    }
    return {{"site", site.site_code},
            {"name", site.site_name},
            {"level", site.level},
            {"levels",
             {{"approaching", level_json(site.approaching_satisfied, site.approaching_total,
                                         site.missing_approaching)},
              {"met", level_json(site.met_satisfied, site.met_total, site.missing_met)}}},
            {"conflicts", site.conflicts},
            {"evidence_files", site.evidence_files},
            {"last_sync", time_or_null(site.last_sync_at_ms)},
            {"pending_changes", site.pending_changes},
            {"pending_bytes", site.pending_bytes},
            {"oldest_pending", time_or_null(site.oldest_pending_at_ms)},
            {"oldest_pending_age_ms",
             site.oldest_pending_at_ms > 0 ? generated_at_ms - site.oldest_pending_at_ms : 0},
            {"last_publication", publication}};
}

nlohmann::json organisation_json(const protocol::OrganisationProgress& organisation,
                                 std::int64_t generated_at_ms) {
    auto sites = nlohmann::json::array();
    for (const auto& site : organisation.sites) {
        sites.push_back(site_json(site, generated_at_ms));
    }
    return {{"organisation", organisation.organisation_ods},
            {"name", organisation.organisation_name},
            {"year", organisation.year},
            {"sites", sites}};
}

std::vector<std::string> site_header() {
    return {"SITE",      "NAME",  "LEVEL",     "APPROACHING", "MET",
            "CONFLICTS", "FILES", "LAST SYNC", "UNSYNCED",    "PUBLISHED"};
}

std::vector<std::string> site_row(const protocol::SiteProgress& site,
                                  std::int64_t generated_at_ms) {
    std::string pending = "-";
    if (site.pending_changes > 0) {
        pending = std::to_string(site.pending_changes);
        if (site.oldest_pending_at_ms > 0) {
            pending += ", oldest ";
            pending += human_age(generated_at_ms - site.oldest_pending_at_ms);
        }
    }
    std::string published = "-";
    if (site.published) {
        published = level_cell(site.last_publication.level);
        published += " ";
        published += format_time(site.last_publication.published_at_ms).substr(0, 10);
    }
    return {site.site_code,
            site.site_name,
            level_cell(site.level),
            fraction(site.approaching_satisfied, site.approaching_total),
            fraction(site.met_satisfied, site.met_total),
            std::to_string(site.conflicts),
            std::to_string(site.evidence_files),
            site.last_sync_at_ms > 0 ? format_time(site.last_sync_at_ms) : "never",
            pending,
            published};
}

}  // namespace dspt::client
